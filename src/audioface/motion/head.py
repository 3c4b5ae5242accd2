"""Head motion from prosody: small nods on prominent syllables, slow sway, pitch-led tilt.

Rotations are radians (yaw, pitch, roll) in the Live Link Face convention.
Speech moves the head more than silence; nothing exceeds a few degrees.
"""

from __future__ import annotations

import numpy as np

from audioface.motion.brows import pitch_z
from audioface.motion.shapes import at_frames, bump, smooth_noise
from audioface.phones import VOWELS
from audioface.track import Phone

NOD = 0.04  # rad, chin down on a stressed, loud syllable
SWAY = (0.035, 0.02, 0.015)  # yaw, pitch, roll drift spread


def head_rotations(
    times: np.ndarray,
    fps: float,
    phones: list[Phone],
    speech: np.ndarray | None,
    loudness: np.ndarray | None,
    f0: np.ndarray | None,
    hop: float,
    rng: np.random.Generator,
) -> np.ndarray:
    from audioface.filters import gaussian_filter1d

    n = len(times)
    talking = np.ones(n) if speech is None else at_frames(speech.astype(float), hop, times)
    talking = gaussian_filter1d(talking, sigma=0.4 * fps)
    activity = 0.4 + 0.6 * talking
    yaw = smooth_noise(rng, n, fps, 1.5, SWAY[0]) * activity
    pitch = smooth_noise(rng, n, fps, 1.2, SWAY[1]) * activity
    roll = smooth_noise(rng, n, fps, 2.0, SWAY[2]) * activity
    loud = np.zeros(n) if loudness is None else at_frames(loudness, hop, times)
    stress_known = any(p.stress is not None for p in phones)
    last = -np.inf
    for ph in phones:
        if ph.phone in VOWELS and (not stress_known or ph.stress == 1) and ph.start - last > 0.5:
            strength = float(loud[min(int(ph.start * fps), n - 1)]) if n else 0.0
            if strength > 0.5:
                pitch += NOD * strength * bump(times, ph.start + 0.05, 0.12, 0.3)
                last = ph.start
    if f0 is not None and len(f0):
        z = np.nan_to_num(pitch_z(f0), nan=0.0)
        tilt = gaussian_filter1d(at_frames(z, hop, times), sigma=0.25 * fps)
        pitch -= 0.012 * np.clip(tilt, -2, 2)  # higher voice, chin slightly up
    return np.stack([yaw, pitch, roll], axis=1)
