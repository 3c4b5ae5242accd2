"""Live Link Face CSV, byte-compatible with the header Epic's iPhone app records; and its
reader, which takes any face capture CSV with ARKit-named columns (any case, any order)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from audioface import arkit
from audioface.animation import ROTATION_NAMES, Animation
from audioface.errors import AudioFaceError

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
    row = ",".join(["%.6g"] * count)  # one %-format per frame: a tenth of formatting each value
    values = np.concatenate([shapes, rot], axis=1)
    for t, frame in zip(anim.times().tolist(), values, strict=True):
        buf.write(f"{timecode(t, anim.fps)},{count},{row % tuple(frame.tolist())}\n")
    return buf.getvalue()


def _camel(pascal_name: str) -> str:
    name = pascal_name[0].lower() + pascal_name[1:]
    assert name in arkit.INDEX, name
    return name


@dataclass
class Capture:
    """A face capture resampled to nothing: its own frame times and ARKit weights."""

    times: np.ndarray
    weights: np.ndarray  # frames x 52, Apple's order; missing channels are zero
    present: tuple[str, ...]  # the ARKit names the file really had


def read_capture(path: str | Path, fps: float | None = None) -> Capture:
    """Live Link Face CSV or any CSV with ARKit-named columns (any case, any order)."""
    path = Path(path)
    with open(path, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    if len(rows) < 2:
        raise AudioFaceError(f"capture has no frames: {path}")
    header = [h.strip() for h in rows[0]]
    lower = {h.lower(): i for i, h in enumerate(header)}
    cols = {name: lower[name.lower()] for name in arkit.NAMES if name.lower() in lower}
    if len(cols) < 5:
        raise AudioFaceError(f"capture has no ARKit-named columns: {path}")
    body = [r for r in rows[1:] if len(r) == len(header)]
    weights = np.zeros((len(body), 52))
    for name, i in cols.items():
        weights[:, arkit.INDEX[name]] = [float(r[i]) for r in body]
    times = _capture_times(body, lower, fps, path)
    return Capture(times, np.clip(weights, 0, 1), tuple(cols))


def _capture_times(body: list[list[str]], lower: dict[str, int], fps: float | None, path: Path) -> np.ndarray:
    for key in ("time", "timestamp", "seconds", "t"):
        if key in lower:
            t = np.array([float(r[lower[key]]) for r in body])
            return t - t[0]
    if "timecode" in lower:
        parts = [re.split(r"[:;]", r[lower["timecode"]]) for r in body]
        frames = [float(p[3]) for p in parts]
        rate = fps or float(round(max(frames)) + 1)  # frame numbers run 0..fps-1
        t = np.array([int(p[0]) * 3600 + int(p[1]) * 60 + int(p[2]) + float(p[3]) / rate for p in parts])
        return t - t[0]
    if fps is None:
        raise AudioFaceError(f"capture has no time column; give its frame rate: {path}")
    return np.arange(len(body)) / fps
