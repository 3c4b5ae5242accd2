"""Phones heard by Whisper's encoder: the ears of the paths without words, where Whisper is installed.

The learned aligner's phone models learnt from about 100 minutes of real speech; Whisper's
encoder heard 680,000 hours. A small head (two convolutions, trained by
:mod:`audioface.training.whisper_phones` on the same real speech and the same held-out split)
turns the bundled tiny.en encoder's frames (384 numbers every 20 ms) into phone posteriors, and
the free phone loop (:mod:`audioface.language.recognize.phone_loop`) hears them beside the aligner's own.
On held-out real speakers that took learned-audio from 0.933 (closures 0.870) to 0.959 (0.952)
with fewer false seals (docs/learned-model.md, "Phones heard without words").

The head shipped now learnt from two dozen languages (espeak-ng's voices with their exact phone
timings, ``runs/multilingual``) beside real English, each utterance heard as one window of its own
length padded to 10 s (``min_frames`` in its side file; the same windows here at run time). In the
ablation of the phone loop's ears (``bench/bench_phone_heads.py``) it beat the English-only head
on real speech in ten languages (frame accuracy 0.35 -> 0.48) and a head on Whisper base's
encoder was no better on the mouth's classes (0.692 against 0.691) at 1.7x the cost; learned-audio
on real speech in ten languages went 0.881 -> 0.899 (rounding 0.626 -> 0.719) at a third of the
time, held-out real English 0.957 -> 0.959.

The encoder needs the ``whisper`` extra; the head runs with onnxruntime. Without the extra the
loop hears the aligner's models alone, as before.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from audioface.language.align import acoustic
from audioface.language.recognize import whisper

WINDOW_FRAMES = 3000  # log-mel frames (10 ms) the encoder takes at once: 30 s
MODEL = "whisper-phones.onnx"
# the same head retuned for the live ear's frames, heard with 30-60 ms of audio after them
# (:mod:`audioface.training.whisper_live_head`)
LIVE_MODEL = "whisper-phones-live.onnx"


def model_path(name: str = MODEL) -> Path:
    return Path(str(resources.files("audioface.models") / name))


def available() -> bool:
    """Whisper's encoder and the shipped head are both here."""
    return whisper.available() and model_path().is_file()


class PhoneHead(acoustic.PhoneModel):
    """The head: (frames, 384) encoder output -> (frames, phones) log posteriors, at 50 Hz;
    loaded as the aligner's phone models are (side file, one-thread session)."""

    def __init__(self, path: Path):
        super().__init__(path)
        self.min_frames: int | None = self.side.get("min_frames")  # the windows it learnt on (None: 30 s)

    def log_posteriors(self, encoded: np.ndarray) -> np.ndarray:
        if not len(encoded):
            return np.zeros((0, len(self.phones)), np.float32)
        return self.session.run(None, {"encoded": encoded[None].astype(np.float32)})[0][0]


@lru_cache(maxsize=2)  # the whole-file head and the live ear's: one process may read both in turn
def load(path: str | None = None) -> PhoneHead:
    """The shipped head (``whisper-phones.onnx`` with its phone names and priors beside it)."""
    return PhoneHead(Path(path) if path else model_path())


def load_live() -> PhoneHead:
    """The head the live ear reads its window's newest frames with: the live one where it is
    shipped, else the whole-file one."""
    live = model_path(LIVE_MODEL)
    return load(str(live)) if live.is_file() else load()


def encode(samples: np.ndarray, model=None, min_frames: int | None = None) -> np.ndarray:
    """(frames at 50 Hz, 384) encoder output of 16 kHz ``samples``, 30 s at a time: each
    window as Whisper's own decoding pads it (``min_frames``: its own length, padded to at least
    that many frames), cut back to the audio's length."""
    from audioface.language.recognize.whisper_runner import encode_window

    model = model or whisper.load()
    features = model.feature_extractor(np.asarray(samples, np.float32))[..., :-1]
    n = features.shape[-1]
    parts = []
    for a in range(0, max(n, 1), WINDOW_FRAMES):
        parts.append(encode_window(model, features[:, a : a + WINDOW_FRAMES], min_frames))
    return np.concatenate(parts).astype(np.float32)


def hear(samples: np.ndarray, speech: list[whisper.Span] | None = None) -> np.ndarray:
    """(10 ms frames, phones) log posteriors of a whole file's 16 kHz ``samples``, in the
    windows Whisper's transcription uses (cut at pauses between ``speech`` regions), two at a
    time; each encoder frame stands for its two 10 ms frames."""
    head, model = load(), whisper.load()
    out = np.zeros((-(-len(samples) // 160), len(head.phones)), np.float32)

    def one(span: whisper.Span, window: np.ndarray) -> None:
        heard = np.repeat(head.log_posteriors(encode(window, model, head.min_frames)), 2, axis=0)
        first = int(round(span[0] * 100))
        out[first : first + len(heard)] = heard[: len(out) - first]

    whisper.over_windows(one, samples, speech)
    return out


def fit(frames: np.ndarray, n: int) -> np.ndarray:
    """``frames`` cut or stretched (the last one repeated) to ``n`` frames."""
    if len(frames) >= n:
        return frames[:n]
    if not len(frames):
        return np.zeros((n, frames.shape[1]), np.float32)
    return np.concatenate([frames, np.repeat(frames[-1:], n - len(frames), axis=0)])
