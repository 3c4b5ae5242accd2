"""Phones heard without words: the free phone loop over the phone model's posteriors."""

import numpy as np
import pytest
from conftest import DATA, reference_phones

from audioface.api import animate
from audioface.audio import load_audio
from audioface.language.align.forced import MIN_FRAMES
from audioface.language.recognize import phone_loop, whisper_phones

PHONES = ("sil", "AA", "M", "P")


def _posteriors(runs: list[tuple[str, int]], seed: int = 0) -> np.ndarray:
    """Log posteriors that favour each run's phone (0.7 against 0.1 each), with noise."""
    rng = np.random.default_rng(seed)
    rows = []
    for name, frames in runs:
        p = np.full((frames, len(PHONES)), 0.1)
        p[:, PHONES.index(name)] = 0.7
        rows.append(p * rng.uniform(0.9, 1.1, p.shape))
    p = np.concatenate(rows)
    return np.log(p / p.sum(axis=1, keepdims=True))


FLAT = np.log(np.full(len(PHONES), 1 / len(PHONES)))


def test_the_loop_finds_the_phones_and_their_times():
    runs = [("sil", 10), ("P", 5), ("AA", 12), ("M", 6), ("sil", 8)]
    got = phone_loop.recognize(_posteriors(runs), PHONES, FLAT)
    assert [g[0] for g in got] == ["P", "AA", "M"]  # silence is not a phone heard
    assert [(round(a, 2), round(b, 2)) for _, a, b in got] == [(0.1, 0.15), (0.15, 0.27), (0.27, 0.33)]


def test_no_phone_is_shorter_than_the_minimum_and_repeats_are_one():
    runs = [("AA", 10), ("M", MIN_FRAMES - 1), ("AA", 10)]
    got = phone_loop.recognize(_posteriors(runs), PHONES, FLAT)
    assert all(b - a >= MIN_FRAMES * 0.01 - 1e-9 for _, a, b in got)
    assert [g[0] for g in got] in (["AA"], ["AA", "M", "AA"])  # a blip is absorbed or stretched
    assert phone_loop.recognize(_posteriors([("AA", 20)]), PHONES, FLAT) == [("AA", 0.0, 0.2)]


def test_dividing_out_the_prior_lets_a_rare_phone_through():
    """Posteriors that lean to silence where a short P is: with the prior of how common silence
    is divided out, the P is heard."""
    p = np.exp(_posteriors([("sil", 10), ("P", 4), ("sil", 10)]))
    p[10:14] = [0.45, 0.05, 0.05, 0.45 - 1e-3]
    log_p = np.log(p / p.sum(axis=1, keepdims=True))
    priors = np.log(np.array([0.6, 0.2, 0.15, 0.05]))
    assert phone_loop.recognize(log_p, PHONES, priors) == [("P", 0.1, 0.14)]


def test_real_speech_bilabials_are_heard():
    name = "flite_slt_01"  # "Peter bought a muffin from the bakery. Move over, ..."
    sound = load_audio(DATA / f"{name}.wav")
    pcm = (np.clip(sound.samples, -1, 1) * 32767).astype("<i2").tobytes()
    heard = phone_loop.recognize_phones(pcm)
    bilabials = [p for p in reference_phones(name) if p.phone in ("P", "B", "M")]
    found = [any(h[0] in ("P", "B", "M") and h[1] < p.end + 0.03 and h[2] > p.start - 0.03 for h in heard)
             for p in bilabials]  # fmt: skip
    assert len(bilabials) >= 5 and np.mean(found) >= 0.8, (bilabials, heard)


@pytest.mark.skipif(not whisper_phones.available(), reason="Whisper's tiny.en or the phone head is missing")
def test_whisper_heard_beside_the_aligner_finds_the_bilabials_too():
    name = "flite_slt_01"
    sound = load_audio(DATA / f"{name}.wav")
    heard_by_whisper = whisper_phones.hear(sound.samples)
    assert heard_by_whisper.shape == (-(-len(sound.samples) // 160), 40)
    heard = phone_loop.recognize_phones(sound.pcm16(), heard_by_whisper)
    bilabials = [p for p in reference_phones(name) if p.phone in ("P", "B", "M")]
    found = [any(h[0] in ("P", "B", "M") and h[1] < p.end + 0.03 and h[2] > p.start - 0.03 for h in heard)
             for p in bilabials]  # fmt: skip
    assert np.mean(found) >= 0.8, (bilabials, heard)


def test_without_the_whisper_extra_the_aligner_models_hear_alone(monkeypatch):
    """The paths without words still work where Whisper is not installed (and hear differently)."""
    sound = load_audio(DATA / "flite_slt_01.wav")
    monkeypatch.setattr(whisper_phones, "available", lambda: False)
    alone = animate(sound, generator="learned-audio", jobs=1)
    assert alone.track.source == "phonetic" and len(alone.track.phones()) > 20
    monkeypatch.undo()
    if whisper_phones.available():
        both = animate(sound, generator="learned-audio", jobs=1)
        assert [p.phone for p in both.track.phones()] != [p.phone for p in alone.track.phones()]
