import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from audioface.evaluate import RefPhone

DATA = Path(__file__).parent.parent / "corpus" / "dev"
SHARED = Path(__file__).parent.parent.parent / "shared" / "data"  # ../shared beside the checkout
EMU = SHARED / "emur-ae"
REAL = SHARED / "real-english"
FACEGOOD = SHARED / "facegood-capture"
EXAMPLES = Path(__file__).parent.parent / "examples"
FIXTURES = sorted(p.stem for p in DATA.glob("*.wav"))


def reference_phones(name: str, folder: Path = DATA) -> list[RefPhone]:
    doc = json.loads((folder / f"{name}.phones.json").read_text())
    return [RefPhone.from_label(p["phone"], p["start"], p["end"]) for p in doc]


def transcript(name: str, folder: Path = DATA) -> str:
    return (folder / f"{name}.txt").read_text()


@pytest.fixture
def speech() -> tuple[np.ndarray, int]:
    data, rate = sf.read(DATA / "flite_slt_01.wav", dtype="float32")
    return data, rate


# the mouth's classes of ARPAbet phones: closure, tuck, rounding, open; everything else 4
MOUTH_GROUPS = {"P": 0, "B": 0, "M": 0, "F": 1, "V": 1, "UW": 2, "UH": 2, "OW": 2, "AO": 2, "OY": 2, "W": 2,
                "AA": 3, "AE": 3, "AH": 3, "AW": 3, "AY": 3}  # fmt: skip


def held_out_aligned(others: int, french: int):
    """(audio, track) of held-out speakers' utterances of multilingual-speech, each transcript
    aligned in its own language: the first ``others`` not French, then ``french`` French ones
    (those whose words all align)."""
    from audioface.evaluate.corpus import find_items
    from audioface.training import multilingual_real

    corpus = SHARED / "multilingual-speech"
    held = multilingual_real.held_out_names(corpus)
    items = [it for it in find_items(corpus) if it.name in held]
    french_items = [it for it in items if it.language == "fr"]
    items = [it for it in items if it.language != "fr"][:others] + french_items[:french]
    for item in items:
        got = multilingual_real.aligned(item)
        if got is not None:
            yield got


def copy_corpus(tmp_path: Path, names: list[str]) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in names:
        for suffix in (".wav", ".txt", ".phones.json"):
            shutil.copy(DATA / f"{name}{suffix}", folder / f"{name}{suffix}")
    return folder


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve_process(args: list[str], env: dict | None = None):
    """``audioface serve`` started as a user starts it, on a free port of 127.0.0.1; yields
    (process, base URL) once /healthz answers, and stops it afterwards."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "audioface", "serve", "--port", str(port), *args],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env={**os.environ, **(env or {})})  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while True:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5) as r:
                if r.status == 200:
                    break
        except urllib.error.HTTPError as exc:
            if exc.code == 401:  # up, and asking for its key
                break
        except OSError:
            pass
        if proc.poll() is not None or time.time() > deadline:
            proc.kill()
            pytest.fail(f"the server did not start: {proc.stderr.read().decode()[-500:]}")
        time.sleep(0.2)
    try:
        yield proc, base
    finally:
        proc.terminate()
        proc.wait(10)
