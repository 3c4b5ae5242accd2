"""Expression presets that colour the face without touching what the lips must do.

Each preset only uses channels that leave the lip gap, rounding and tuck alone
(no jawOpen, mouthClose, mouthLowerDown/UpperUp, funnel, pucker or rollLower),
so closures still close and vowels still open under any emotion.
"""

from __future__ import annotations

import numpy as np

from audioface.errors import AudioFaceError

PRESETS: dict[str, dict[str, float]] = {
    "neutral": {},
    "happy": {
        "mouthSmileLeft": 0.5, "mouthSmileRight": 0.5, "cheekSquintLeft": 0.35, "cheekSquintRight": 0.35,
        "eyeSquintLeft": 0.25, "eyeSquintRight": 0.25, "mouthDimpleLeft": 0.15, "mouthDimpleRight": 0.15,
    },
    "sad": {
        "mouthFrownLeft": 0.4, "mouthFrownRight": 0.4, "browInnerUp": 0.5, "eyeLookDownLeft": 0.12,
        "eyeLookDownRight": 0.12, "mouthShrugLower": 0.15, "eyeSquintLeft": 0.1, "eyeSquintRight": 0.1,
    },
    "angry": {
        "browDownLeft": 0.6, "browDownRight": 0.6, "noseSneerLeft": 0.3, "noseSneerRight": 0.3,
        "eyeSquintLeft": 0.35, "eyeSquintRight": 0.35, "mouthFrownLeft": 0.2, "mouthFrownRight": 0.2,
        "mouthPressLeft": 0.15, "mouthPressRight": 0.15,
    },
    "surprised": {
        "browInnerUp": 0.6, "browOuterUpLeft": 0.6, "browOuterUpRight": 0.6, "eyeWideLeft": 0.55,
        "eyeWideRight": 0.55,
    },
}  # fmt: skip
LIP_CHANNELS = frozenset(
    "jawOpen mouthClose mouthLowerDownLeft mouthLowerDownRight mouthUpperUpLeft mouthUpperUpRight "
    "mouthFunnel mouthPucker mouthRollLower".split()
)
assert not any(LIP_CHANNELS & set(p) for p in PRESETS.values())


def preset(name: str, intensity: float) -> dict[str, float]:
    """Constant weights for one emotion; "auto" sets none here (see :func:`mood_curves`)."""
    if name not in PRESETS and name != "auto":
        raise AudioFaceError(f"unknown emotion {name!r}; choose one of {', '.join(PRESETS)} or auto")
    if not 0.0 <= intensity <= 1.0:
        raise AudioFaceError(f"emotion intensity must be between 0 and 1, got {intensity}")
    return {k: v * intensity for k, v in PRESETS.get(name, {}).items()}


def mood_curves(times: np.ndarray, moods: list[tuple[float, float, str]], intensity: float,
                fade: float = 0.3) -> dict[str, np.ndarray]:  # fmt: skip
    """Per-frame weights for emotions that change by sentence, each easing in and out
    over ``fade`` seconds around its (start, end) span."""
    curves: dict[str, np.ndarray] = {}
    for start, end, name in moods:
        ramp = np.clip(np.minimum(times - (start - fade), (end + fade) - times) / fade, 0.0, 1.0)
        ramp = ramp * ramp * (3 - 2 * ramp)  # smoothstep
        for channel, value in preset(name, intensity).items():
            curves[channel] = np.maximum(curves.get(channel, np.zeros_like(times)), value * ramp)
    return curves
