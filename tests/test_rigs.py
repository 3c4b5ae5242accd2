"""Rig presets: check-rig and the glTF bake on one small avatar per convention
(tests/files/rigs, made by tools/make_rig_glbs.py with each convention's names typed from its
documentation), the rig CSV and the VMC names."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import DATA
from test_gltf import validator  # noqa: F401  (the Khronos validator fixture)

from audioface import animate
from audioface.formats import encode, save
from audioface.formats.gltf_read import read_glb
from audioface.formats.rig_check import check_rig
from audioface.formats.visemes import OVR, ovr_weights
from audioface.live.vmc import binding, frame_values

RIGS = Path(__file__).parent / "files" / "rigs"


@pytest.fixture(scope="module")
def anim():
    return animate(DATA / "flite_slt_01.wav", (DATA / "flite_slt_01.txt").read_text(), fps=30)


def baked(anim, tmp_path: Path, avatar: str, **options) -> dict[str, dict[str, np.ndarray]]:
    """{mesh name: {morph target name: weights per frame}} read back from the baked file."""
    out = tmp_path / f"{avatar}.out.glb"
    save(anim, out, mesh=RIGS / f"{avatar}.glb", **options)
    doc, blob = read_glb(out)
    result = {}
    for channel in doc["animations"][-1]["channels"]:
        sampler = doc["animations"][-1]["samplers"][channel["sampler"]]
        mesh = doc["meshes"][doc["nodes"][channel["target"]["node"]]["mesh"]]
        acc = doc["accessors"][sampler["output"]]
        view = doc["bufferViews"][acc["bufferView"]]
        names = mesh["extras"]["targetNames"]
        flat = np.frombuffer(blob, "<f4", acc["count"], view.get("byteOffset", 0) + acc.get("byteOffset", 0))
        table = flat.reshape(anim.n_frames, len(names))
        result[mesh["name"]] = {n: table[:, k] for k, n in enumerate(names)}
    return result


# avatar -> (preset detected, mode, mouth controls that must be drivable)
CONVENTIONS = {
    "arkit": ("arkit", "arkit", {"open", "close", "round", "tuck"}),
    "livelink": ("livelink", "arkit", {"open", "close", "round", "tuck"}),
    "meta": ("meta", "arkit", {"open", "close", "round", "tuck"}),
    "rpm": ("rpm", "arkit", {"open", "close", "round", "tuck"}),
    "rpm-visemes": ("rpm", "visemes", {"open", "close", "round", "tuck"}),
    "vrm0": ("vrm0", "visemes", {"open", "close", "round"}),
    "vrm0-perfect-sync": ("vrm0", "arkit", {"open", "close", "round", "tuck"}),
    "vrm1": ("vrm1", "visemes", {"open", "close", "round"}),
    "partial": ("arkit", "arkit", {"open", "close", "round"}),
    "no-mouth": ("arkit", "arkit", set()),
}


@pytest.mark.parametrize("avatar", list(CONVENTIONS))
def test_check_rig_on_each_convention(avatar):
    preset, mode, drivable = CONVENTIONS[avatar]
    check = check_rig(RIGS / f"{avatar}.glb")
    assert (check.binding.rig.name, check.binding.mode) == (preset, mode)
    assert {k for k, v in check.mouth.items() if v} == drivable
    assert check.drives_mouth == bool(drivable)


def test_check_rig_command_reports_and_exits(tmp_path):
    cmd = [sys.executable, "-m", "audioface", "check-rig"]
    ok = subprocess.run([*cmd, str(RIGS / "partial.glb")], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert "mouthClose -> jawOpen: the jaw opens less" in ok.stdout  # approximated, and said how
    assert "mouthRollLower" in ok.stdout.split("missing, dropped")[1]
    none = subprocess.run([*cmd, str(RIGS / "no-mouth.glb")], capture_output=True, text=True)
    assert none.returncode == 1 and "nothing on this avatar opens the mouth" in none.stdout
    forced = subprocess.run([*cmd, str(RIGS / "livelink.glb"), "--preset", "metahuman", "--json"],
                            capture_output=True, text=True)  # fmt: skip
    assert (
        forced.returncode == 0 and '"preset": "metahuman"' in forced.stdout and "Live Link" in forced.stdout
    )
    (tmp_path / "x.glb").write_bytes(b"nope")
    bad = subprocess.run([*cmd, str(tmp_path / "x.glb")], capture_output=True, text=True)
    assert bad.returncode == 2 and "not a binary glTF" in bad.stderr and "Traceback" not in bad.stderr


def test_bake_on_meta_face_expressions(anim, tmp_path):
    face = baked(anim, tmp_path, "meta")["Face"]
    pairs = {"JawDrop": "jawOpen", "LipsToward": "mouthClose", "LipFunnelerRT": "mouthFunnel",
             "LipPuckerL": "mouthPucker", "LipSuckLB": "mouthRollLower", "EyesClosedL": "eyeBlinkLeft",
             "EyesLookLeftL": "eyeLookOutLeft", "EyesLookRightL": "eyeLookInLeft",
             "LipCornerPullerR": "mouthSmileRight", "InnerBrowRaiserR": "browInnerUp"}  # fmt: skip
    for target, curve in pairs.items():
        assert np.allclose(face[target], anim.curve(curve), atol=1e-6), target
    assert anim.curve("jawOpen").max() > 0.2 and anim.curve("mouthClose").max() > 0.2
    assert not face["CheekSuckL"].any() and not face["TongueRetreat"].any()


def test_bake_on_ready_player_me(anim, tmp_path):
    meshes = baked(anim, tmp_path, "rpm")
    head, teeth = meshes["Wolf3D_Head"], meshes["Wolf3D_Teeth"]
    assert np.allclose(teeth["jawOpen"], anim.curve("jawOpen"), atol=1e-6)  # every mesh with the shape
    assert not head["mouthOpen"].any() and not head["viseme_aa"].any()  # no doubled mouth
    ovr = ovr_weights(anim)
    meshes = baked(anim, tmp_path, "rpm", targets="visemes")
    head = meshes["Wolf3D_Head"]
    assert np.allclose(head["viseme_aa"], ovr[:, OVR.index("aa")], atol=1e-6)
    assert np.allclose(head["viseme_I"], ovr[:, OVR.index("ih")], atol=1e-6)
    assert not head["jawOpen"].any()
    assert np.allclose(head["eyeBlinkLeft"], anim.curve("eyeBlinkLeft"), atol=1e-6)  # the eyes still move
    only = baked(anim, tmp_path, "rpm-visemes")["Face"]  # auto: visemes, blinks into eyesClosed
    assert np.allclose(only["viseme_PP"], ovr[:, OVR.index("PP")], atol=1e-6)
    both = (anim.curve("eyeBlinkLeft") + anim.curve("eyeBlinkRight")) / 2
    assert np.allclose(only["eyesClosed"], both, atol=1e-6) and both.max() > 0.5


def test_bake_on_vrm_expressions(anim, tmp_path):
    ovr = ovr_weights(anim)
    for avatar in ("vrm0", "vrm1"):
        face = baked(anim, tmp_path, avatar)["Face"]  # raw VRoid targets, through the expressions
        assert np.allclose(face["Fcl_MTH_A"], 0.8 * ovr[:, OVR.index("aa")], atol=1e-6), avatar
        assert np.allclose(face["Fcl_MTH_E"], ovr[:, OVR.index("E")], atol=1e-6), avatar
        assert np.allclose(face["Fcl_EYE_Close_L"], anim.curve("eyeBlinkLeft"), atol=1e-6), avatar
        assert not face["Fcl_EYE_Close"].any() and not face["Fcl_ALL_Joy"].any()  # no double blink
    sync = baked(anim, tmp_path, "vrm0-perfect-sync")["Face"]
    assert np.allclose(sync["ps_jawOpen"], anim.curve("jawOpen"), atol=1e-6)
    assert np.allclose(sync["ps_eyeBlinkLeft"], anim.curve("eyeBlinkLeft"), atol=1e-6)
    assert not sync["Fcl_MTH_A"].any() and not sync["Fcl_EYE_Close_L"].any()


def test_partial_rig_approximates_what_it_lacks(anim, tmp_path):
    face = baked(anim, tmp_path, "partial")["Face"]
    sealed = np.clip(anim.curve("jawOpen") - anim.curve("mouthClose"), 0, 1)
    assert np.allclose(face["jawOpen"], sealed, atol=1e-6)
    rounded = np.clip(anim.curve("mouthFunnel") + anim.curve("mouthPucker"), 0, 1)
    assert np.allclose(face["mouthFunnel"], rounded, atol=1e-6)
    closures = [p for p in anim.track.phones() if p.phone in ("P", "B", "M")]
    sealed_at = [face["jawOpen"][int(p.start * anim.fps) : int(p.end * anim.fps) + 2].min() for p in closures]
    assert len(closures) >= 4 and max(sealed_at) < 0.02  # the seal survives on a rig without mouthClose


def test_rig_csv_and_vmc_names(anim):
    text = encode(anim, "rig-csv", rig="meta").decode()
    rows = [line.split(",") for line in text.splitlines()]
    header = rows[0]
    assert header[0] == "time" and "JawDrop" in header and "CheekSuckL" not in header  # nothing drives it
    jaw = np.array([float(r[header.index("JawDrop")]) for r in rows[1:]])
    assert len(jaw) == anim.n_frames and np.allclose(jaw, anim.curve("jawOpen"), atol=1e-4)
    text = encode(anim, "rig-csv", rig="vrm1").decode()  # the preset's own vowels, from the visemes
    assert text.splitlines()[0] == "time,aa,ih,ou,ee,oh,blinkLeft,blinkRight"
    vowels = binding("vowels")
    assert vowels.names == ("A", "I", "U", "E", "O", "Blink_L", "Blink_R")
    frame = frame_values(binding("livelink"), anim.weights[10], None)
    assert frame[17] == ("JawOpen", pytest.approx(float(anim.weights[10, 17])))


@pytest.mark.parametrize("avatar", ["meta", "rpm", "vrm1"])
def test_bakes_pass_the_khronos_validator(anim, tmp_path, avatar, validator):  # noqa: F811
    out = tmp_path / f"{avatar}.out.glb"
    save(anim, out, mesh=RIGS / f"{avatar}.glb")
    assert validator(out).get("numErrors") == 0
