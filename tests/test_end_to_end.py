"""The whole pipeline on recordings whose true phone timings are known (see tools/make_corpus.py)."""

import numpy as np
import pytest
from conftest import DATA, FIXTURES, reference_phones, transcript

from audioface import animate
from audioface.evaluate import score_lipsync
from audioface.evaluate.lipsync import movement_ratio


@pytest.fixture(scope="module")
def runs():
    out = {}
    for name in FIXTURES:
        ref = reference_phones(name)
        for mode in ("transcript", "recognized", "phonetic"):
            anim = animate(
                DATA / f"{name}.wav",
                transcript(name) if mode == "transcript" else None,
                asr="phonetic" if mode == "phonetic" else "words",
            )
            out[name, mode] = score_lipsync(anim.weights, anim.fps, ref)
    return out


def _figures(runs, mode):
    results = [r for (_, m), r in runs.items() if m == mode]
    score = sum(r.score for r in results) / len(results)
    return score, results


def test_with_transcript_meets_the_targets(runs):
    score, results = _figures(runs, "transcript")
    assert score >= 0.9
    for r in results:
        assert r.score >= 0.85
        assert r.correlation >= 0.5
        assert -30 <= r.lag_ms <= 30
    assert 0.7 <= movement_ratio(results) <= 1.3


def test_without_transcript_meets_the_targets(runs):
    # Corpus-level: word recognition on espeak's formant voices is poor item by item.
    score, results = _figures(runs, "recognized")
    assert score >= 0.8
    assert np.mean([r.correlation for r in results]) >= 0.5
    assert -30 <= np.mean([r.lag_ms for r in results]) <= 30
    assert 0.7 <= movement_ratio(results) <= 1.3
    natural = [r for (name, m), r in runs.items() if m == "recognized" and not name.startswith("espeak")]
    assert np.mean([r.score for r in natural]) >= 0.9


def test_phonetic_mode_follows_speech(runs):
    score, results = _figures(runs, "phonetic")
    assert score >= 0.75
    assert np.mean([r.correlation for r in results]) >= 0.5


def test_the_transcript_helps(runs):
    with_text, _ = _figures(runs, "transcript")
    without, _ = _figures(runs, "recognized")
    assert with_text >= without
