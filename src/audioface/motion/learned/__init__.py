"""The learned mouth generator: audio (+ phone cues) -> ARKit mouth curves, run by onnxruntime."""

from __future__ import annotations

import numpy as np

from audioface import arkit
from audioface.audio.mel import frame_count
from audioface.motion.learned.cues import N_CUES, phone_cues
from audioface.motion.learned.generator import OnnxGenerator, load_model, to_fps
from audioface.motion.mouth import enforce_weights
from audioface.motion.shapes import at_frames
from audioface.track import PhoneTrack

MOUTH_CHANNELS = np.array([n in arkit.MOUTH_GROUP or n == "tongueOut" for n in arkit.NAMES])

__all__ = ["MOUTH_CHANNELS", "N_CUES", "OnnxGenerator", "gate_to_speech", "learned_mouth", "load_model",
           "phone_cues"]  # fmt: skip
SPEECH_MARGIN = 0.12  # s kept open around detected speech: onsets, releases, quiet closures


def learned_mouth(
    samples: np.ndarray,
    fps: float,
    duration: float,
    model: OnnxGenerator,
    track: PhoneTrack | None = None,
    sentence: np.ndarray | None = None,
) -> np.ndarray:
    """(frames, 52) weights at ``fps``, only the mouth channels set.

    With a track, the model hears the phone cues too, and the lips are held to
    the same guarantees as the rules (P/B/M seal, F/V tuck) on aligned phones.
    """
    cues = None
    if track is not None and track.words and model.info.phones:
        cues = phone_cues(track, frame_count(len(samples)), model.info.frame_rate)
    frames = model.run(samples, cues, sentence)
    weights = to_fps(frames, model.info.frame_rate, fps, duration)
    weights[:, ~MOUTH_CHANNELS] = 0.0
    if cues is not None:
        weights = enforce_weights(weights, track.phones(), fps)
    return np.clip(weights, 0.0, 1.0)


def gate_to_speech(weights: np.ndarray, fps: float, speech: np.ndarray, hop: float) -> np.ndarray:
    """The mouth at rest wherever the audio stage found no speech (with a margin).

    A model that only hears can read noise as speech; the audio stage's speech
    detector, which measures the file's own noise floor, is the better judge of
    whether anyone is talking at all.
    """
    from audioface.filters import gaussian_filter1d, maximum_filter1d

    if not len(speech) or speech.all():
        return weights
    wide = maximum_filter1d(speech.astype(np.float64), size=2 * int(SPEECH_MARGIN / hop) + 1)
    smooth = gaussian_filter1d(wide, sigma=0.03 / hop)
    gate = at_frames(smooth, hop, np.arange(len(weights)) / fps)
    out = weights.copy()
    out[:, MOUTH_CHANNELS] *= gate[:, None]
    return out
