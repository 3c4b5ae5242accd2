"""Phone-anchored lip-sync metrics, exactly as docs/metrics.md states them.

Readings of the spec where it leaves room, stated once here:
- a window or middle half that holds no frame falls back to the frame nearest its centre;
- in the openness reference, AH with stress 0 (and AX) is "reduced" (0.4); IH and UH are
  always 0.4; AH with stress 1/2 or unknown stress is an open vowel (1.0);
- a reference phone with IPA (any language) is classified by its articulation and opens as
  the nearest English phone (``ipa_classes``); an ARPAbet one exactly as before.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from audioface import arkit
from audioface.evaluate.ipa_classes import english_equivalent, ipa_event
from audioface.filters import gaussian_filter1d, peaks
from audioface.phones import VOWELS
from audioface.signals import lip_gap, rounding, tuck
from audioface.track import RefPhone

TOL = 1e-6
OPEN_VOWELS = frozenset("AA AE AH AO AW AY EH".split())
ROUNDING = frozenset("UW OW W".split())
CLOSURES = frozenset("P B M".split())
LABIODENTALS = frozenset("F V".split())
EVENTS = ("closure", "open_vowel", "rounding", "labiodental", "rest")
MIN_DURATION = {
    "closure": 0.03,
    "open_vowel": 0.06,
    "rounding": 0.05,
    "labiodental": 0.04,
    "rest": 0.30,
}


@dataclass
class LipSyncResult:
    hits: dict[str, int] = field(default_factory=dict)
    scored: dict[str, int] = field(default_factory=dict)
    correlation: float = float("nan")  # Pearson r of g and o at lag 0
    lag_ms: float = float("nan")
    peaks_pred: int = 0
    peaks_ref: int = 0
    duration: float = 0.0

    def recall(self, event: str) -> float | None:
        n = self.scored.get(event, 0)
        return self.hits.get(event, 0) / n if n else None

    @property
    def score(self) -> float:
        recalls = [r for e in EVENTS if (r := self.recall(e)) is not None]
        return float(np.mean(recalls)) if recalls else float("nan")

    @property
    def movement_ratio(self) -> float:
        return movement_ratio([self])

    def to_dict(self) -> dict:
        return {
            "score": self.score,
            "recalls": {e: self.recall(e) for e in EVENTS},
            "hits": dict(self.hits),
            "scored": dict(self.scored),
            "correlation": self.correlation,
            "lag_ms": self.lag_ms,
            "movement_ratio": self.movement_ratio,
            "peaks_pred": self.peaks_pred,
            "peaks_ref": self.peaks_ref,
        }


def movement_ratio(results: list[LipSyncResult]) -> float:
    """Corpus-level ratio: total prediction maxima over total reference maxima."""
    ref = sum(r.peaks_ref for r in results)
    return sum(r.peaks_pred for r in results) / ref if ref else float("nan")


def openness(phone: RefPhone) -> float:
    if phone.ipa:
        phone = english_equivalent(phone)
    p = phone.phone
    if p == "sil":
        return 0.0
    if p in ("P", "B", "M", "F", "V"):
        return 0.0
    if p in ("AX",) or (p == "AH" and phone.stress == 0) or p in ("IH", "UH"):
        return 0.4
    if p in OPEN_VOWELS:
        return 1.0
    if p in VOWELS:
        return 0.6
    if p in ("R", "L", "W", "Y", "HH"):
        return 0.3
    return 0.15


def reference_openness(phones: list[RefPhone], n_frames: int, fps: float) -> np.ndarray:
    times = np.arange(n_frames) / fps
    o = np.zeros(n_frames)
    for ph in phones:
        o[(times >= ph.start) & (times < ph.end)] = openness(ph)
    return gaussian_filter1d(o, sigma=0.03 * fps)


def score_lipsync(
    weights: np.ndarray,
    fps: float,
    phones: list[RefPhone],
    names: tuple[str, ...] = arkit.NAMES,
) -> LipSyncResult:
    """All phone-anchored figures for one item."""
    g, r, t = lip_gap(weights, names), rounding(weights, names), tuck(weights, names)
    n = len(g)
    times = np.arange(n) / fps
    res = LipSyncResult(hits={e: 0 for e in EVENTS}, scored={e: 0 for e in EVENTS})

    def frames(a: float, b: float) -> np.ndarray:
        idx = np.flatnonzero((times >= a - TOL) & (times <= b + TOL))
        if idx.size == 0:
            idx = np.array([int(np.clip(round((a + b) / 2 * fps), 0, n - 1))])
        return idx

    for ph in phones:
        event = _event(ph)
        if event is None or ph.end - ph.start < MIN_DURATION[event] - TOL:
            continue
        win = frames(ph.start - 0.02, ph.end + 0.02)
        q = (ph.end - ph.start) / 4
        mid = frames(ph.start + q, ph.end - q)
        if event == "closure":
            hit = g[win].min() <= 0.08 + TOL
        elif event == "open_vowel":
            hit = g[win].max() >= 0.20 - TOL and g[mid].min() > 0.08 - TOL
        elif event == "rounding":
            hit = r[win].max() >= 0.15 - TOL
        elif event == "labiodental":
            hit = t[win].max() >= 0.15 - TOL or g[win].min() <= 0.08 + TOL
        else:
            hit = g[mid].mean() <= 0.10 + TOL
        res.scored[event] += 1
        res.hits[event] += int(hit)

    o = reference_openness(phones, n, fps)
    res.correlation = _pearson(g, o)
    res.lag_ms = _best_lag(g, o, fps) * 1000.0
    res.peaks_pred = len(peaks(g, 0.10 - TOL))
    res.peaks_ref = len(peaks(o, 0.10 - TOL))
    res.duration = n / fps
    return res


def _event(ph: RefPhone) -> str | None:
    if ph.ipa:
        return ipa_event(ph)
    p = ph.phone
    if p in CLOSURES:
        return "closure"
    if p in OPEN_VOWELS and not (p == "AH" and ph.stress == 0):
        return "open_vowel"
    if p in ROUNDING:
        return "rounding"
    if p in LABIODENTALS:
        return "labiodental"
    if p == "sil":
        return "rest"
    return None


def _pearson(a: np.ndarray, b: np.ndarray) -> float:
    if len(a) < 2 or a.std() < 1e-12 or b.std() < 1e-12:
        return 0.0
    return float(np.corrcoef(a, b)[0, 1])


def _best_lag(g: np.ndarray, o: np.ndarray, fps: float) -> float:
    """Shift (s) in [-0.2, 0.2] maximising corr(g(t + lag), o(t)); positive: mouth late."""
    max_k = int(np.floor(0.2 * fps + 1e-9))
    best_k, best_r = 0, -np.inf
    for k in range(-max_k, max_k + 1):
        if k >= 0:
            a, b = g[k:], o[: len(o) - k]
        else:
            a, b = g[: len(g) + k], o[-k:]
        r = _pearson(a, b)
        if r > best_r + 1e-12 or (abs(r - best_r) <= 1e-12 and abs(k) < abs(best_k)):
            best_k, best_r = k, r
    return best_k / fps
