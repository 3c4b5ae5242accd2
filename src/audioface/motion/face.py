"""Assembling the face: the mouth now; the rest of the face joins here later."""

from __future__ import annotations

import numpy as np

from audioface.motion.mouth import mouth_params
from audioface.motion.targets import to_arkit
from audioface.track import PhoneTrack


def animate_face(
    track: PhoneTrack,
    fps: float = 60.0,
    loudness: np.ndarray | None = None,
    loudness_hop: float = 0.01,
) -> np.ndarray:
    """(frames, 52) ARKit weights in [0, 1]; frame i is at time i / fps."""
    if fps <= 0:
        raise ValueError("fps must be positive")
    params = mouth_params(track.phones(), track.duration, fps, loudness, loudness_hop)
    return to_arkit(params)
