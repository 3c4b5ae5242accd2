"""Whether a file is plainly not English, heard in tiny.en's encoder before a word is decoded.

With no language given, tiny.en hears a file first (:mod:`audioface.language.recognize.whisper_language`
says why). On a long file in another language that costs tiny.en's decoding of a whole round of
windows, invented English thrown away once it is judged (a minute of French: 2.3 s of 10 s).
The encoder already knows better: a logistic regression on the mean and spread of its output over
the first 15 s of speech (the sample base's language detection hears) tells English from other
languages, and where it is sure the file is not English, base is asked at once. A file it
passes is heard and judged exactly as before, and base's detection still names the language of a
file it flags (English where base hears it: then tiny.en's words stand). On a line (one window)
tiny.en's words come first anyway, and the head is asked only where they sound English: it
catches the fluent English tiny.en invents for some other languages' lines.

Trained by :mod:`audioface.training.whisper_english` on real speech only (synthetic voices taught
it to tell synthetic from real); its side file keeps the figures it was chosen on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from audioface.language.recognize.whisper_language import speech_sample
from audioface.language.recognize.whisper_runner import encode_window

MODEL = "whisper-english.json"
MIN_FRAMES = 1000  # the encoder hears the sample padded to at least 10 s, as tiny.en decodes


@dataclass(frozen=True)
class EnglishHead:
    """Pooled encoder features -> P(not English), and the probability from which it is sure."""

    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float
    threshold: float

    def foreign(self, pooled: np.ndarray) -> np.ndarray:
        """P(not English) of one pooled vector, or of each row of several (the trainer's)."""
        z = ((pooled - self.mean) / self.scale) @ self.weights + self.bias
        return 1.0 / (1.0 + np.exp(-z))


def model_path() -> Path:
    return Path(str(resources.files("audioface.models") / MODEL))


@lru_cache(maxsize=1)
def load(path: str | None = None) -> EnglishHead:
    """The shipped head (``whisper-english.json``), read once."""
    side = json.loads((Path(path) if path else model_path()).read_text("utf-8"))
    arrays = {k: np.asarray(side[k], np.float32) for k in ("mean", "scale", "weights")}
    return EnglishHead(**arrays, bias=float(side["bias"]), threshold=float(side["threshold"]))


def pooled(encoded: np.ndarray) -> np.ndarray:
    """(frames, width) encoder output -> its mean and standard deviation per channel."""
    encoded = np.asarray(encoded, np.float32)
    return np.concatenate([encoded.mean(0), encoded.std(0)])


def encoded_sample(model, samples: np.ndarray, speech: list[tuple[float, float]] | None) -> np.ndarray:
    """tiny.en's encoder output over the first 15 s of speech (the pauses left out), cut to the
    sample's own frames."""
    features = model.feature_extractor(speech_sample(np.asarray(samples, np.float32), speech))[:, :-1]
    return encode_window(model, features, MIN_FRAMES)


def foreign_probability(model, samples: np.ndarray, speech: list[tuple[float, float]] | None) -> float:
    """P(not English) of 16 kHz ``samples`` as tiny.en (``model``) hears their first speech."""
    return float(load().foreign(pooled(encoded_sample(model, samples, speech))))


def plainly_foreign(model, samples: np.ndarray, speech: list[tuple[float, float]] | None) -> bool:
    """Whether the head is sure that ``samples`` are not English."""
    return foreign_probability(model, samples, speech) >= load().threshold
