"""glTF export: name matching, baking onto an avatar, the Khronos validator, round trip."""

import json
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import DATA

from audioface import animate, arkit
from audioface.errors import AudioFaceError
from audioface.formats import rigs, save
from audioface.formats.gltf_read import read_glb
from audioface.formats.visemes import OVR, ovr_weights

AVATAR = Path(__file__).parent / "files" / "avatar.glb"  # made by tools/make_test_glb.py
VALIDATOR_VERSION = "2.0.0-dev.3.10"
VALIDATE_JS = """
const v = require(process.argv[1]); const fs = require('fs');
v.validateBytes(new Uint8Array(fs.readFileSync(process.argv[2])), {uri: process.argv[2]})
 .then(r => console.log(JSON.stringify(r.issues)))
 .catch(e => { console.log(JSON.stringify({fatal: String(e)})); });
"""


@pytest.fixture(scope="module")
def validator():
    """The Khronos glTF validator from npm, installed once into a cache folder."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node and npm are needed for the Khronos glTF validator")
    home = Path.home() / ".cache" / "audioface-tests"
    module = home / "node_modules" / "gltf-validator"
    if not module.is_dir():
        home.mkdir(parents=True, exist_ok=True)
        install = ["npm", "install", "--no-audit", "--no-fund", "--prefix", str(home)]
        subprocess.run(
            [*install, f"gltf-validator@{VALIDATOR_VERSION}"], check=True, capture_output=True, timeout=300
        )

    def validate(path: Path) -> dict:
        res = subprocess.run(
            ["node", "-e", VALIDATE_JS, str(module), str(path)], capture_output=True, text=True
        )
        return json.loads(res.stdout)

    return validate


@pytest.fixture(scope="module")
def anim():
    return animate(DATA / "flite_slt_01.wav", (DATA / "flite_slt_01.txt").read_text(), fps=30)


def test_target_names_in_common_conventions():
    """An avatar's target names in any common convention reach the curve they name."""
    names = {"jawOpen": "jawOpen", "JawOpen": "jawOpen", "blendShape1.mouthSmileLeft": "mouthSmileLeft",
             "ARKit_EyeBlinkRight": "eyeBlinkRight", "mouth_close": "mouthClose",
             "bsEyeBlinkLeft": "eyeBlinkLeft"}  # fmt: skip
    for name, curve in names.items():
        bound = rigs.bind(rigs.ARKIT, [name, "browSmirk"], "arkit")
        assert bound.fate(curve).targets == (name,), name
        assert bound.undriven == ("browSmirk",)
    visemes = rigs.bind(rigs.READY_PLAYER_ME, ["viseme_aa", "viseme_I", "jawOpen"], "visemes")
    column = {n: visemes.matrix[:, j] for j, n in enumerate(visemes.names)}
    assert column["viseme_aa"][rigs.SOURCES.index("viseme:aa")] == 1.0
    assert column["viseme_I"][rigs.SOURCES.index("viseme:ih")] == 1.0
    assert not column["jawOpen"].any()  # the visemes shape the mouth; jawOpen is no viseme


def _weights_of(path: Path) -> tuple[np.ndarray, np.ndarray, list[str]]:
    doc, blob = read_glb(path)
    channel = doc["animations"][-1]["channels"][0]
    sampler = doc["animations"][-1]["samplers"][channel["sampler"]]

    def data(acc_index: int) -> np.ndarray:
        acc = doc["accessors"][acc_index]
        view = doc["bufferViews"][acc["bufferView"]]
        start = view.get("byteOffset", 0) + acc.get("byteOffset", 0)
        return np.frombuffer(blob, "<f4", acc["count"], start)

    names = doc["meshes"][0]["extras"]["targetNames"]
    times = data(sampler["input"])
    return times, data(sampler["output"]).reshape(len(times), len(names)), names


def test_baked_glb_round_trips_and_passes_the_validator(tmp_path, anim, validator):
    out = tmp_path / "talking.glb"
    save(anim, out, mesh=AVATAR)
    report = validator(out)
    assert report.get("numErrors") == 0, report
    times, weights, names = _weights_of(out)
    assert np.allclose(times, anim.times(), atol=1e-6)
    assert np.allclose(weights[:, names.index("jawOpen")], anim.curve("jawOpen"), atol=1e-6)
    assert np.allclose(weights[:, names.index("MouthClose")], anim.curve("mouthClose"), atol=1e-6)
    # the avatar has no pucker: the funnel carries it, so rounded vowels still round
    rounded = np.clip(anim.curve("mouthFunnel") + anim.curve("mouthPucker"), 0, 1)
    assert np.allclose(weights[:, names.index("blendShape1.mouthFunnel")], rounded, atol=1e-6)
    assert not weights[:, names.index("viseme_aa")].any() and not weights[:, names.index("browSmirk")].any()
    # the avatar itself is untouched: same meshes, one more animation
    before, _ = read_glb(AVATAR)
    after, _ = read_glb(out)
    assert after["meshes"] == before["meshes"] and len(after.get("animations", [])) == 1


def test_visemes_and_embedded_gltf(tmp_path, anim, validator):
    out = tmp_path / "talking.gltf"
    save(anim, out, mesh=AVATAR, targets="both")
    assert validator(out).get("numErrors") == 0
    glb = tmp_path / "v.glb"
    save(anim, glb, mesh=AVATAR, targets="visemes")
    _, weights, names = _weights_of(glb)
    assert np.allclose(weights[:, names.index("viseme_aa")], ovr_weights(anim)[:, OVR.index("aa")], atol=1e-6)
    assert not weights[:, names.index("jawOpen")].any()


def test_standalone_glb_of_our_own_face(tmp_path, anim, validator):
    out = tmp_path / "face.glb"
    save(anim, out)
    assert validator(out).get("numErrors") == 0
    times, weights, names = _weights_of(out)
    assert names == list(arkit.NAMES)
    assert np.allclose(weights, anim.weights, atol=1e-6) and np.allclose(times, anim.times(), atol=1e-6)


def test_gltf_errors(tmp_path, anim):
    (tmp_path / "not.glb").write_bytes(b"hello world, not a glb")
    with pytest.raises(AudioFaceError, match="not a binary glTF"):
        save(anim, tmp_path / "x.glb", mesh=tmp_path / "not.glb")
    header = AVATAR.read_bytes()
    length = struct.unpack_from("<I", header, 12)[0]
    doc = json.loads(header[20 : 20 + length])
    doc["meshes"][0]["extras"]["targetNames"] = ["a", "b", "c", "d", "e"]
    text = json.dumps(doc).encode()
    text += b" " * (-len(text) % 4)
    rest = header[20 + length :]
    body = struct.pack("<II", len(text), 0x4E4F534A) + text + rest
    (tmp_path / "nameless.glb").write_bytes(struct.pack("<III", 0x46546C67, 2, 12 + len(body)) + body)
    with pytest.raises(AudioFaceError, match="no morph target"):
        save(anim, tmp_path / "x.glb", mesh=tmp_path / "nameless.glb")
    assert not (tmp_path / "x.glb").exists()


def test_cli_glb(tmp_path):
    cli = [sys.executable, "-m", "audioface", "animate", str(DATA / "flite_awb_04.wav"), "-o"]
    res = subprocess.run(
        [*cli, str(tmp_path / "a.glb"), "--mesh", str(AVATAR), "-q"], capture_output=True, text=True
    )
    assert res.returncode == 0, res.stderr
    assert read_glb(tmp_path / "a.glb")[0]["animations"][0]["name"] == "audioface"
    res = subprocess.run(
        [*cli, str(tmp_path / "b.glb"), "--mesh", str(tmp_path / "none.glb")], capture_output=True, text=True
    )
    assert res.returncode != 0 and "avatar not found" in res.stderr and "Traceback" not in res.stderr
