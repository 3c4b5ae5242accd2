"""Live Link Face CSV, byte-compatible with the header Epic's iPhone app records."""

from __future__ import annotations

import io

import numpy as np

from audioface import arkit
from audioface.animation import ROTATION_NAMES, Animation

# The app's own order: note JawRight before JawLeft and MouthRight before MouthLeft.
BLENDSHAPE_COLUMNS = (
    "EyeBlinkLeft,EyeLookDownLeft,EyeLookInLeft,EyeLookOutLeft,EyeLookUpLeft,EyeSquintLeft,"
    "EyeWideLeft,EyeBlinkRight,EyeLookDownRight,EyeLookInRight,EyeLookOutRight,EyeLookUpRight,"
    "EyeSquintRight,EyeWideRight,JawForward,JawRight,JawLeft,JawOpen,MouthClose,MouthFunnel,"
    "MouthPucker,MouthRight,MouthLeft,MouthSmileLeft,MouthSmileRight,MouthFrownLeft,"
    "MouthFrownRight,MouthDimpleLeft,MouthDimpleRight,MouthStretchLeft,MouthStretchRight,"
    "MouthRollLower,MouthRollUpper,MouthShrugLower,MouthShrugUpper,MouthPressLeft,"
    "MouthPressRight,MouthLowerDownLeft,MouthLowerDownRight,MouthUpperUpLeft,MouthUpperUpRight,"
    "BrowDownLeft,BrowDownRight,BrowInnerUp,BrowOuterUpLeft,BrowOuterUpRight,CheekPuff,"
    "CheekSquintLeft,CheekSquintRight,NoseSneerLeft,NoseSneerRight,TongueOut"
).split(",")
ROTATION_COLUMNS = ROTATION_NAMES  # the animation's rotations are named as the app names them
HEADER = ",".join(["Timecode", "BlendShapeCount", *BLENDSHAPE_COLUMNS, *ROTATION_COLUMNS])


def timecode(seconds: float, fps: float) -> str:
    """HH:MM:SS:FF.fff: whole frames within the second, then the frame's fraction."""
    whole = int(np.floor(seconds + 1e-9))
    frames = (seconds - whole) * round(fps)
    ff = int(np.floor(frames + 1e-6))
    frac = max(0.0, frames - ff)
    h, rem = divmod(whole, 3600)
    m, s = divmod(rem, 60)
    return f"{h:02d}:{m:02d}:{s:02d}:{ff:02d}.{int(round(frac * 1000)) % 1000:03d}"


def to_livelink_csv(anim: Animation) -> str:
    """The CSV text; head and eye rotations (radians) are zero where the animation has none."""
    order = [anim.names.index(_camel(c)) for c in BLENDSHAPE_COLUMNS]
    shapes = anim.weights[:, order]
    rot = np.zeros((anim.n_frames, 9)) if anim.rotations is None else anim.rotations
    buf = io.StringIO()
    buf.write(HEADER + "\n")
    count = len(BLENDSHAPE_COLUMNS) + len(ROTATION_COLUMNS)
    for i, t in enumerate(anim.times()):
        values = ",".join(f"{v:.6g}" for v in np.concatenate([shapes[i], rot[i]]))
        buf.write(f"{timecode(float(t), anim.fps)},{count},{values}\n")
    return buf.getvalue()


def _camel(pascal_name: str) -> str:
    name = pascal_name[0].lower() + pascal_name[1:]
    assert name in arkit.INDEX, name
    return name
