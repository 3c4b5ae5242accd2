"""The metrics on hand-made mouths whose answers are known."""

import numpy as np
import pytest

from audioface import arkit
from audioface.evaluate import RefPhone, alignment_accuracy, score_lipsync
from audioface.evaluate.lipsync import reference_openness

FPS = 100
REF = [
    RefPhone("sil", 0.0, 0.5), RefPhone("M", 0.5, 0.6), RefPhone("AA", 0.6, 0.8, 1),
    RefPhone("P", 0.8, 0.88), RefPhone("UW", 0.88, 1.05, 1), RefPhone("F", 1.05, 1.13),
    RefPhone("AE", 1.13, 1.3, 1), RefPhone("B", 1.3, 1.38), RefPhone("OW", 1.38, 1.6, 1),
    RefPhone("sil", 1.6, 2.2),
]  # fmt: skip


def ideal_mouth(ref, fps=FPS, shift=0.0):
    """A mouth that does exactly what each phone asks, optionally late by ``shift`` s."""
    n = int(2.2 * fps) + 1
    w = np.zeros((n, 52))
    t = np.arange(n) / fps - shift
    for ph in ref:
        sel = (t >= ph.start) & (t < ph.end)
        if ph.phone in ("AA", "AE"):
            w[sel, arkit.INDEX["jawOpen"]] = 0.6
        if ph.phone in ("UW", "OW"):
            w[sel, arkit.INDEX["jawOpen"]] = 0.3
            w[sel, arkit.INDEX["mouthPucker"]] = 0.6
        if ph.phone == "F":
            w[sel, arkit.INDEX["mouthRollLower"]] = 0.6
    return w


def test_a_perfect_mouth_scores_one():
    res = score_lipsync(ideal_mouth(REF), FPS, REF)
    assert res.score == pytest.approx(1.0)
    assert all(res.scored[e] > 0 for e in res.scored)
    assert res.correlation > 0.7 and abs(res.lag_ms) <= 10


def test_a_mouth_that_never_opens_fails_the_open_vowels():
    res = score_lipsync(np.zeros((221, 52)), FPS, REF)
    assert res.recall("open_vowel") == 0.0
    assert res.recall("closure") == 1.0
    assert res.score < 0.9


def test_a_mouth_that_never_closes_fails_the_closures():
    w = np.zeros((221, 52))
    w[:, arkit.INDEX["jawOpen"]] = 0.5
    res = score_lipsync(w, FPS, REF)
    assert res.recall("closure") == 0.0 and res.recall("rest") == 0.0
    assert res.recall("open_vowel") == 1.0


def test_a_copy_shifted_by_100ms_reports_a_lag_of_100ms():
    res = score_lipsync(ideal_mouth(REF, shift=0.1), FPS, REF)
    assert res.lag_ms == pytest.approx(100, abs=15)
    early = score_lipsync(ideal_mouth(REF, shift=-0.1), FPS, REF)
    assert early.lag_ms == pytest.approx(-100, abs=15)


def test_short_phones_are_not_scored_and_unstressed_ah_is_not_an_open_vowel():
    ref = [
        RefPhone("sil", 0, 0.2),
        RefPhone("M", 0.2, 0.22),
        RefPhone("AH", 0.22, 0.4, 0),
        RefPhone("sil", 0.4, 0.5),
    ]
    res = score_lipsync(np.zeros((51, 52)), FPS, ref)
    assert res.scored["closure"] == 0 and res.scored["open_vowel"] == 0
    assert np.isnan(res.score)


def test_flicker_raises_the_movement_ratio():
    w = ideal_mouth(REF)
    flicker = w.copy()
    flicker[::6, arkit.INDEX["jawOpen"]] += 0.4
    assert score_lipsync(flicker, FPS, REF).movement_ratio > 2 * score_lipsync(w, FPS, REF).movement_ratio


def test_reference_openness_levels():
    o = reference_openness([RefPhone("AA", 0, 1, 1)], 100, 100)
    assert o[50] == pytest.approx(1.0)
    o = reference_openness([RefPhone("AH", 0, 1, 0)], 100, 100)
    assert o[50] == pytest.approx(0.4)


def test_alignment_accuracy_pairs_labels_despite_an_insertion():
    ref = [RefPhone(p, i * 0.1, i * 0.1 + 0.1) for i, p in enumerate("K AE T S".split())]
    pred = [
        RefPhone("K", 0.01, 0.1),
        RefPhone("AH", 0.1, 0.12),
        RefPhone("AE", 0.13, 0.2),
        RefPhone("T", 0.26, 0.3),
        RefPhone("S", 0.3, 0.4),
    ]
    acc = alignment_accuracy(pred, ref)
    assert acc.matched == 4
    assert acc.within_50ms == pytest.approx(0.75) and acc.within_20ms == pytest.approx(0.5)
