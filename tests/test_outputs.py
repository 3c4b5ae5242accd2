import csv
import io
import json
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from audioface import Animation, arkit
from audioface.formats import save, save_phones
from audioface.formats.atomic import write_atomic
from audioface.formats.livelink import timecode
from audioface.formats.visemes import ovr_weights, vrm_weights
from audioface.track import Phone, PhoneTrack, Word

# Byte for byte from shared/reference/formats.md (the app's own header).
LIVELINK_HEADER = (
    "Timecode,BlendShapeCount,EyeBlinkLeft,EyeLookDownLeft,EyeLookInLeft,EyeLookOutLeft,"
    "EyeLookUpLeft,EyeSquintLeft,EyeWideLeft,EyeBlinkRight,EyeLookDownRight,EyeLookInRight,"
    "EyeLookOutRight,EyeLookUpRight,EyeSquintRight,EyeWideRight,JawForward,JawRight,JawLeft,"
    "JawOpen,MouthClose,MouthFunnel,MouthPucker,MouthRight,MouthLeft,MouthSmileLeft,"
    "MouthSmileRight,MouthFrownLeft,MouthFrownRight,MouthDimpleLeft,MouthDimpleRight,"
    "MouthStretchLeft,MouthStretchRight,MouthRollLower,MouthRollUpper,MouthShrugLower,"
    "MouthShrugUpper,MouthPressLeft,MouthPressRight,MouthLowerDownLeft,MouthLowerDownRight,"
    "MouthUpperUpLeft,MouthUpperUpRight,BrowDownLeft,BrowDownRight,BrowInnerUp,BrowOuterUpLeft,"
    "BrowOuterUpRight,CheekPuff,CheekSquintLeft,CheekSquintRight,NoseSneerLeft,NoseSneerRight,"
    "TongueOut,HeadYaw,HeadPitch,HeadRoll,LeftEyeYaw,LeftEyePitch,LeftEyeRoll,RightEyeYaw,"
    "RightEyePitch,RightEyeRoll"
)


@pytest.fixture
def anim():
    phones = (
        Phone("M", 0.2, 0.3),
        Phone("AA", 0.3, 0.5, 1),
        Phone("P", 0.5, 0.58),
        Phone("UW", 0.58, 0.8, 1),
    )
    track = PhoneTrack([Word("mapu", 0.2, 0.8, phones)], 1.2, "transcript")
    rng = np.random.default_rng(0)
    w = rng.uniform(0, 1, (37, 52)).astype(np.float32)
    return Animation(weights=w, fps=30.0, track=track, source="x.wav")


def test_livelink_csv_matches_the_app(tmp_path, anim):
    save(anim, tmp_path / "a.csv")
    text = (tmp_path / "a.csv").read_text()
    assert text.splitlines()[0] == LIVELINK_HEADER
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == anim.n_frames
    for i, row in enumerate(rows):
        assert row["BlendShapeCount"] == "61"
        assert re.fullmatch(r"\d\d:\d\d:\d\d:\d\d\.\d\d\d", row["Timecode"])
        for name in arkit.NAMES:  # read back by name, not position
            assert float(row[arkit.pascal(name)]) == pytest.approx(
                anim.weights[i, arkit.INDEX[name]], abs=1e-5
            )
    assert rows[31]["Timecode"] == "00:00:01:01.000"


def test_timecode_fractional_frames():
    assert timecode(0.0, 60) == "00:00:00:00.000"
    assert timecode(3723.5, 30) == "01:02:03:15.000"
    assert timecode(1 / 60 * 1.5, 30) == "00:00:00:00.750"


def test_json_holds_names_frames_and_phones(tmp_path, anim):
    save(anim, tmp_path / "a.json")
    doc = json.loads((tmp_path / "a.json").read_text())
    assert doc["names"] == list(arkit.NAMES) and doc["fps"] == 30.0
    assert np.allclose(doc["frames"], anim.weights, atol=1e-4)
    assert [p["phone"] for p in doc["words"][0]["phones"]] == ["M", "AA", "P", "UW"]


def test_rhubarb_formats(tmp_path, anim):
    save(anim, tmp_path / "a.tsv")
    lines = [line.split("\t") for line in (tmp_path / "a.tsv").read_text().splitlines()]
    assert lines[0] == ["0.00", "X"] and lines[-1] == ["1.20", "X"]
    shapes = [s for _, s in lines]
    assert shapes == ["X", "A", "D", "A", "F", "X", "X"]

    save(anim, tmp_path / "r.json", "rhubarb-json")
    doc = json.loads((tmp_path / "r.json").read_text())
    assert doc["metadata"]["duration"] == 1.2 and doc["metadata"]["soundFile"] == "x.wav"
    cues = doc["mouthCues"]
    assert cues[0]["start"] == 0.0 and cues[-1]["end"] == 1.2
    assert all(a["end"] == b["start"] for a, b in zip(cues, cues[1:], strict=False))

    save(anim, tmp_path / "a.xml")
    root = ET.parse(tmp_path / "a.xml").getroot()
    assert root.tag == "rhubarbResult"
    assert [c.text for c in root.find("mouthCues")] == [c["value"] for c in cues]

    save(anim, tmp_path / "a.dat", dat_fps=24)
    dat = (tmp_path / "a.dat").read_text().splitlines()
    assert dat[0] == "MohoSwitch1"
    frames = [int(line.split()[0]) for line in dat[1:]]
    assert frames == [1 + int(24 * c["start"] + 1e-9) for c in cues]


def test_rhubarb_without_extended_shapes(anim):
    from audioface.formats.rhubarb import mouth_cues

    cues = mouth_cues([Phone("F", 0, 0.1), Phone("L", 0.1, 0.3), Phone("sil", 0.3, 0.6)], 0.6, "")
    assert [c[2] for c in cues] == ["B", "C", "A"]


def test_viseme_tracks_sum_to_one_and_follow_phones(tmp_path, anim):
    ovr = ovr_weights(anim)
    assert np.allclose(ovr.sum(axis=1), 1.0)
    assert ovr[int(0.4 * 30)].argmax() == 10  # aa during AA
    assert ovr[int(0.25 * 30)].argmax() == 1  # PP during M
    vrm = vrm_weights(anim)
    assert vrm.shape == (anim.n_frames, 5) and vrm[int(0.7 * 30), 2] > 0.5  # ou during UW
    save(anim, tmp_path / "o.csv", "ovr")
    assert (tmp_path / "o.csv").read_text().startswith("time,sil,PP,FF,TH,DD,kk,CH,SS,nn,RR,aa,E,ih,oh,ou\n")
    save(anim, tmp_path / "v.csv", "vrm")
    assert (tmp_path / "v.csv").read_text().startswith("time,aa,ih,ou,ee,oh\n")


def test_phones_out_textgrid_and_json(tmp_path, anim):
    save_phones(anim, tmp_path / "p.TextGrid")
    tg = (tmp_path / "p.TextGrid").read_text()
    assert 'name = "words"' in tg and 'name = "phones"' in tg and 'text = "AA1"' in tg
    save_phones(anim, tmp_path / "p.json")
    doc = json.loads((tmp_path / "p.json").read_text())
    assert doc["words"][0]["word"] == "mapu" and doc["words"][0]["aligned"] is True


def test_failed_write_leaves_no_file_and_keeps_the_old_one(tmp_path, monkeypatch):
    import audioface.formats.atomic as atomic

    write_atomic(tmp_path / "out.csv", "old")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", broken_replace)
    with pytest.raises(OSError):
        write_atomic(tmp_path / "out.csv", "new contents")
    assert (tmp_path / "out.csv").read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_outputs_get_ordinary_permissions(tmp_path):
    import os

    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "out.csv", "x")
    finally:
        os.umask(old)
    assert (tmp_path / "out.csv").stat().st_mode & 0o777 == 0o644


def test_viseme_csvs_read_back(tmp_path, anim):
    from audioface.errors import AudioFaceError
    from audioface.formats.visemes import OVR, VRM, read_visemes_csv

    for fmt, names, weights in (("ovr", OVR, ovr_weights(anim)), ("vrm", VRM, vrm_weights(anim))):
        save(anim, tmp_path / f"{fmt}.csv", fmt)
        got_names, times, got = read_visemes_csv(tmp_path / f"{fmt}.csv")
        assert got_names == names and np.allclose(times, anim.times(), atol=1e-4)
        assert np.allclose(got, weights, atol=1e-4)
    save(anim, tmp_path / "ll.csv")
    with pytest.raises(AudioFaceError, match="not an OVR or VRM"):
        read_visemes_csv(tmp_path / "ll.csv")
