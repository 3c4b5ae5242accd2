"""Log-mel frames: what the learned generator hears, 100 per second.

Frame ``i`` stands for time ``i * HOP_SAMPLES / SAMPLE_RATE`` and looks at a window centred
there, so it needs audio up to ``WINDOW_SAMPLES / 2`` samples past its time. The same
function serves a whole file and a live stream: :class:`MelStream` produces
exactly the frames :func:`log_mel` would, as soon as their samples are in.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from audioface.audio.load import SAMPLE_RATE

HOP_SAMPLES = 160  # 10 ms
WINDOW_SAMPLES = 400  # 25 ms
N_FFT = 512
N_MELS = 40
FRAME_RATE = SAMPLE_RATE / HOP_SAMPLES  # 100 frames per second
FLOOR = 1e-6
BLOCK = 4096  # frames transformed at once


@lru_cache(maxsize=4)
def mel_filterbank(n_mels: int = N_MELS, fmin: float = 60.0, fmax: float = 7600.0) -> np.ndarray:
    """(n_mels, N_FFT // 2 + 1) triangular filters on the HTK mel scale."""

    def mel(f):
        return 2595.0 * np.log10(1.0 + np.asarray(f) / 700.0)

    def hz(m):
        return 700.0 * (10.0 ** (np.asarray(m) / 2595.0) - 1.0)

    edges = hz(np.linspace(mel(fmin), mel(fmax), n_mels + 2))
    bins = np.fft.rfftfreq(N_FFT, 1.0 / SAMPLE_RATE)
    lo, mid, hi = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    rise = (bins[None, :] - lo) / (mid - lo)
    fall = (hi - bins[None, :]) / (hi - mid)
    return np.maximum(0.0, np.minimum(rise, fall)).astype(np.float32)


_WINDOW_FN = np.hanning(WINDOW_SAMPLES).astype(np.float32)


def frames_of(padded: np.ndarray, count: int, n_mels: int = N_MELS) -> np.ndarray:
    """``count`` log-mel frames from audio already padded with WINDOW_SAMPLES // 2 zeros in front."""
    out = np.zeros((max(count, 0), n_mels), np.float32)
    offsets = np.arange(WINDOW_SAMPLES)[None, :]
    for start in range(0, count, BLOCK):  # blocks keep memory flat on hours of audio
        idx = np.arange(start, min(start + BLOCK, count))[:, None] * HOP_SAMPLES + offsets
        spec = np.abs(np.fft.rfft(padded[idx] * _WINDOW_FN, N_FFT)) ** 2
        # einsum, not BLAS: a threaded matrix product rounds differently with the thread count, and
        # the same audio must give the same curves on every machine (a batch on a cluster included)
        bands = np.einsum("ij,kj->ik", spec.astype(np.float32), mel_filterbank(n_mels), optimize=False)
        out[start : start + len(idx)] = np.log(bands + FLOOR)
    return out


def frame_count(n_samples: int) -> int:
    """Frames that cover a recording of ``n_samples``: one per hop, and one at its end."""
    return n_samples // HOP_SAMPLES + 1


def log_mel(samples: np.ndarray, n_mels: int = N_MELS) -> np.ndarray:
    """(frame_count(len(samples)), n_mels) log-mel frames of 16 kHz mono audio."""
    count = frame_count(len(samples))
    padded = np.pad(np.asarray(samples, np.float32), (WINDOW_SAMPLES // 2, WINDOW_SAMPLES // 2 + HOP_SAMPLES))
    return frames_of(padded, count, n_mels)


def silence(n: int, n_mels: int = N_MELS) -> np.ndarray:
    """``n`` log-mel frames of digital silence: what a causal model hears past a stream's end."""
    return np.repeat(log_mel(np.zeros(4 * HOP_SAMPLES, np.float32), n_mels)[:1], n, axis=0)


class MelStream:
    """Log-mel frames of a stream, each returned once its window is complete."""

    def __init__(self, n_mels: int = N_MELS):
        self.n_mels = n_mels
        self._buffer = np.zeros(WINDOW_SAMPLES // 2, np.float32)  # the zeros log_mel pads in front
        self._offset = 0  # frame index of the buffer's first frame
        self.samples = 0

    def push(self, samples: np.ndarray) -> np.ndarray:
        self._buffer = np.concatenate([self._buffer, np.asarray(samples, np.float32)])
        self.samples += len(samples)
        ready = max(0, (len(self._buffer) - WINDOW_SAMPLES) // HOP_SAMPLES + 1)
        out = frames_of(self._buffer, ready, self.n_mels)
        self._buffer = self._buffer[ready * HOP_SAMPLES :]
        self._offset += ready
        return out

    def finish(self) -> np.ndarray:
        """The frames still owed at the end of the stream, as log_mel pads them."""
        owed = frame_count(self.samples) - self._offset
        padded = np.pad(self._buffer, (0, WINDOW_SAMPLES + HOP_SAMPLES))
        self._offset += max(owed, 0)
        return frames_of(padded, owed, self.n_mels)
