"""Audio augmentation: the same speech as a different room, microphone, level and voice.

Synthetic voices are clean and few; real recordings are neither. Each copy
draws a level, a noise floor (white, pink or brown at a random SNR), sometimes
a room (a synthetic exponentially decaying impulse response), a speaking rate
and a pitch shift, and where a recipe asks, a telephone band (300-3400 Hz) or
an 8-bit mu-law codec: the microphones and links real users speak through.
Rate changes move every event in time, so the caller stretches targets and
cues by the returned factor; pitch shifts keep timing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import soxr
from scipy.signal import fftconvolve

from audioface.audio.load import SAMPLE_RATE

RATE = SAMPLE_RATE  # what the pipeline hears


@dataclass(frozen=True)
class AugmentConfig:
    gain_db: tuple[float, float] = (-18.0, 6.0)
    snr_db: tuple[float, float] = (5.0, 40.0)
    noise_prob: float = 0.7
    reverb_prob: float = 0.4
    rt60: tuple[float, float] = (0.15, 0.6)
    speed: tuple[float, float] = (0.88, 1.12)
    pitch_semitones: tuple[float, float] = (-3.0, 3.0)
    pitch_prob: float = 0.5
    band_prob: float = 0.0  # telephone band
    codec_prob: float = 0.0  # 8-bit mu-law


def augment(samples: np.ndarray, rng: np.random.Generator, cfg: AugmentConfig) -> tuple[np.ndarray, float]:
    """(augmented samples, time stretch factor: new duration / old duration)."""
    x = np.asarray(samples, np.float64)
    if rng.random() < cfg.pitch_prob:
        x = pitch_shift(x, rng.uniform(*cfg.pitch_semitones))
    speed = rng.uniform(*cfg.speed)
    x = soxr.resample(x, RATE * speed, RATE)  # played faster: shorter, higher
    stretch = 1.0 / speed
    if rng.random() < cfg.reverb_prob:
        x = reverb(x, rng.uniform(*cfg.rt60), rng)
    if rng.random() < cfg.noise_prob:
        x = x + noise(len(x), rng) * _rms(x) / 10 ** (rng.uniform(*cfg.snr_db) / 20)
    if rng.random() < cfg.band_prob:
        x = telephone_band(x)
    if rng.random() < cfg.codec_prob:
        x = mu_law(x)
    x = x * 10 ** (rng.uniform(*cfg.gain_db) / 20)
    peak = np.abs(x).max() if len(x) else 0.0
    if peak > 0.99:
        x *= 0.99 / peak
    return x.astype(np.float32), stretch


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(x**2))) if len(x) else 0.0


def noise(n: int, rng: np.random.Generator) -> np.ndarray:
    """Unit-RMS white, pink (1/f) or brown (1/f^2) noise."""
    colour = rng.integers(3)
    spec = np.fft.rfft(rng.standard_normal(n))
    f = np.maximum(np.fft.rfftfreq(n), 1.0 / max(n, 1))
    spec /= f ** (colour / 2.0)
    out = np.fft.irfft(spec, n)
    return out / (_rms(out) or 1.0)


def reverb(x: np.ndarray, rt60: float, rng: np.random.Generator) -> np.ndarray:
    """Convolve with a decaying noise tail (60 dB down at rt60), keeping the direct sound."""
    length = int(rt60 * RATE)
    t = np.arange(length) / RATE
    tail = rng.standard_normal(length) * np.exp(-6.9 * t / rt60)
    ir = np.concatenate([[1.0], 0.3 * tail / (np.sqrt(np.sum(tail**2)) or 1.0)])
    wet = fftconvolve(x, ir)[: len(x)]
    return wet * (_rms(x) / (_rms(wet) or 1.0))


def pitch_shift(x: np.ndarray, semitones: float) -> np.ndarray:
    """Shift pitch, keep duration: resample, then overlap-add back to the old length."""
    factor = 2.0 ** (semitones / 12.0)
    y = soxr.resample(x, RATE * factor, RATE)  # higher and shorter by ``factor``
    return ola_stretch(y, len(x))


def ola_stretch(x: np.ndarray, length: int, frame: int = 640, hop: int = 160) -> np.ndarray:
    """Time-stretch by windowed overlap-add to ``length`` samples (coarse, fine for augmentation)."""
    if len(x) < frame or length < frame:
        return np.resize(x, length)
    window = np.hanning(frame)
    out = np.zeros(length + frame)
    norm = np.zeros(length + frame)
    ratio = (len(x) - frame) / max(length - frame, 1)
    for start in range(0, length - frame + 1, hop):
        src = int(round(start * ratio))
        out[start : start + frame] += x[src : src + frame] * window
        norm[start : start + frame] += window
    return (out / np.maximum(norm, 1e-3))[:length]


def telephone_band(x: np.ndarray) -> np.ndarray:
    """Keep 300-3400 Hz, as a phone line or a cheap headset does."""
    spec = np.fft.rfft(x)
    f = np.fft.rfftfreq(len(x), 1.0 / RATE)
    spec[(f < 300) | (f > 3400)] = 0
    return np.fft.irfft(spec, len(x))


def mu_law(x: np.ndarray, mu: float = 255.0) -> np.ndarray:
    """An 8-bit mu-law round trip (G.711): quantisation noise that follows the level."""
    peak = np.abs(x).max() if len(x) else 0.0
    if peak == 0:
        return x
    y = x / peak
    coded = np.round(np.sign(y) * np.log1p(mu * np.abs(y)) / np.log1p(mu) * 127) / 127
    return np.sign(coded) * np.expm1(np.abs(coded) * np.log1p(mu)) / mu * peak
