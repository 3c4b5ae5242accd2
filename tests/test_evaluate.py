"""Corpus readers, phone sets, capture metrics, predictions and `audioface evaluate` end to end."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import DATA

from audioface import Animation, arkit
from audioface.errors import AudioFaceError
from audioface.evaluate import find_items, load_reference_mesh, score_capture
from audioface.formats import read_weights as load_prediction
from audioface.formats import save
from audioface.formats.livelink import read_capture
from audioface.formats.phones import read_phones
from audioface.formats.phonesets import to_arpabet
from audioface.formats.rhubarb import cues_to_arkit as rhubarb_to_arkit
from audioface.track import Phone, PhoneTrack, Word

FILES = Path(__file__).parent / "files"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
EMU = SHARED / "emur-ae"
MESH = SHARED / "arkit-reference-mesh"
needs_emu = pytest.mark.skipif(not EMU.is_dir(), reason="../shared/data/emur-ae is not here")
needs_mesh = pytest.mark.skipif(not MESH.is_dir(), reason="../shared/data/arkit-reference-mesh is not here")


def test_htk_lab_with_timit_labels_merges_closures():
    phones = read_phones(FILES / "timit_htk.lab")
    assert [p.phone for p in phones] == ["sil", "B", "AE", "T", "sil"]
    assert phones[1].start == pytest.approx(0.15) and phones[1].end == pytest.approx(0.24)


def test_short_textgrid_with_radio_labels_uses_the_phone_tier():
    phones = read_phones(FILES / "radio_short.TextGrid")
    assert [(p.phone, p.start, p.end) for p in phones] == [
        ("sil", 0.0, 0.15), ("M", 0.15, 0.25), ("AE", 0.25, 0.4), ("P", 0.4, 0.5), ("sil", 0.5, 0.6),
    ]  # fmt: skip


def test_corpus_phones_json():
    phones = read_phones(DATA / "flite_slt_01.phones.json")
    assert phones[0].phone == "sil" and phones[1].phone == "P"


@needs_emu
def test_emu_lab_and_textgrid_agree_and_map_sampa():
    lab = read_phones(EMU / "annotationFiles" / "msajc003.lab")
    grid = read_phones(EMU / "annotationFiles" / "msajc003.TextGrid")
    assert [p.phone for p in lab] == [p.phone for p in grid][: len(lab)]
    assert lab[1].phone == "AH" and lab[1].stress == 1  # "V" in "amongst"
    assert lab[2].phone == "M"


def test_unknown_labels_fail_loudly():
    with pytest.raises(AudioFaceError, match="'xq'"):
        to_arpabet(["p", "xq"], "radio", "x.lab")
    with pytest.raises(AudioFaceError, match="no known phone set"):
        to_arpabet(["p", "??"])
    assert to_arpabet(["ix", "dcl", "h#"], "timit") == ["IH0", "D", "sil"]
    assert to_arpabet(["@:", "tS", "H#"], "sampa") == ["ER1", "CH", "sil"]


def test_find_items_in_flat_and_nested_layouts(tmp_path):
    items = {i.name: i for i in find_items(DATA)}
    assert len(items) >= 12
    item = items["flite_slt_01"]
    assert item.text.startswith("Peter bought") and item.phones.name == "flite_slt_01.phones.json"
    if EMU.is_dir():
        emu = {i.name: i for i in find_items(EMU)}
        assert emu["msajc003"].phones is not None and emu["msajc003"].text


def _anim(weights, fps=60.0):
    return Animation(weights=weights.astype(np.float32), fps=fps, track=PhoneTrack([], len(weights) / fps))


def test_capture_reader_round_trips_our_live_link_csv(tmp_path):
    rng = np.random.default_rng(4)
    w = rng.uniform(0, 1, (90, 52))
    save(_anim(w), tmp_path / "cap.csv")
    cap = read_capture(tmp_path / "cap.csv")
    assert np.allclose(cap.weights, w, atol=1e-5)
    assert np.allclose(np.diff(cap.times), 1 / 60, atol=1e-6)
    scores = score_capture(w, 60.0, cap)
    assert scores.mse == pytest.approx(0, abs=1e-9) and scores.mse_mouth == pytest.approx(0, abs=1e-9)


def test_capture_metrics_on_known_differences(tmp_path):
    (tmp_path / "cap.csv").write_text(
        "time,jawOpen,mouthClose,eyeBlinkLeft,mouthFunnel,mouthPucker\n"
        + "".join(f"{i / 30:.4f},0.5,0,0,0,0\n" for i in range(30))
    )
    cap = read_capture(tmp_path / "cap.csv")
    pred = np.zeros((60, 52))  # 60 fps, jaw shut: error 0.5 on one of 52 channels
    s = score_capture(pred, 60.0, cap)
    assert s.mae["jawOpen"] == pytest.approx(0.5) and s.mae["mouthClose"] == 0
    assert s.mse == pytest.approx(0.25 / 52)
    assert s.mse_mouth == pytest.approx(0.25 / 4)  # the mouth names the capture has


@needs_mesh
def test_lip_vertex_error_on_the_reference_mesh():
    mesh = load_reference_mesh(MESH)
    assert mesh.neutral.shape == (1220, 3) and mesh.deltas.shape == (52, 1220, 3)
    from audioface.evaluate.capture import lip_vertex_error

    base = np.zeros((10, 52))
    jaw, blink = base.copy(), base.copy()
    jaw[:, arkit.INDEX["jawOpen"]] = 0.8
    blink[:, arkit.INDEX["eyeBlinkLeft"]] = 0.8
    assert lip_vertex_error(base, base, mesh) == 0
    assert lip_vertex_error(jaw, base, mesh) > 1e-5  # centimetres of lip travel, squared
    assert lip_vertex_error(blink, base, mesh) < lip_vertex_error(jaw, base, mesh) / 100


def test_rhubarb_predictions_in_every_format(tmp_path):
    phones = (Phone("M", 0.1, 0.2), Phone("AA", 0.2, 0.4, 1), Phone("F", 0.4, 0.5))
    anim = Animation(np.zeros((40, 52), np.float32), 60.0, PhoneTrack([Word("maf", 0.1, 0.5, phones)], 0.66))
    for fmt, ext in (("rhubarb-json", "json"), ("rhubarb-tsv", "tsv"), ("rhubarb-xml", "xml")):
        save(anim, tmp_path / f"r.{ext}", fmt)
        w, fps = load_prediction(tmp_path / f"r.{ext}")
        assert fps == 100.0
        assert w[int(0.3 * 100), arkit.INDEX["jawOpen"]] == pytest.approx(0.6)  # D: wide open
        assert w[int(0.15 * 100)].max() == 0  # A: closed
        assert w[int(0.45 * 100), arkit.INDEX["mouthRollLower"]] == pytest.approx(0.6)  # G
    with pytest.raises(AudioFaceError, match="shape"):
        rhubarb_to_arkit([(0.0, 0.1, "Q")])


def _cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "audioface", *map(str, args)], capture_output=True, text=True
    )


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    for name in ("flite_slt_01", "festival_kal_diphone_09", "espeak_en-us_11"):
        for suffix in (".wav", ".txt", ".phones.json"):
            (folder / f"{name}{suffix}").write_bytes((DATA / f"{name}{suffix}").read_bytes())
    return folder


def test_evaluate_end_to_end_with_json_and_reports(small_corpus, tmp_path):
    res = _cli("evaluate", small_corpus, "--json", tmp_path / "s.json", "--report", tmp_path / "r.md", "-q")
    assert res.returncode == 0, res.stderr
    assert "ALL (3)" in res.stdout and "transcript" in res.stdout and "phonetic" in res.stdout
    doc = json.loads((tmp_path / "s.json").read_text())
    assert {i["mode"] for i in doc["items"]} == {"transcript", "recognized", "phonetic"}
    assert doc["summary"]["transcript"]["score"] >= 0.9
    assert doc["summary"]["transcript"]["alignment"]["within_50ms"] >= 0.85
    md = (tmp_path / "r.md").read_text()
    pngs = sorted((tmp_path / "r_files").glob("*.png"))
    assert len(pngs) == 9 and all(p.read_bytes()[:4] == b"\x89PNG" for p in pngs)
    assert "r_files/flite_slt_01_transcript.png" in md
    res = _cli("evaluate", small_corpus, "--mode", "transcript", "--report", tmp_path / "r.html", "-q")
    assert res.returncode == 0 and "<img src='r_files/" in (tmp_path / "r.html").read_text()


def test_evaluate_pred_scores_another_tools_output(small_corpus, tmp_path):
    pred = tmp_path / "pred"
    pred.mkdir()
    # a "tool" whose mouth never moves: closures pass, open vowels fail
    for name in ("flite_slt_01", "festival_kal_diphone_09", "espeak_en-us_11"):
        (pred / f"{name}.tsv").write_text("0.00\tX\n9.00\tX\n")
    res = _cli("evaluate", small_corpus, "--pred", pred, "--json", "-", "-q")
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    assert doc["summary"]["pred"]["recalls"]["closure"] == 1.0
    assert doc["summary"]["pred"]["recalls"]["open_vowel"] == 0.0
    # our own JSON output scored through --pred gives the same figures as the live run
    for name in ("flite_slt_01",):
        res = _cli("animate", small_corpus / f"{name}.wav", "--text-file", small_corpus / f"{name}.txt",
                   "-o", pred / f"{name}.json", "-q")  # fmt: skip
        assert res.returncode == 0
    live = json.loads(_cli("evaluate", small_corpus, "--mode", "transcript", "--json", "-", "-q").stdout)
    scored = json.loads(_cli("evaluate", small_corpus, "--pred", pred, "--json", "-", "-q").stdout)
    by_item = {i["item"]: i for i in scored["items"]}
    ours = next(i for i in live["items"] if i["item"] == "flite_slt_01")
    assert by_item["flite_slt_01"]["score"] == pytest.approx(ours["score"], abs=0.01)
    assert by_item["flite_slt_01"]["correlation"] == pytest.approx(ours["correlation"], abs=0.01)


def test_evaluate_bad_input(tmp_path):
    res = _cli("evaluate", tmp_path / "none")
    assert res.returncode != 0 and "corpus folder not found" in res.stderr and "Traceback" not in res.stderr
    res = _cli("evaluate", DATA, "--mode", "lipread")
    assert res.returncode != 0 and "unknown --mode" in res.stderr


def test_evaluate_against_a_capture_reports_errors_and_the_capture_ceiling(tmp_path):
    name = "flite_awb_04"
    for suffix in (".wav", ".txt", ".phones.json"):
        (tmp_path / f"{name}{suffix}").write_bytes((DATA / f"{name}{suffix}").read_bytes())
    # the "capture" is our own output: the transcript run must match it almost exactly
    res = _cli("animate", tmp_path / f"{name}.wav", "--text-file", tmp_path / f"{name}.txt", "-o",
               tmp_path / f"{name}.csv", "-q")  # fmt: skip
    assert res.returncode == 0, res.stderr
    args = ["evaluate", tmp_path, "--mode", "transcript,phonetic", "--json", "-", "-q"]
    if MESH.is_dir():
        args += ["--mesh", MESH]
    doc = json.loads(_cli(*args).stdout)
    by_mode = {i["mode"]: i for i in doc["items"]}
    assert set(by_mode) == {"transcript", "phonetic", "capture"}
    assert by_mode["transcript"]["capture"]["mse"] < 1e-6
    assert by_mode["phonetic"]["capture"]["mse_mouth"] > by_mode["transcript"]["capture"]["mse_mouth"]
    assert by_mode["capture"]["score"] == pytest.approx(by_mode["transcript"]["score"], abs=0.01)
    if MESH.is_dir():
        assert by_mode["transcript"]["capture"]["lve"] < 1e-9 < by_mode["phonetic"]["capture"]["lve"]
