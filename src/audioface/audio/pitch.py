"""Voice pitch (F0) per 10 ms frame, for the prosody that drives brows and head.

A normalised autocorrelation over 40 ms windows is enough here: the face only
needs to know where the voice goes high or low, not a musical pitch, so an
octave slip now and then does no harm. Unvoiced frames are NaN.
"""

from __future__ import annotations

import numpy as np
import soxr

from audioface.audio.load import HOP_SECONDS, Audio

FMIN, FMAX = 60.0, 400.0
WINDOW = 0.04
VOICING = 0.45  # normalised autocorrelation peak above which a frame is voiced


RATE = 8000  # F0 lives below 400 Hz: half the pipeline's rate is plenty, and 4x cheaper


BLOCK = 2000  # frames per FFT batch: bounds memory on long audio


def periodicity(
    frames: np.ndarray, lo: int, hi: int, window: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per frame (a row of samples): the lag in [lo, hi) of its strongest period, the normalised
    autocorrelation there (1 for a pure period, near 0 for noise), and its energy (the
    autocorrelation at lag 0). Shared by the pitch track and the live gate's voicing."""
    frames = frames - frames.mean(axis=1, keepdims=True)
    if window is not None:
        frames = frames * window
    acf = np.fft.irfft(np.abs(np.fft.rfft(frames, n=2 * frames.shape[1], axis=1)) ** 2, axis=1)
    energy = acf[:, 0] + 1e-12
    lag = lo + np.argmax(acf[:, lo:hi], axis=1)
    return lag, acf[np.arange(len(lag)), lag] / energy, energy


def pitch_track(audio: Audio) -> np.ndarray:
    """F0 in Hz per 10 ms frame (NaN where unvoiced), aligned with detect_activity's frames."""
    rate = RATE
    hop, win = int(round(HOP_SECONDS * rate)), int(round(WINDOW * rate))
    x = soxr.resample(audio.samples, audio.sample_rate, rate).astype(np.float32)
    n_frames = max(1, (len(x) - 2 * hop) // hop + 1) if len(x) >= 2 * hop else 1
    padded = np.pad(x, (win // 2, win))
    window = np.hanning(win).astype(np.float32)
    lo, hi = int(rate / FMAX), min(int(rate / FMIN), win - 1)
    f0 = np.empty(n_frames)
    for first in range(0, n_frames, BLOCK):
        starts = np.arange(first, min(first + BLOCK, n_frames)) * hop
        lag, peak, energy = periodicity(padded[starts[:, None] + np.arange(win)[None, :]], lo, hi, window)
        block = rate / lag.astype(np.float64)
        loud = 10 * np.log10(energy / win + 1e-12) > -50
        block[(peak < VOICING) | ~loud] = np.nan
        f0[first : first + len(starts)] = block
    return f0
