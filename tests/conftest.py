import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from audioface.evaluate import RefPhone

DATA = Path(__file__).parent.parent / "corpus" / "dev"
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


def copy_corpus(tmp_path: Path, names: list[str]) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in names:
        for suffix in (".wav", ".txt", ".phones.json"):
            shutil.copy(DATA / f"{name}{suffix}", folder / f"{name}{suffix}")
    return folder
