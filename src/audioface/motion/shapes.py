"""Small helpers for shaping curves over frames."""

from __future__ import annotations

import numpy as np


def bump(times: np.ndarray, centre: float, rise: float, fall: float) -> np.ndarray:
    """A smooth 0..1..0 bump: cosine rise over ``rise`` s before ``centre``, fall after."""
    out = np.zeros_like(times)
    up = (times >= centre - rise) & (times < centre)
    down = (times >= centre) & (times < centre + fall)
    out[up] = 0.5 - 0.5 * np.cos(np.pi * (times[up] - centre + rise) / rise)
    out[down] = 0.5 + 0.5 * np.cos(np.pi * (times[down] - centre) / fall)
    return out


def smooth_noise(rng: np.random.Generator, n: int, fps: float, seconds: float, scale: float) -> np.ndarray:
    """Low-pass noise with a correlation time of about ``seconds``, standard deviation ``scale``."""
    from audioface.filters import gaussian_filter1d

    raw = gaussian_filter1d(rng.standard_normal(n + 1), sigma=max(seconds * fps, 1.0), mode="wrap")[:n]
    return raw / (raw.std() + 1e-12) * scale


def resample_rows(rows: np.ndarray, src_times: np.ndarray, dst_times: np.ndarray) -> np.ndarray:
    """Every column of ``rows`` (sampled at ``src_times``) linearly interpolated at ``dst_times``;
    beyond either end the nearest row holds."""
    return np.stack([np.interp(dst_times, src_times, rows[:, c]) for c in range(rows.shape[1])], axis=1)


def at_frames(values: np.ndarray, hop: float, times: np.ndarray) -> np.ndarray:
    """Sample a 10 ms-frame signal at the animation's frame times (NaN kept as NaN)."""
    grid = np.arange(len(values)) * hop
    return np.interp(times, grid, values) if len(values) else np.zeros_like(times)
