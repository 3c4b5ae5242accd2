"""What the mouth is doing, read from ARKit weights: lip gap, rounding and lower-lip tuck.

The metrics (metrics.md) score exactly these three signals, and the preview's
panel draws them, so both read them from here; another tool's curves, once
mapped to ARKit, are read the same way.
"""

from __future__ import annotations

import numpy as np

from audioface import arkit


def lip_gap(weights: np.ndarray, names: tuple[str, ...] = arkit.NAMES) -> np.ndarray:
    c = _columns(weights, names)
    return (
        np.clip(c("jawOpen") - c("mouthClose"), 0.0, 1.0)
        + 0.5 * (c("mouthLowerDownLeft") + c("mouthLowerDownRight")) / 2
        + 0.25 * (c("mouthUpperUpLeft") + c("mouthUpperUpRight")) / 2
    )


def rounding(weights: np.ndarray, names: tuple[str, ...] = arkit.NAMES) -> np.ndarray:
    c = _columns(weights, names)
    return np.maximum(c("mouthFunnel"), c("mouthPucker"))


def tuck(weights: np.ndarray, names: tuple[str, ...] = arkit.NAMES) -> np.ndarray:
    return _columns(weights, names)("mouthRollLower")


def _columns(weights: np.ndarray, names: tuple[str, ...]):
    index = {n: i for i, n in enumerate(names)}
    return lambda name: np.asarray(weights[:, index[name]], dtype=np.float64)
