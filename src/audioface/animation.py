"""The result handed from the motion stage to the outputs: plain data, no behaviour."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from audioface import arkit
from audioface.track import PhoneTrack

# The columns of Animation.rotations (radians), named as Live Link Face names them.
ROTATION_NAMES: tuple[str, ...] = (
    "HeadYaw", "HeadPitch", "HeadRoll", "LeftEyeYaw", "LeftEyePitch", "LeftEyeRoll",
    "RightEyeYaw", "RightEyePitch", "RightEyeRoll",
)  # fmt: skip


@dataclass
class Animation:
    """ARKit-52 curves (frames x 52, Apple's order) with the phone track they came from."""

    weights: np.ndarray
    fps: float
    track: PhoneTrack = field(default_factory=PhoneTrack)
    names: tuple[str, ...] = arkit.NAMES
    source: str = ""
    rotations: np.ndarray | None = None  # frames x 9, radians: head yaw/pitch/roll, then each eye

    @property
    def n_frames(self) -> int:
        return int(self.weights.shape[0])

    @property
    def duration(self) -> float:
        return self.track.duration if self.track.duration else (self.n_frames - 1) / self.fps

    def times(self) -> np.ndarray:
        return np.arange(self.n_frames) / self.fps

    def curve(self, name: str) -> np.ndarray:
        return self.weights[:, self.names.index(name)]
