"""The Blender add-on in real Blenders, old and new: Debian's ``blender`` program (3.4), installed
with apt-get where it is missing and this user can (root, as in CI), and Blender 4.5 LTS as a
Python module (``bpy`` from PyPI, in its own venv under ~/.cache/audioface-test, made once and
kept). Each installs the zip (3.4 as an add-on, 4.5 as an extension), animates meshes with all
52 ARKit shape keys from a script, and every keyframe is compared with ``audioface animate``'s
own curves at the scene's frame rate. A test skips only where its Blender cannot be had, saying
why. The script that runs inside Blender is tests/blender_check.py.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import EXAMPLES

from audioface import arkit
from audioface.blender import write_addon

WAV = EXAMPLES / "hello.wav"
TEXT = (EXAMPLES / "hello.txt").read_text()
CHECK = Path(__file__).parent / "blender_check.py"
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "audioface-test"
# (fps, start frame, head and eye bones too)
RUNS = [(24, 1, True), (30, 11, False), (60, 1, False)]
MOUTH_VALUES = {shape: i for i, shape in enumerate("ABCDEFGHX")}


def apt_install(package: str) -> str:
    """'' once installed, else why not."""
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        return f"Debian's {package} is not installed and this user cannot apt-get install it"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True, timeout=600)
    done = subprocess.run(["apt-get", "install", "-y", "-qq", package], env=env, capture_output=True,
                          timeout=900)  # fmt: skip
    why = done.stderr.decode()[-200:].strip()
    return "" if done.returncode == 0 else f"apt-get could not install {package}: {why}"


def blender_program() -> list[str]:
    if not shutil.which("blender"):
        why = apt_install("blender")
        if why or not shutil.which("blender"):
            pytest.skip(why or "apt-get installed blender but it is not on PATH")
    program = shutil.which("blender")
    return [program, "-b", "--factory-startup", "--python-exit-code", "1", "--python", str(CHECK), "--"]


def bpy_module() -> list[str]:
    """Python with bpy 4.5 in its own venv (the wheel is large: made once, kept in the cache)."""
    if sys.version_info[:2] != (3, 11):
        pytest.skip(f"bpy 4.5's wheels are for Python 3.11, this is {sys.version.split()[0]}")
    venv = CACHE / "bpy45"
    python = venv / "bin" / "python"
    if not (venv / ".ok").exists():
        shutil.rmtree(venv, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
        done = subprocess.run([str(python), "-m", "pip", "install", "-q", "bpy==4.5.*"], capture_output=True,
                              text=True, timeout=900)  # fmt: skip
        if done.returncode != 0:
            pytest.skip(f"pip could not install bpy 4.5: {done.stderr.strip()[-300:]}")
        (venv / ".ok").write_text("bpy 4.5\n")
    return [str(python), str(CHECK)]


def audioface_command(tmp: Path) -> str:
    """The installed command, as the add-on finds it (or a launcher of this Python's package)."""
    found = shutil.which("audioface")
    if found:
        return found
    launcher = tmp / "audioface"
    launcher.write_text(f"#!{sys.executable}\nfrom audioface.cli import entry\nraise SystemExit(entry())\n")
    launcher.chmod(0o755)
    return str(launcher)


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """``audioface animate``'s own curves at each scene rate, and its Rhubarb cues."""
    tmp = tmp_path_factory.mktemp("reference")
    exe = audioface_command(tmp)
    out = {}
    for fps, fmt in [(24, "json"), (30, "json"), (60, "json"), (30, "rhubarb-json")]:
        path = tmp / f"{fps}.{fmt}"
        subprocess.run([exe, "animate", str(WAV), "--text", TEXT, "--format", fmt, "-o", str(path), "--fps",
                        str(fps), "-q"], check=True, timeout=300)  # fmt: skip
        out[fmt if fmt != "json" else fps] = json.loads(path.read_text())
    return out


def run_in(blender: list[str], tmp: Path, extension: bool) -> dict:
    write_addon(tmp / "audioface_blender.zip")
    runs = [{"fps": f, "start_frame": s, "bones": b} for f, s, b in RUNS]
    settings = {"zip": str(tmp / "audioface_blender.zip"), "exe": audioface_command(tmp), "audio": str(WAV),
                "text": TEXT, "bad_audio": str(EXAMPLES / "hello.txt"), "shapes": list(arkit.NAMES),
                "extension": extension, "runs": runs}  # fmt: skip
    (tmp / "settings.json").write_text(json.dumps(settings))
    # Blender's user folders in the test's own: nothing is installed into the user's Blender
    folders = ("SCRIPTS", "CONFIG", "RESOURCES", "DATAFILES")
    user = {f"BLENDER_USER_{k}": str(tmp / "user" / k.lower()) for k in folders}
    files = [str(tmp / "settings.json"), str(tmp / "result.json")]
    res = subprocess.run([*blender, *files], capture_output=True, text=True, timeout=600,
                         env={**os.environ, **user}, cwd=tmp)  # fmt: skip
    assert res.returncode == 0, (res.stdout + res.stderr)[-3000:]
    return json.loads((tmp / "result.json").read_text())


def check_curves(run: dict, ref: dict, fps: int, start: int) -> None:
    """Every keyframe of every shape key: at frame start + k, the CLI's value of frame k."""
    frames = np.asarray(ref["frames"])
    assert sorted(run["shape_keys"]) == sorted(f'key_blocks["{n}"].value[0]' for n in arkit.NAMES)
    for i, name in enumerate(ref["names"]):
        curve = run["shape_keys"][f'key_blocks["{name}"].value[0]']
        co = np.asarray(curve["co"])
        assert len(co) == len(frames) and curve["interpolation"] == ["LINEAR"], name
        assert np.abs(co[:, 0] - (start + np.arange(len(frames)))).max() < 1e-4, name
        assert np.abs(co[:, 1] - np.clip(frames[:, i], 0, 1)).max() < 1e-3, (fps, name)
    assert np.ptp(frames[:, ref["names"].index("jawOpen")]) > 0.3, "a face that speaks"


def check_mouth(run: dict, cues: list, fps: int, start: int) -> None:
    """One CONSTANT key per Rhubarb cue, its shape as 0..8, at the cue's start frame (or, for a
    cue sharing a frame with the one before, the frames just after)."""
    curve = run["object"]['["audioface_mouth"][0]']
    co = np.asarray(curve["co"])
    assert curve["interpolation"] == ["CONSTANT"] and len(co) == len(cues)
    assert [int(v) for v in co[:, 1]] == [MOUTH_VALUES[c["value"]] for c in cues]
    wanted = np.round(start + np.array([c["start"] for c in cues]) * fps)
    assert np.all(np.diff(co[:, 0]) >= 1)
    assert np.all(co[:, 0] - wanted >= 0) and np.all(co[:, 0] - wanted <= 2)


def check_bones(run: dict, ref: dict, start: int) -> None:
    rotations = np.asarray(ref["rotations"])
    for part, bone in (("Head", "Head"), ("LeftEye", "Eye.L"), ("RightEye", "Eye.R")):
        for axis, index in (("Pitch", 0), ("Yaw", 1), ("Roll", 2)):
            co = np.asarray(run["bones"][f'pose.bones["{bone}"].rotation_euler[{index}]']["co"])
            want = rotations[:, ref["rotation_names"].index(part + axis)]
            assert np.abs(co[:, 0] - (start + np.arange(len(want)))).max() < 1e-4
            assert np.abs(co[:, 1] - want).max() < 1e-3, (bone, axis)
    assert np.ptp(rotations[:, ref["rotation_names"].index("HeadYaw")]) > 0, "the head moves"


@pytest.mark.parametrize("which", ["blender 3.4 (Debian)", "bpy 4.5 (PyPI)"])
def test_the_addon_keys_what_the_cli_computes(which, reference, tmp_path):
    blender = blender_program() if which.startswith("blender") else bpy_module()
    result = run_in(blender, tmp_path, extension=which.startswith("bpy"))
    assert result["blender"].startswith(which.split()[1]), result["blender"]
    for run, (fps, start, bones) in zip(result["runs"], RUNS, strict=True):
        assert run["error"] == "", run["error"]
        check_curves(run, reference[fps], fps, start)
        check_mouth(run, reference["rhubarb-json"]["mouthCues"], fps, start)
        if bones:
            check_bones(run, reference[fps], start)
    sounds = {(s["frame_start"], s["filepath"]) for s in result["strips"] if s["type"] == "SOUND"}
    assert sounds == {(1.0, str(WAV)), (11.0, str(WAV))}, "one strip per start frame, reused on the same one"
    assert result["frame_end"] >= 1 + len(reference[60]["frames"]) - 1
    bad = result["bad"]
    assert bad["error"].startswith("Error: ") and bad["error"].strip().count("\n") == 0, bad["error"]
    assert "audio" in bad["error"]
    assert not bad["animation"] and bad["jawOpen"] == 0.25 and bad["props"] == [] and bad["strips_unchanged"]
