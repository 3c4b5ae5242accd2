"""A causal speech gate for live audio: is anyone talking, judged from what has arrived so far.

The file path decides where speech is from the whole file's noise floor; a live microphone has
no whole file, and the live model, which only hears, mouths along with a fan's hum or pink noise
(measured: jaw 0.3-0.45 on steady noise). So the floor is tracked as it goes, the lowest level of
the last seconds in the speech band (200-4000 Hz, smoothed over 30 ms), and a frame is speech
when it rises well above that floor; steady noise sits on its own floor and never opens the gate.
Frames leave the live model 92.5 ms after their time, so the gate may already hear the onset
that follows a frame, and opens in time for it.
"""

from __future__ import annotations

import numpy as np

from audioface.audio.load import SAMPLE_RATE

HOP = SAMPLE_RATE // 100  # 10 ms frames
FLOOR_SECONDS = 3.0  # the floor is the quietest frame of this long a past
MARGIN_DB = 9.0  # speech rises at least this far above the floor
ABSOLUTE_DB = -58.0  # and above this level (digital silence and a very quiet room never open)
BAND = (2, 41)  # 10 ms FFT bins, 100 Hz apart: 200-4000 Hz, where speech is and rumble is not
SMOOTH = 3  # frames averaged into a level
HOLD_S = 0.2  # kept open after speech (releases, quiet codas, short closures)
RAMP_S = 0.04  # opening and closing take this long


_WINDOW = np.hanning(HOP)


class LiveActivity:
    """Feed samples (16 kHz mono float) in any chunks; ask for the gate at any time already heard."""

    def __init__(self) -> None:
        self._pending = np.zeros(0, np.float32)
        self._db = np.zeros(0)  # the last SMOOTH - 1 frame levels, for the next frames' smoothing
        self._levels = np.zeros(0)  # the last floor window - 1 smoothed levels, for the next floors
        self._speech = np.zeros(0, bool)  # per 10 ms frame, from frame ``self._first``
        self._first = 0
        self._floor_window = int(FLOOR_SECONDS * 100)

    def push(self, samples: np.ndarray) -> None:
        x = np.concatenate([self._pending, np.asarray(samples, np.float32)])
        n = len(x) // HOP
        self._pending = x[n * HOP :]
        if not n:
            return
        frames = x[: n * HOP].reshape(n, HOP).astype(np.float64)
        spectrum = np.abs(np.fft.rfft(frames * _WINDOW, axis=1)) ** 2
        band = spectrum[:, BAND[0] : BAND[1]].sum(axis=1) / (HOP * HOP / 4)
        db = np.concatenate([self._db, 10 * np.log10(band + 1e-10)])
        # 30 ms levels (a noise's frame-to-frame flicker averages out), fewer frames at the start
        ends = np.arange(len(db) - n, len(db)) + 1
        starts = np.maximum(ends - SMOOTH, 0)
        sums = np.concatenate([[0.0], np.cumsum(db)])
        level = (sums[ends] - sums[starts]) / (ends - starts)
        levels = np.concatenate([self._levels, level])
        # the floor: the quietest level of the window up to each frame (the window's own frame included)
        wide = self._floor_window
        padded = np.concatenate([np.full(max(0, wide - 1 + n - len(levels)), np.inf), levels])
        floor = np.lib.stride_tricks.sliding_window_view(padded, wide)[-n:].min(axis=1)
        flags = (level > floor + MARGIN_DB) & (level > ABSOLUTE_DB)
        self._db = db[-(SMOOTH - 1) :]
        self._levels = levels[-(wide - 1) :]
        self._speech = np.concatenate([self._speech, flags])

    @property
    def heard(self) -> float:
        """Seconds of audio judged so far."""
        return (self._first + len(self._speech)) / 100.0

    def gate(self, times: np.ndarray) -> np.ndarray:
        """Openness in [0, 1] at each time: 1 within speech (held ``HOLD_S`` after it, opened
        ``RAMP_S`` before it where that audio has arrived), ramping to 0 away from it."""
        times = np.asarray(times, float)
        out = np.zeros(len(times))
        idx = np.flatnonzero(self._speech) + self._first
        if len(idx):
            speech_t = idx / 100.0
            pos = np.searchsorted(speech_t, times)
            before = np.where(pos > 0, times - speech_t[np.maximum(pos - 1, 0)], np.inf)
            after = np.where(
                pos < len(speech_t), speech_t[np.minimum(pos, len(speech_t) - 1)] - times, np.inf
            )
            out = np.clip(1.0 - np.maximum(before - HOLD_S, 0.0) / RAMP_S, 0.0, 1.0)
            out = np.maximum(out, np.clip(1.0 - after / RAMP_S, 0.0, 1.0))
        return out

    def forget_before(self, t: float) -> None:
        """Drop what no later question needs (keeps a stream of any length in bounded memory)."""
        drop = int(np.floor((t - HOLD_S - RAMP_S) * 100)) - self._first
        if drop > 0:
            drop = min(drop, len(self._speech))
            self._speech = self._speech[drop:]
            self._first += drop
