"""Running a learned generator with onnxruntime: no torch needed to animate.

``learned`` and ``stream`` name the models shipped in the package; anything
else is a path to an ``.onnx`` file made by ``audioface train``. Which model a
generator name runs, and what it hears, is decided by
:mod:`audioface.motion.generators`, not here.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from audioface.audio.load import SAMPLE_RATE
from audioface.audio.mel import HOP_SAMPLES, WINDOW_SAMPLES, log_mel
from audioface.errors import AudioFaceError
from audioface.frames import frame_count
from audioface.language.meaning import SENTENCE_DIM
from audioface.motion.learned.cues import delayed, no_cues
from audioface.motion.shapes import resample_rows

SHIPPED = ("learned", "stream")
META_KEY = "audioface"
BLOCK = 6000  # frames per inference call: one minute


@dataclass(frozen=True)
class ModelInfo:
    path: str
    lookahead: int  # frames of 10 ms the output waits for
    phones: bool
    sentence: bool
    n_mels: int
    frame_rate: float
    extra: dict
    cue_delay: int = 0  # frames the cues lag the audio (a live model's; cues.delayed)

    @property
    def latency(self) -> float:
        """Seconds of audio past a frame's time needed before the frame is final."""
        return (self.lookahead * HOP_SAMPLES + WINDOW_SAMPLES // 2) / SAMPLE_RATE


def model_path(name: str | os.PathLike) -> Path:
    if str(name) in SHIPPED:
        path = Path(str(resources.files("audioface") / "models" / f"{name}.onnx"))
        if not path.is_file():
            raise AudioFaceError(f"the shipped {name} model is missing from this installation: {path}")
        return path
    path = Path(name)
    if not path.is_file():
        raise AudioFaceError(f"generator model not found: {path}", "generator")
    return path


class OnnxGenerator:
    """One ONNX generator and what its metadata says about it."""

    def __init__(self, name: str | os.PathLike):
        try:
            import onnxruntime as ort
        except ImportError as exc:  # pragma: no cover - onnxruntime is a dependency
            raise AudioFaceError("the learned generator needs onnxruntime (pip install onnxruntime)") from exc
        path = model_path(name)
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1  # files are parallel across processes, not inside one
        options.log_severity_level = 3
        try:
            self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        except Exception as exc:
            why = str(exc).splitlines()[0]
            raise AudioFaceError(f"not an AudioFace generator model: {path} ({why})") from None
        raw = self.session.get_modelmeta().custom_metadata_map.get(META_KEY)
        if raw is None:
            raise AudioFaceError(f"not an AudioFace generator model (no metadata): {path}")
        meta = json.loads(raw)
        cfg = meta["config"]
        self.info = ModelInfo(
            str(path), int(cfg["lookahead"]), bool(cfg["phones"]), bool(cfg["sentence"]), int(cfg["n_mels"]),
            float(meta["frame_rate"]), {k: v for k, v in meta.items() if k != "config"},
            int(cfg.get("cue_delay", 0)),
        )  # fmt: skip
        # (1, channels, frames of history): fixed in the graph, so read from it rather than recomputed
        self._state_shape = tuple(next(i for i in self.session.get_inputs() if i.name == "state").shape)

    def initial_state(self) -> np.ndarray:
        return np.zeros(self._state_shape, np.float32)

    def step(
        self, mel: np.ndarray, cues: np.ndarray | None, sentence: np.ndarray | None, state: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Frames (T, n_mels) [+ cues] -> (T, 52) weights delayed by the look-ahead, and the next state."""
        feed = {"mel": mel[None].astype(np.float32), "state": state}
        if self.info.phones:
            feed["cues"] = (cues if cues is not None else no_cues(len(mel)))[None].astype(np.float32)
        if self.info.sentence:
            if sentence is None:
                sentence = np.zeros(SENTENCE_DIM, np.float32)
            feed["sentence"] = sentence[None].astype(np.float32)
        weights, state = self.session.run(None, feed)
        return weights[0], state

    def run(
        self, samples: np.ndarray, cues: np.ndarray | None = None, sentence: np.ndarray | None = None
    ) -> np.ndarray:
        """(frames at 100 per second, 52) weights for a whole 16 kHz recording."""
        look = self.info.lookahead
        padded = np.concatenate([np.asarray(samples, np.float32), np.zeros(look * HOP_SAMPLES, np.float32)])
        mel = log_mel(padded, self.info.n_mels)
        if cues is not None:
            cues = delayed(fit_frames(cues, len(mel)), self.info.cue_delay)
        state, parts = self.initial_state(), []
        for at in range(0, len(mel), BLOCK):  # blocks bound memory; the carried state makes them exact
            part_cues = None if cues is None else cues[at : at + BLOCK]
            out, state = self.step(mel[at : at + BLOCK], part_cues, sentence, state)
            parts.append(out)
        weights = np.concatenate(parts)
        return weights[look:]


def fit_frames(rows: np.ndarray, total: int) -> np.ndarray:
    """``rows`` cut or extended (repeating the last row) to ``total`` frames."""
    if len(rows) >= total:
        return rows[:total]
    last = rows[-1:] if len(rows) else np.zeros((1, rows.shape[1]), rows.dtype)
    return np.concatenate([rows, np.repeat(last, total - len(rows), axis=0)])


@lru_cache(maxsize=4)
def load_model(name: str) -> OnnxGenerator:
    return OnnxGenerator(name)


def to_fps(weights: np.ndarray, frame_rate: float, fps: float, duration: float) -> np.ndarray:
    """Resample model frames (frame i at i / frame_rate) to animation frames at ``fps``."""
    n = frame_count(duration, fps)
    return resample_rows(weights, np.arange(len(weights)) / frame_rate, np.arange(n) / fps).astype(np.float32)
