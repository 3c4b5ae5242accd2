"""A causal speech gate for live audio: is anyone talking, judged from what has arrived so far.

The file path decides where speech is from the whole file's noise floor; a live microphone has
no whole file, and the live model, which only hears, mouths along with a fan's hum or pink noise
(measured: jaw 0.3-0.45 on steady noise). So the floor is tracked as it goes, the lowest level of
the last seconds in the speech band (200-4000 Hz, smoothed over 30 ms), and a frame is speech
when it rises well above that floor; steady noise sits on its own floor and never opens the gate.
Frames leave the live model 92.5 ms after their time, so the gate may already hear the onset
that follows a frame, and opens in time for it. A stream that starts inside a run of voice (a
vowel run, a sung syllable) has no quiet to set a floor by: a frame is speech there too when it
is voiced, its pitch moves (a hum's stands still) and its energy lies in the speech band.
"""

from __future__ import annotations

from collections import deque

import numpy as np

from audioface.audio.load import SAMPLE_RATE
from audioface.audio.pitch import periodicity

HOP = SAMPLE_RATE // 100  # 10 ms frames
FLOOR_SECONDS = 3.0  # the floor is the quietest frame of this long a past
MARGIN_DB = 9.0  # speech rises at least this far above the floor
ABSOLUTE_DB = -58.0  # and above this level (digital silence and a very quiet room never open)
BAND = (2, 41)  # 10 ms FFT bins, 100 Hz apart: 200-4000 Hz, where speech is and rumble is not
SMOOTH = 3  # frames averaged into a level
HOLD_S = 0.2  # kept open after speech (releases, quiet codas, short closures)
RAMP_S = 0.04  # opening and closing take this long


_WINDOW = np.hanning(HOP)
VOICE_WINDOW = 4 * HOP  # 40 ms: two periods of the lowest voice (60 Hz)
LAGS = (SAMPLE_RATE // 400, SAMPLE_RATE // 60)  # periods of 400 Hz down to 60 Hz
VOICING = 0.45  # normalised autocorrelation peak of a voiced frame (as audio/pitch.py)
PITCH_FRAMES = 30  # voiced frames whose pitch spread is judged (the last 0.3 s of voice)
MIN_PITCH_SPREAD = 0.25  # semitones, middle 80%: a held hum's pitch spreads less
SPEECH_BAND = (3, 35)  # 10 ms FFT bins: 300-3400 Hz, where a vowel's formants are
MIN_BAND_SHARE = 0.3


class LiveActivity:
    """Feed samples (16 kHz mono float) in any chunks; ask for the gate at any time already heard."""

    def __init__(self) -> None:
        self._pending = np.zeros(0, np.float32)
        self._db = np.zeros(0)  # the last SMOOTH - 1 frame levels, for the next frames' smoothing
        self._levels = np.zeros(0)  # the last floor window - 1 smoothed levels, for the next floors
        self._speech = np.zeros(0, bool)  # per 10 ms frame, from frame ``self._first``
        self._first = 0
        self._floor_window = int(FLOOR_SECONDS * 100)
        self._tail = np.zeros(VOICE_WINDOW - HOP, np.float32)  # the samples before the next frame
        self._pitches: deque[float] = deque(maxlen=PITCH_FRAMES)  # semitones of the last voiced frames

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
        band_share = spectrum[:, SPEECH_BAND[0] : SPEECH_BAND[1]].sum(axis=1) / (spectrum.sum(axis=1) + 1e-20)
        voice = self._voice(x[: n * HOP]) & (band_share >= MIN_BAND_SHARE)
        flags = ((level > floor + MARGIN_DB) | voice) & (level > ABSOLUTE_DB)
        self._db = db[-(SMOOTH - 1) :]
        self._levels = levels[-(wide - 1) :]
        self._speech = np.concatenate([self._speech, flags])

    def _voice(self, x: np.ndarray) -> np.ndarray:
        """Per new 10 ms frame: voiced (a true autocorrelation peak at a voice's period, over the
        40 ms ending with the frame) while the recent voiced frames' pitch moves."""
        audio = np.concatenate([self._tail, x]).astype(np.float64)
        self._tail = audio[len(audio) - len(self._tail) :].astype(np.float32)
        lo, hi = LAGS
        windows = np.lib.stride_tricks.sliding_window_view(audio, VOICE_WINDOW)[::HOP]
        lag, peak, _ = periodicity(windows, lo, hi)
        voiced = (peak > VOICING) & (lag > lo) & (lag < hi - 1)  # a peak, not the range's edge
        moving = np.zeros(len(lag), bool)
        for i in np.flatnonzero(voiced):
            self._pitches.append(12 * np.log2(SAMPLE_RATE / lag[i]))
            if len(self._pitches) >= 5:
                moving[i] = np.subtract(*np.percentile(self._pitches, [90, 10])) >= MIN_PITCH_SPREAD
        return voiced & moving

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
