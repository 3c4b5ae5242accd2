"""The learned mouth generator: audio (+ phone cues) -> ARKit mouth curves, run by onnxruntime."""

from __future__ import annotations

import numpy as np

from audioface import arkit
from audioface.motion.learned.cues import N_CUES, phone_cues
from audioface.motion.learned.generator import GENERATORS, Model, load_model, to_fps
from audioface.motion.mouth import enforce_weights
from audioface.track import PhoneTrack

MOUTH_CHANNELS = np.array([n in arkit.MOUTH_GROUP or n == "tongueOut" for n in arkit.NAMES])

__all__ = ["GENERATORS", "MOUTH_CHANNELS", "N_CUES", "Model", "learned_mouth", "load_model", "phone_cues"]


def learned_mouth(
    samples: np.ndarray,
    fps: float,
    duration: float,
    model: Model,
    track: PhoneTrack | None = None,
    sentence: np.ndarray | None = None,
) -> np.ndarray:
    """(frames, 52) weights at ``fps``, only the mouth channels set.

    With a track, the model hears the phone cues too, and the lips are held to
    the same guarantees as the rules (P/B/M seal, F/V tuck) on aligned phones.
    """
    cues = None
    if track is not None and track.words and model.info.phones:
        n = len(samples) // 160 + 1
        cues = phone_cues(track, n, model.info.frame_rate)
    frames = model.run(samples, cues, sentence)
    weights = to_fps(frames, model.info.frame_rate, fps, duration)
    weights[:, ~MOUTH_CHANNELS] = 0.0
    if cues is not None:
        weights = enforce_weights(weights, track.phones(), fps)
    return np.clip(weights, 0.0, 1.0)
