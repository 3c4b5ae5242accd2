"""Voice pitch (F0) per 10 ms frame, for the prosody that drives brows and head.

A normalised autocorrelation over 40 ms windows is enough here: the face only
needs to know where the voice goes high or low, not a musical pitch, so an
octave slip now and then does no harm. Unvoiced frames are NaN.
"""

from __future__ import annotations

import numpy as np
import soxr

from audioface.audio.activity import HOP
from audioface.audio.load import Audio

FMIN, FMAX = 60.0, 400.0
WINDOW = 0.04
VOICING = 0.45  # normalised autocorrelation peak above which a frame is voiced


RATE = 8000  # F0 lives below 400 Hz: half the pipeline's rate is plenty, and 4x cheaper


def pitch_track(audio: Audio) -> np.ndarray:
    """F0 in Hz per 10 ms frame (NaN where unvoiced), aligned with detect_activity's frames."""
    rate = RATE
    hop, win = int(round(HOP * rate)), int(round(WINDOW * rate))
    x = soxr.resample(audio.samples, audio.sample_rate, rate).astype(np.float64)
    n_frames = max(1, (len(x) - 2 * hop) // hop + 1) if len(x) >= 2 * hop else 1
    padded = np.pad(x, (win // 2, win))
    starts = np.arange(n_frames) * hop
    frames = padded[starts[:, None] + np.arange(win)[None, :]]
    frames = frames - frames.mean(axis=1, keepdims=True)
    spec = np.fft.rfft(frames * np.hanning(win), n=2 * win, axis=1)
    acf = np.fft.irfft(np.abs(spec) ** 2, axis=1)[:, :win]
    energy = acf[:, :1] + 1e-12
    acf = acf / energy
    lo, hi = int(rate / FMAX), min(int(rate / FMIN), win - 1)
    lag = lo + np.argmax(acf[:, lo:hi], axis=1)
    peak = acf[np.arange(n_frames), lag]
    f0 = rate / lag.astype(np.float64)
    loud = 10 * np.log10(energy[:, 0] / win + 1e-12) > -50
    f0[(peak < VOICING) | ~loud] = np.nan
    return f0
