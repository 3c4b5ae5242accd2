"""Brow raises on stressed syllables spoken high: the eyebrows mark prosodic prominence.

A stressed vowel whose pitch stands well above the speaker's own median (in
robust z-units) raises the inner and outer brows a little before the vowel and
lets them fall over a few hundred milliseconds.
"""

from __future__ import annotations

import numpy as np

from audioface.motion.shapes import bump
from audioface.phones import VOWELS
from audioface.track import Phone

Z_MIN = 0.8
MIN_GAP = 0.6  # s between raises


def pitch_z(f0: np.ndarray) -> np.ndarray:
    voiced = f0[np.isfinite(f0)]
    if voiced.size < 10:
        return np.full_like(f0, np.nan)
    semitones = 12 * np.log2(f0 / np.median(voiced))
    spread = 1.4826 * np.median(np.abs(semitones[np.isfinite(semitones)])) + 0.5
    return semitones / spread


def brow_curve(times: np.ndarray, phones: list[Phone], f0: np.ndarray | None, hop: float) -> np.ndarray:
    if f0 is None or not len(f0):
        return np.zeros_like(times)
    z = pitch_z(f0)
    stress_known = any(p.stress is not None for p in phones)
    curve = np.zeros_like(times)
    last = -np.inf
    for ph in phones:
        if ph.phone not in VOWELS or (stress_known and ph.stress != 1):
            continue
        seg = z[int(ph.start / hop) : max(int(ph.end / hop), int(ph.start / hop) + 1)]
        seg = seg[np.isfinite(seg)]
        if not seg.size or ph.start - last < MIN_GAP:
            continue
        height = float(np.mean(seg))
        if height < (Z_MIN if stress_known else Z_MIN + 0.4):
            continue
        amount = 0.15 + 0.25 * min(height - Z_MIN, 1.5) / 1.5
        curve = np.maximum(curve, amount * bump(times, (ph.start + ph.end) / 2, 0.15, 0.35))
        last = ph.start
    return curve
