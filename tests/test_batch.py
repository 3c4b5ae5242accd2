"""`audioface batch`: folders and manifests, a bad file in the middle, resuming, and outputs
identical to `audioface animate` on the same file."""

import json
import os
import shutil
import subprocess
import sys
import time

from conftest import DATA

NAMES = ["flite_slt_01", "festival_slt_07", "flite_awb_04"]


def run_cli(*args) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "audioface", *map(str, args)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=600)


def make_folder(tmp_path):
    folder = tmp_path / "lines"
    folder.mkdir()
    for name in NAMES:
        shutil.copy(DATA / f"{name}.wav", folder / f"{name}.wav")
    shutil.copy(DATA / "flite_slt_01.txt", folder / "flite_slt_01.txt")  # one line has its transcript
    (folder / "broken.wav").write_bytes(b"RIFF....not a wave")  # sorts in the middle
    return folder


def report(out) -> dict:
    return json.loads((out / "batch-report.json").read_text())


def test_folder_with_a_bad_file_resume_and_force(tmp_path):
    folder, out = make_folder(tmp_path), tmp_path / "out"
    res = run_cli("batch", folder, "--out", out, "-q")
    assert res.returncode == 1  # something failed
    doc = report(out)
    assert (doc["ok"], doc["failed"], doc["skipped"]) == (3, 1, 0)
    bad = next(f for f in doc["files"] if f["name"] == "broken")
    assert bad["status"] == "failed" and "not a readable audio" in bad["reason"] and "\n" not in bad["reason"]
    assert sorted(p.name for p in out.glob("*.csv")) == sorted(f"{n}.csv" for n in NAMES)
    assert all(f["seconds"] > 0 for f in doc["files"] if f["status"] == "ok")
    # a rerun skips what is up to date; a newer input is redone; --force redoes everything
    before = (out / "flite_awb_04.csv").stat().st_mtime
    time.sleep(0.05)
    os.utime(folder / "flite_slt_01.wav")
    res = run_cli("batch", folder, "--out", out, "-q")
    doc = report(out)
    assert res.returncode == 1 and (doc["ok"], doc["failed"], doc["skipped"]) == (1, 1, 2)
    assert next(f for f in doc["files"] if f["name"] == "flite_slt_01")["status"] == "ok"
    assert (out / "flite_awb_04.csv").stat().st_mtime == before
    (folder / "broken.wav").unlink()
    res = run_cli("batch", folder, "--out", out, "--force")
    doc = report(out)
    assert res.returncode == 0 and (doc["ok"], doc["failed"], doc["skipped"]) == (3, 0, 0)
    assert "3 animated" in res.stderr


def test_outputs_equal_animate_on_the_same_file(tmp_path):
    folder, out = make_folder(tmp_path), tmp_path / "out"
    (folder / "broken.wav").unlink()
    assert run_cli("batch", folder, "--out", out, "--format", "json", "-q").returncode == 0
    for name in ("flite_slt_01", "flite_awb_04"):
        single = tmp_path / f"{name}.json"
        extra = ["--text-file", folder / f"{name}.txt"] if (folder / f"{name}.txt").exists() else []
        assert run_cli("animate", folder / f"{name}.wav", *extra, "-o", single, "-q").returncode == 0
        assert (out / f"{name}.json").read_bytes() == single.read_bytes()


def test_manifests_with_per_row_options(tmp_path):
    folder, out = make_folder(tmp_path), tmp_path / "out"
    (folder / "broken.wav").unlink()
    (tmp_path / "m.csv").write_text(
        "audio,text,name,format,fps\n"
        "lines/flite_slt_01.wav,,first,rhubarb-tsv,\n"
        f"lines/festival_slt_07.wav,{(DATA / 'festival_slt_07.txt').read_text().strip()},second,json,30\n"
    )
    res = run_cli("batch", tmp_path / "m.csv", "--out", out, "-q")
    assert res.returncode == 0, res.stderr
    assert (out / "first.tsv").read_text().startswith("0.00\t")
    second = json.loads((out / "second.json").read_text())
    assert second["fps"] == 30 and second["source"] == "transcript"
    rows = [{"audio": "lines/flite_awb_04.wav", "text_file": "lines/flite_slt_01.txt", "name": "x",
             "format": "vrm"}, {"audio": "lines/missing.wav", "name": "y"}]  # fmt: skip
    (tmp_path / "m.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    res = run_cli("batch", tmp_path / "m.jsonl", "--out", out, "-q")
    doc = report(out)
    assert res.returncode == 1 and (out / "x.vrm.csv").read_text().startswith("time,aa,ih,ou,ee,oh")
    assert next(f for f in doc["files"] if f["name"] == "y")["reason"].startswith("audio file not found")


def test_bad_batches_fail_in_one_line(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "dup.csv").write_text("audio,name\na.wav,same\nb.wav,same\n")
    (tmp_path / "bad.csv").write_text("audio,format\na.wav,fbx\n")
    cases = [(tmp_path / "nowhere", "not found"), (tmp_path / "empty", "no recordings"),
             (tmp_path / "dup.csv", "used twice"), (tmp_path / "bad.csv", "unknown format")]  # fmt: skip
    for inputs, words in cases:
        res = run_cli("batch", inputs, "--out", tmp_path / "o")
        assert res.returncode == 2 and words in res.stderr and len(res.stderr.strip().splitlines()) == 1


def test_a_local_ray_cluster_gives_the_local_outputs(tmp_path):
    ray = __import__("pytest").importorskip("ray", reason="the ray extra is not installed")
    from audioface.batch import BatchOptions, from_folder, run_batch

    folder = make_folder(tmp_path)
    items = from_folder(folder, BatchOptions(format="json"))
    local = run_batch(items, tmp_path / "local", jobs=2)
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        on_ray = run_batch(items, tmp_path / "ray", ray="local")
    finally:
        ray.shutdown()
    assert [(r.name, r.status) for r in on_ray] == [(r.name, r.status) for r in local]
    assert [r.status for r in on_ray].count("failed") == 1
    for name in NAMES:
        assert (tmp_path / "ray" / f"{name}.json").read_bytes() == (
            tmp_path / "local" / f"{name}.json"
        ).read_bytes()
