"""The multilingual aligner: the shipped phone model's classes, and phones of a language other
than English placed where espeak-ng says it spoke them."""

from __future__ import annotations

import json
from importlib import resources

import numpy as np
import pytest

from audioface.audio.mel import log_mel
from audioface.language.align import acoustic
from audioface.motion.learned.cues import PHONES

espeakng_loader = pytest.importorskip("espeakng_loader")


@pytest.mark.parametrize("name", ["aligner", "aligner-live"])
def test_shipped_classes_are_what_the_aligner_reads(name):
    """Every language reaches the model through these classes (IPA -> ARPAbet by features):
    a model with other classes would silently misplace every phone."""
    side = json.loads((resources.files("audioface.models") / f"{name}.json").read_text())
    assert side["phones"] == list(PHONES)
    assert len(side["priors"]) == len(PHONES)
    assert abs(sum(side["priors"]) - 1.0) < 1e-3
    model = acoustic.load() if name == "aligner" else acoustic.load_live()
    assert model.phones == tuple(PHONES)
    out = model.log_posteriors(np.zeros((50, 40), np.float32))
    assert out.shape == (50, len(PHONES))


def test_event_ipa_becomes_classes_by_features():
    from audioface.training.multilingual import event_phones

    assert event_phones("ˈa") == ("AA",)
    assert event_phones("ts") == ("T", "S")
    assert event_phones("ˈaɪ") == ("AY",)  # one event, one phoneme: the diphthong, not AA IH
    assert event_phones("dʒ") == ("JH",)
    assert event_phones("tɕh") == ("CH",)  # aspiration written as h
    assert event_phones("onɡ") == ("OW", "N", "G")
    assert event_phones("") == ()  # a pause
    with pytest.raises(ValueError):
        event_phones("(en)")  # espeak-ng switched language: no trustworthy timeline


@pytest.mark.parametrize(
    "voice, text", [("es+f3", "Mañana vamos a la playa."), ("de+m7", "Kinder malen Bilder.")]
)
def test_other_language_phones_align_within_50ms(voice, text):
    """A second of Spanish or German from a voice variant the aligner never trained on: with its
    phones given, most start within 50 ms of where espeak-ng says they start."""
    from audioface.training.multilingual import align_known, synthesise

    audio, timeline = synthesise(voice, text, 170, 50)
    assert 0.8 < len(audio) / 16000 < 3.0
    starts, accuracy = align_known(acoustic.load(), log_mel(audio), timeline)
    ref = [a for p, a, _ in timeline if p != "sil"]
    assert len(starts) == len(ref) >= 10
    within = float(np.mean(np.abs(np.array(starts) - np.array(ref)) <= 0.05))
    assert within >= 0.8, (within, accuracy)
