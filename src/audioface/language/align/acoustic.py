"""Phone posteriors per 10 ms frame: the learned aligner's ears.

A small convolution network (trained by :mod:`audioface.training.aligner`)
turns log-mel frames into log posteriors over the phone set; the class priors
saved with it turn those into the scaled likelihoods a forced alignment wants.
It runs with onnxruntime, already loaded for the learned generator, so the
fast aligner adds no import. Long audio goes through in overlapping blocks,
which keeps memory flat and gives the same result as one pass.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from audioface.audio.mel import log_mel, silence
from audioface.errors import AudioFaceError

BLOCK_FRAMES = 3000  # 30 s a block
OVERLAP = 100  # frames of context each side of a block (the network sees about 60)
PRIOR_SCALE = 0.3  # how much of the prior to divide out: a little evens out sil's dominance


class PhoneModel:
    def __init__(self, path: Path):
        try:
            import onnxruntime as ort
        except ImportError as exc:  # pragma: no cover - onnxruntime is a dependency
            raise AudioFaceError("the learned aligner needs onnxruntime (pip install onnxruntime)") from exc
        side = json.loads(path.with_suffix(".json").read_text())
        self.side = side  # the side file whole: each kind of model reads its own keys from it
        self.phones: tuple[str, ...] = tuple(side["phones"])
        self.index = {p: i for i, p in enumerate(self.phones)}
        self.log_priors = np.log(np.asarray(side["priors"], np.float32))
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1  # pieces and files are parallel across processes
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    def log_posteriors(self, mel: np.ndarray) -> np.ndarray:
        """(frames, phones) log posteriors of (frames, n_mels) log-mel."""
        n = len(mel)
        out = np.empty((n, len(self.phones)), np.float32)
        for a in range(0, max(n, 1), BLOCK_FRAMES):
            b = min(a + BLOCK_FRAMES, n)
            lo, hi = max(0, a - OVERLAP), min(n, b + OVERLAP)
            got = self.session.run(None, {"mel": mel[None, lo:hi].astype(np.float32)})[0][0]
            out[a:b] = got[a - lo : a - lo + (b - a)]
        return out


class LivePhoneModel(PhoneModel):
    """The live aligner's model: causal, each posterior hearing ``lookahead`` frames of the
    future, run a chunk at a time with its convolution history carried as a state, so
    posteriors come out as the audio arrives and equal one pass over the whole stream."""

    def __init__(self, path: Path):
        super().__init__(path)
        self.lookahead = int(self.side["lookahead"])
        self.channels = int(self.side["config"]["hidden"])
        self.state_frames = int(self.side["state_frames"])

    def initial_state(self) -> np.ndarray:
        return np.zeros((1, self.channels, self.state_frames), np.float32)

    def step(self, mel: np.ndarray, state: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(frames, phones) log posteriors of input frames ``lookahead`` earlier, and the next state."""
        if not len(mel):
            return np.zeros((0, len(self.phones)), np.float32), state
        feed = {"mel": mel[None].astype(np.float32), "state": state}
        out, state = self.session.run(None, feed)
        return out[0], state

    def log_posteriors(self, mel: np.ndarray) -> np.ndarray:
        """The whole stream's posteriors frame for frame with ``mel`` (the end hears silence)."""
        padded = np.concatenate([mel, silence(self.lookahead)])
        state, parts = self.initial_state(), []
        for a in range(0, len(padded), BLOCK_FRAMES):
            out, state = self.step(padded[a : a + BLOCK_FRAMES], state)
            parts.append(out)
        return (
            np.concatenate(parts)[self.lookahead :] if parts else np.zeros((0, len(self.phones)), np.float32)
        )


# The live phone models: the English one, and the same fine-tuned on espeak-ng's voices in 26
# languages and real speech in nine (training/multilingual_real.py). Each is better on its own
# ground: speakers never heard, in seven languages, the live path scores 0.775 -> 0.811 hearing
# phones and 0.848 -> 0.912 told the words with the multilingual one (with its own fit threshold,
# ``min_fit`` in its side file); real English told the words 0.963 with the English one, 0.959
# with the other (docs/learned-model.md, "The live phone models")
LIVE_ENGLISH, LIVE_MULTILINGUAL = "aligner-live.onnx", "aligner-live-multilingual.onnx"


def load_live(language: str | None = None) -> LivePhoneModel:
    """The live phone model for speech in ``language``: the English one where the speech is
    known to be English, the multilingual one for any other language and where it is not known
    (None, ``auto``: phones heard without words may be in any language)."""
    return _live_model(LIVE_ENGLISH if _known_english(language) else LIVE_MULTILINGUAL)


def _known_english(language: str | None) -> bool:
    from audioface.language.pronounce import AUTO_LANGUAGE
    from audioface.language.pronounce.routes import ENGLISH, route

    if not language or language == AUTO_LANGUAGE:
        return False
    try:
        return route(language).pronunciations == ENGLISH
    except AudioFaceError:
        return False


@lru_cache(maxsize=2)
def _live_model(name: str) -> LivePhoneModel:
    return LivePhoneModel(Path(str(resources.files("audioface.models") / name)))


@lru_cache(maxsize=1)
def load() -> PhoneModel:
    """The shipped model (``aligner.onnx``, with its phone names and priors in ``aligner.json``)."""
    return PhoneModel(Path(str(resources.files("audioface.models") / "aligner.onnx")))


def pcm_log_posteriors(pcm: bytes, model: PhoneModel | None = None) -> np.ndarray:
    """Log posteriors of int16 PCM at the pipeline's sample rate (16 kHz)."""
    samples = np.frombuffer(pcm, np.int16).astype(np.float32) / 32768.0
    return (model or load()).log_posteriors(log_mel(samples))
