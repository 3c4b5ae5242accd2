import csv
import json
import subprocess
import sys

import numpy as np
import pytest
import soundfile as sf
from conftest import DATA, EXAMPLES

from audioface.cli import main


def run_cli(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "audioface", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


def test_help_has_examples_and_formats():
    res = run_cli("animate", "--help")
    assert res.returncode == 0
    assert "examples:" in res.stdout and "--text-file" in res.stdout and "rhubarb-tsv" in res.stdout


def test_example_runs_end_to_end(tmp_path):
    res = run_cli(
        "animate",
        EXAMPLES / "hello.wav",
        "--text-file",
        EXAMPLES / "hello.txt",
        "-o",
        tmp_path / "hello.csv",
        "--phones-out",
        tmp_path / "hello.TextGrid",
    )
    assert res.returncode == 0, res.stderr
    rows = list(csv.DictReader(open(tmp_path / "hello.csv")))
    assert len(rows) > 60 * 8 and max(float(r["JawOpen"]) for r in rows) > 0.3
    assert max(abs(float(r["HeadYaw"])) for r in rows) > 0.001  # the head moves with the speech
    assert max(float(r["EyeBlinkLeft"]) for r in rows) > 0.9
    assert "IntervalTier" in (tmp_path / "hello.TextGrid").read_text()


@pytest.mark.parametrize(
    "ext,fmt",
    [
        (".json", None),
        (".tsv", None),
        (".xml", None),
        (".dat", None),
        (".csv", "ovr"),
        (".csv", "vrm"),
        (".json", "rhubarb-json"),
    ],
)
def test_every_format_from_the_command_line(tmp_path, ext, fmt):
    out = tmp_path / f"o{ext}"
    args = [
        "animate",
        DATA / "flite_awb_04.wav",
        "--text",
        "Bob made a map of the farm. Who knew that you would go?",
        "-o",
        out,
        "-q",
        "--fps",
        "30",
    ]
    assert main([str(a) for a in args] + (["--format", fmt] if fmt else [])) == 0
    assert out.stat().st_size > 50
    if ext == ".json":
        json.loads(out.read_text())


def _assert_clean_failure(res, out, words):
    assert res.returncode != 0
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in res.stderr, res.stderr
    assert words in lines[0]
    assert not out.exists() and not list(out.parent.glob(".*.part"))


def test_bad_inputs_fail_in_one_line_and_write_nothing(tmp_path):
    out = tmp_path / "out.csv"
    (tmp_path / "notes.txt").write_text("hello\n")
    (tmp_path / "empty.wav").write_bytes(b"")
    sf.write(tmp_path / "short.wav", np.zeros(400, np.float32), 16000)
    raw = (DATA / "flite_slt_01.wav").read_bytes()
    (tmp_path / "cut.wav").write_bytes(raw[: len(raw) // 2])
    cases = [
        (tmp_path / "missing.wav", [], "not found"),
        (tmp_path / "notes.txt", [], "not a readable audio file"),
        (tmp_path / "empty.wav", [], "empty"),
        (tmp_path / "short.wav", [], "shorter than"),
        (tmp_path / "cut.wav", [], "truncated"),
        (
            DATA / "flite_slt_01.wav",
            ["--text-file", tmp_path / "none.txt"],
            "transcript file not found",
        ),
        (DATA / "flite_slt_01.wav", ["--text", "   "], "transcript is empty"),
        (DATA / "flite_slt_01.wav", ["--text", "?!... —"], "no words"),
        (DATA / "flite_slt_01.wav", ["--format", "fbx"], "unknown format"),
        (DATA / "flite_slt_01.wav", ["--fps", "0"], "fps"),
        (DATA / "flite_slt_01.wav", ["--emotion", "smug"], "unknown emotion"),
    ]
    for audio, extra, words in cases:
        _assert_clean_failure(run_cli("animate", audio, "-o", out, *extra), out, words)
    res = run_cli("animate", DATA / "flite_slt_01.wav", "-o", tmp_path / "x.unknown")
    _assert_clean_failure(res, tmp_path / "x.unknown", "output format")
    res = run_cli("animate", DATA / "flite_slt_01.wav", "-o", tmp_path / "no" / "dir.csv", "-q")
    assert res.returncode != 0 and len(res.stderr.strip().splitlines()) == 1


def test_silence_and_noise_give_a_face_at_rest(tmp_path):
    rng = np.random.default_rng(3)
    sf.write(tmp_path / "silence.wav", np.zeros(16000 * 2, np.float32), 16000)
    sf.write(tmp_path / "noise.wav", rng.normal(0, 0.1, 16000 * 2), 16000)
    for name in ("silence", "noise"):
        out = tmp_path / f"{name}.json"
        res = run_cli("animate", tmp_path / f"{name}.wav", "--text", "hello", "-o", out)
        assert res.returncode == 0, res.stderr
        assert "no speech" in res.stderr
        doc = json.loads(out.read_text())
        frames = np.array(doc["frames"])
        mouth = [i for i, n in enumerate(doc["names"]) if n.startswith(("jaw", "mouth"))]
        assert frames[:, mouth].max() < 0.05  # the eyes may blink, the mouth rests


def test_mismatched_transcript_warns_but_succeeds(tmp_path):
    out = tmp_path / "m.csv"
    res = run_cli("animate", DATA / "flite_slt_01.wav", "--text", " ".join(["banana"] * 100), "-o", out)
    assert res.returncode == 0, res.stderr
    assert "does the transcript match" in res.stderr and out.exists()
