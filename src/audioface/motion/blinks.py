"""Blinks: spontaneous, with people's rate and timing, and more at pauses.

People blink 10-20 times a minute while talking, at irregular intervals, and
preferably at phrase boundaries. Blink times come from a gamma renewal process
(mean interval ``MEAN_INTERVAL``) plus a likely blink at the start of each
pause, with a refractory gap; each blink closes fast and opens slower.
"""

from __future__ import annotations

import numpy as np

from audioface.motion.shapes import bump
from audioface.track import Phone

MEAN_INTERVAL = 4.5  # s
MIN_GAP = 1.2  # s between blinks
PAUSE_BLINK = 0.6  # chance of a blink as a pause begins
CLOSE, OPEN = 0.07, 0.16  # s


def blink_times(phones: list[Phone], duration: float, rng: np.random.Generator) -> list[float]:
    pause_starts = [p.start for p in phones if p.phone == "sil" and p.duration >= 0.3 and p.start > 0.2]
    candidates = [t + 0.05 for t in pause_starts if rng.random() < PAUSE_BLINK]
    t = rng.uniform(0.5, MEAN_INTERVAL)
    while t < duration:
        candidates.append(t)
        t += MIN_GAP + rng.gamma(3.0, (MEAN_INTERVAL - MIN_GAP) / 3.0)
    chosen: list[float] = []
    for c in sorted(candidates):
        if c < duration - OPEN and (not chosen or c - chosen[-1] >= MIN_GAP):
            chosen.append(c)
    return chosen


def blink_curve(times: np.ndarray, blinks: list[float], rng: np.random.Generator) -> np.ndarray:
    curve = np.zeros_like(times)
    for t in blinks:
        depth = 1.0 if rng.random() > 0.1 else rng.uniform(0.5, 0.8)  # some blinks are partial
        curve = np.maximum(curve, depth * bump(times, t, CLOSE, OPEN))
    return curve
