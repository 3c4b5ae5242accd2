"""Eyes that are alive: slow drift plus small saccades every few seconds.

Returns a horizontal and vertical gaze direction per frame (-1..1, positive is
the character's right and up); the face assembly turns them into ARKit
eyeLook* weights and Live Link eye rotations.
"""

from __future__ import annotations

import numpy as np

from audioface.motion.shapes import smooth_noise

SACCADE_EVERY = (1.2, 4.0)  # s, uniform
SACCADE_SIZE = (0.18, 0.10)  # horizontal, vertical spread
DRIFT = 0.04


def gaze_directions(times: np.ndarray, fps: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    n = len(times)
    x, y = np.zeros(n), np.zeros(n)
    t, target = 0.0, (0.0, 0.0)
    while t < (times[-1] if n else 0.0):
        nxt = t + rng.uniform(*SACCADE_EVERY)
        sel = (times >= t) & (times < nxt)
        x[sel], y[sel] = target
        # mostly return toward the listener, sometimes glance away
        centre = rng.random() < 0.5
        target = (0.0, 0.0) if centre else (rng.normal(0, SACCADE_SIZE[0]), rng.normal(0, SACCADE_SIZE[1]))
        t = nxt
    # a saccade takes 20-40 ms: soften the steps by about one frame
    kernel = np.array([0.25, 0.5, 0.25])
    x = np.convolve(x, kernel, mode="same") + smooth_noise(rng, n, fps, 0.8, DRIFT)
    y = np.convolve(y, kernel, mode="same") + smooth_noise(rng, n, fps, 0.8, DRIFT / 2)
    return np.clip(x, -1, 1), np.clip(y, -1, 1)
