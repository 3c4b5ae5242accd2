"""The Blender add-on's parts that run without Blender: the zip, its lists against the library's,
its command lines against the CLI, its weights against the glTF bake's, and its jobs (real
``audioface`` processes). tests/test_blender.py runs the whole add-on in real Blenders."""

import ast
import json
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import numpy as np
import pytest
from conftest import EXAMPLES

import audioface
from audioface import arkit
from audioface.animation import ROTATION_NAMES
from audioface.blender import ADDON, FILES, MODULE, write_addon
from audioface.formats import rigs
from audioface.formats.animation_json import to_json
from audioface.formats.rhubarb import RHUBARB_ARKIT
from audioface.formats.rig_check import check_names, report_json
from audioface.formats.visemes import to_ovr_csv
from audioface.motion import emotion, generators

PACKAGE = Path(audioface.__file__).parent
WAV = EXAMPLES / "hello.wav"


@pytest.fixture(scope="module")
def addon(tmp_path_factory):
    """The add-on's bpy-free modules (core, job) imported as a package of their own: importing
    the add-on's ``__init__`` would need bpy."""
    root = tmp_path_factory.mktemp("addon")
    pkg = root / "af_addon_parts"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    for name in ("core.py", "job.py"):
        shutil.copy(ADDON / name, pkg / name)
    sys.path.insert(0, str(root))
    try:
        import af_addon_parts.core as core
        import af_addon_parts.job as job

        yield core, job
    finally:
        sys.path.remove(str(root))


def command() -> str:
    found = shutil.which("audioface")
    if not found:
        pytest.skip("the audioface command is not on PATH")
    return found


def test_the_zip_installs_as_an_addon_and_as_an_extension(tmp_path):
    path = write_addon(tmp_path / "a.zip")
    with zipfile.ZipFile(path) as zf:
        assert sorted(zf.namelist()) == sorted(f"{MODULE}/{n}" for n in FILES)
        init = zf.read(f"{MODULE}/__init__.py").decode()
        manifest = tomllib.loads(zf.read(f"{MODULE}/blender_manifest.toml").decode())
    info = next(ast.literal_eval(n.value) for n in ast.parse(init).body
                if isinstance(n, ast.Assign) and n.targets[0].id == "bl_info")  # fmt: skip
    assert info["blender"] == (3, 4, 0)
    assert manifest["id"] == MODULE and manifest["type"] == "add-on"
    assert manifest["version"] == ".".join(map(str, info["version"]))
    assert sorted(p.name for p in ADDON.iterdir() if p.suffix in (".py", ".toml")) == sorted(FILES)
    assert write_addon(tmp_path / "b.zip").read_bytes() == path.read_bytes(), "the same source, the same zip"


def test_the_cli_writes_the_zip(tmp_path):
    res = subprocess.run([command(), "blender-addon", "-o", str(tmp_path / "x.zip")], capture_output=True,
                         text=True, timeout=60)  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert zipfile.is_zipfile(tmp_path / "x.zip")


def test_bpy_is_imported_only_inside_the_addon():
    """The add-on's own files are the only place that imports bpy; its core and job, which
    run the processes, do not either (they are tested here, outside Blender)."""
    found = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []  # fmt: skip
            if any(n.split(".")[0] == "bpy" for n in names):
                found.append(path.relative_to(PACKAGE).as_posix())
    addon = {f"blender/addon/{n}" for n in ("__init__.py", "keys.py", "operator.py", "ui.py")}
    assert set(found) == addon


def test_the_panel_offers_what_the_library_knows(addon):
    core, _ = addon
    assert core.PRESETS == ("auto", *rigs.PRESETS)
    assert core.GENERATORS == generators.NAMES
    assert core.EMOTIONS == (*emotion.PRESETS, "auto")
    assert core.ROTATION_NAMES == ROTATION_NAMES
    assert set(core.MOUTH_VALUES) == set(RHUBARB_ARKIT) | {"X"}
    assert sorted(core.MOUTH_VALUES.values()) == list(range(9))


def test_command_lines_use_flags_the_cli_has(addon):
    core, _ = addon
    options = {"text": "Hi.", "text_file": "", "language": "auto", "generator": "rules", "emotion": "happy"}
    cmd = core.animate_command("audioface", "a.wav", "o.json", "json", 29.97, options)
    assert "--language" not in cmd and cmd[cmd.index("--fps") + 1] == "29.97"
    assert cmd[cmd.index("--text") + 1] == "Hi." and cmd[cmd.index("--generator") + 1] == "rules"
    told = core.animate_command("audioface", "a.wav", "o.json", "json", 24, {**options, "text_file": "t.txt",
                                                                            "language": "de"})  # fmt: skip
    assert "--text" not in told and told[told.index("--text-file") + 1] == "t.txt"
    assert told[told.index("--language") + 1] == "de"
    help_text = subprocess.run([command(), "animate", "--help"], capture_output=True, text=True,
                               timeout=60).stdout  # fmt: skip
    flags = {a for a in cmd + told if a.startswith("-")}
    if "--language" not in help_text:  # being added; the add-on passes it only when asked
        flags.discard("--language")
    assert all(f in help_text for f in flags), [f for f in flags if f not in help_text]
    rig = core.check_rig_command("audioface", "n.txt", "rpm")
    assert rig[1:] == ["check-rig", "--names-file", "n.txt", "--json", "--preset", "rpm"]


@pytest.fixture(scope="module")
def hello():
    return audioface.animate(WAV, (EXAMPLES / "hello.txt").read_text(), jobs=1)


@pytest.mark.parametrize("names", [
    list(arkit.NAMES),
    ["Basis_jawOpen", "EyeBlink_L", "mouthFunnel"],  # mouthPucker and mouthClose approximated
    ["viseme_sil", "viseme_PP", "viseme_aa", "viseme_O", "viseme_U", "eyeBlinkLeft"],  # visemes
])  # fmt: skip
def test_the_addon_weights_are_the_bakes(addon, hello, tmp_path, names):
    """The add-on sums check-rig's weighted sources itself: the same weights as the glTF bake's
    binding, within the JSON's rounding."""
    core, _ = addon
    check = check_names(names, "mesh")
    rig = json.loads(report_json(check))
    (tmp_path / "v.csv").write_text(to_ovr_csv(hello))
    visemes = core.read_ovr(str(tmp_path / "v.csv")) if rig["visemes"] else None
    got = core.target_weights(json.loads(to_json(hello)), rig, visemes)
    want = rigs.animation_weights(hello, check.binding)
    for j, name in enumerate(check.binding.names):
        column = np.asarray(got.get(name, np.zeros(len(want))))
        assert np.abs(column - want[:, j]).max() < 2e-3, name
    assert set(got) == {n for n in names if n not in check.binding.undriven}


def test_check_rig_reads_a_names_file(tmp_path):
    names = tmp_path / "names.txt"
    names.write_text("JawOpen\nmouthClose\neyeBlinkLeft\n")
    res = subprocess.run([command(), "check-rig", "--names-file", str(names), "--json"], capture_output=True,
                         text=True, timeout=60)  # fmt: skip
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    assert doc["preset"] == "arkit" and doc["weights"]["JawOpen"] == {"jawOpen": 1.0}
    names.write_text("eyeBlinkLeft\n")
    res = subprocess.run([command(), "check-rig", "--names-file", str(names)], capture_output=True, text=True,
                         timeout=60)  # fmt: skip
    assert res.returncode == 1 and "nothing on this avatar opens the mouth" in res.stdout
    res = subprocess.run([command(), "check-rig"], capture_output=True, text=True, timeout=60)
    assert res.returncode == 2 and "--names-file" in res.stderr


def test_a_job_on_bad_audio_fails_in_one_line_and_cleans_up(addon):
    core, job = addon
    run = job.Job(command(), str(EXAMPLES / "hello.txt"), {}, list(arkit.NAMES), "auto", 30.0, True, "Face")
    with pytest.raises(core.AddonError) as err:
        run.run()
    assert "\n" not in str(err.value) and "audio" in str(err.value)
    run.cleanup()
    assert not Path(run.tmp).exists()


def test_a_cancelled_job_stops_its_processes(addon):
    core, job = addon
    run = job.Job(command(), str(WAV), {}, [], "auto", 30.0, True, "Face")
    run.start()
    procs = list(run.stage.procs.values())
    run.cancel()
    assert procs and all(p.poll() is not None for p in procs)
    assert not Path(run.tmp).exists()


def test_the_2d_mouth_keys_every_cue_on_a_frame_of_its_own(addon):
    """A cue shorter than a frame (a quick closure) still shows: it moves on a frame rather
    than sharing one with its neighbour."""
    core, _ = addon
    cues = [{"start": 0.0, "value": "X"}, {"start": 0.17, "value": "A"}, {"start": 0.18, "value": "C"},
            {"start": 1.0, "value": "X"}]  # fmt: skip
    assert core.mouth_keys(cues, 24.0, 1) == [1, 8, 5, 0, 6, 2, 25, 8]
