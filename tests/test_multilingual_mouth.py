"""The mouth models' multilingual material: espeak-ng speech with IPA phones, rules' targets on
those exact timings, and a fine-tune that trains on prepared examples alone."""

import json

import numpy as np
import pytest

from audioface import arkit
from audioface.formats.phones import read_phones
from audioface.motion.learned.cues import PHONE_INDEX, PHONES
from audioface.training.config import load_config
from audioface.training.data import Example
from audioface.training.train import train

pytest.importorskip("espeakng_loader")
mm = pytest.importorskip("audioface.training.multilingual_mouth")


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    work = tmp_path_factory.mktemp("ml-mouth")
    names = mm.synthesise(work / "data", 1)
    return work, names


def test_many_languages_are_spoken_with_ipa_phones(made):
    work, names = made
    languages = {n.split("-", 1)[1].rsplit("-", 1)[0] for n in names}
    assert len(languages) >= 20  # espeak-ng speaks 20+ of the sentences' languages cleanly
    french = read_phones(work / "data" / "ml-fr-000.phones.json")
    assert any(p.ipa and p.ipa != p.phone.lower() for p in french)  # labelled in IPA, classes derived
    for name in names:  # the dev corpus's voices stay unheard
        assert not any(f"+{v}" in name for v in ("f3", "m3"))


def test_examples_hold_the_rules_mouth_on_the_exact_phones(made):
    work, names = made
    name = next(n for n in names if n.startswith("ml-es-"))
    files = mm.prepare_item((work / "data", name, 1, 0))
    assert files == [f"{name}.npz", f"{name}~0.npz"]
    clean = Example.load(work / "examples" / files[0])
    phones = read_phones(work / "data" / f"{name}.phones.json")
    bilabial = [p for p in phones if p.phone in ("P", "B", "M") and p.end - p.start >= 0.04]
    assert bilabial
    close, jaw = arkit.INDEX["mouthClose"], arkit.INDEX["jawOpen"]
    for p in bilabial:  # the cue names the phone, the target seals the lips
        mid = int((p.start + p.end) / 2 * 100)
        assert clean.cues[mid, PHONE_INDEX[p.phone]] == 1.0
        assert clean.targets[mid, close] >= 0.5 * clean.targets[mid, jaw]
    silent = [p for p in phones if p.phone == "sil" and p.end - p.start >= 0.3]
    mid = int((silent[0].start + silent[0].end) / 2 * 100)
    assert clean.cues[mid, PHONE_INDEX["sil"]] == 1.0 and clean.cues[mid, : len(PHONES)].sum() == 1.0
    copy = Example.load(work / "examples" / files[1])
    assert copy.cues.shape[0] == copy.mel.shape[0] == copy.targets.shape[0]


def test_a_fine_tune_trains_on_prepared_examples_alone(made, tmp_path):
    work, names = made
    for name in names[:3]:
        mm.prepare_item((work / "data", name, 0, 0))
    cfg = load_config(text=f'name = "ml"\n[data]\nprepared = ["{work / "examples"}"]\n'
                           '[train]\ninit = "learned"\nepochs = 1\nbatch = 2\nlr = 0.0001\n')  # fmt: skip
    onnx = train(cfg, tmp_path / "run", log=lambda msg: None)
    assert onnx.is_file()
    assert np.isfinite(json.loads((tmp_path / "run" / "history.json").read_text())[0]["train_loss"])
