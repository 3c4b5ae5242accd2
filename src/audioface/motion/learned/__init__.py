"""The learned mouth generator: audio (+ phone cues) -> ARKit mouth curves, run by onnxruntime."""

from __future__ import annotations

import numpy as np

from audioface import arkit
from audioface.audio.mel import frame_count
from audioface.motion.learned.cues import N_CUES, phone_cues
from audioface.motion.learned.generator import OnnxGenerator, load_model, to_fps
from audioface.motion.mouth import enforce_weights, mouth_params
from audioface.motion.shapes import at_frames
from audioface.motion.targets import PhoneTable, to_arkit
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
    table: PhoneTable | None = None,
) -> np.ndarray:
    """(frames, 52) weights at ``fps``, only the mouth channels set.

    With a track, the model hears the phone cues too, and the lips are held to
    the same guarantees as the rules (P/B/M seal, F/V tuck) on aligned phones.
    """
    cues = None
    if track is not None and track.words and model.info.phones:
        cues = phone_cues(track, frame_count(len(samples)), model.info.frame_rate, table)
    frames = model.run(samples, cues, sentence)
    weights = to_fps(frames, model.info.frame_rate, fps, duration)
    weights[:, ~MOUTH_CHANNELS] = 0.0
    if cues is not None:
        if table is not None:
            weights = _with_table(weights, track, fps, duration, table)
        weights = enforce_weights(weights, track.phones(), fps, table)
    return np.clip(weights, 0.0, 1.0)


def _with_table(weights: np.ndarray, track: PhoneTrack, fps: float, duration: float,
                table: PhoneTable) -> np.ndarray:  # fmt: skip
    """A user's phone table moves the learned mouth by what it changes in the rules' mouth:
    the model was trained on the shipped table, and leans on the phone's identity more than
    on the targets in its cues, so the cues alone would barely show an edit."""
    phones = track.phones()
    mine = to_arkit(mouth_params(phones, duration, fps, table=table))
    shipped = to_arkit(mouth_params(phones, duration, fps))
    n = min(len(weights), len(mine))
    out = weights.copy()
    out[:n, MOUTH_CHANNELS] += (mine - shipped)[:n, MOUTH_CHANNELS]
    return np.clip(out, 0.0, 1.0)


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
