"""AudioFace's own JSON: the curves, the head and eye rotations and the timed words, and its reader."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from audioface import arkit
from audioface.animation import ROTATION_NAMES, Animation


def to_json(anim: Animation) -> str:
    doc = {
        "names": list(anim.names),
        "fps": anim.fps,
        "duration": round(anim.duration, 4),
        "frames": [[round(float(v), 4) for v in row] for row in anim.weights],
        "rotation_names": list(ROTATION_NAMES),
        "rotations": None
        if anim.rotations is None
        else [[round(float(v), 5) for v in r] for r in anim.rotations],
        **{k: v for k, v in anim.track.to_dict().items() if k != "duration"},
    }
    return json.dumps(doc, separators=(",", ":")) + "\n"


def read_json(path: str | Path) -> tuple[np.ndarray, float]:
    """(frames x 52 ARKit weights, fps) from our JSON; columns matched by name, so any
    JSON with ``names``, ``fps`` and ``frames`` reads too."""
    doc = json.loads(Path(path).read_text())
    frames = np.asarray(doc["frames"], dtype=np.float64)
    weights = np.zeros((len(frames), 52))
    for i, name in enumerate(doc["names"]):
        if name in arkit.INDEX:
            weights[:, arkit.INDEX[name]] = frames[:, i]
    return weights, float(doc["fps"])
