"""Loading another tool's output as ARKit curves, so every tool is scored the same way.

Rhubarb's mouth shapes are mapped through :data:`RHUBARB_ARKIT`, a table that
gives each shape the lip gap, rounding and tuck its description implies (the
metrics read exactly those three signals). Ours (JSON or Live Link CSV) and any
CSV with ARKit-named columns are read as they are.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np

from audioface import arkit
from audioface.errors import AudioFaceError
from audioface.evaluate.readers import read_capture

SCORING_FPS = 100.0  # mouth cues are step functions: sample them finely

# Rhubarb shape -> ARKit weights (see docs/evaluation.md).
RHUBARB_ARKIT: dict[str, dict[str, float]] = {
    "A": {},  # closed lips (P B M)
    "B": {"jawOpen": 0.12, "mouthStretchLeft": 0.2, "mouthStretchRight": 0.2},  # teeth together
    "C": {"jawOpen": 0.35, "mouthLowerDownLeft": 0.2, "mouthLowerDownRight": 0.2},  # open (EH, AE)
    "D": {"jawOpen": 0.6, "mouthLowerDownLeft": 0.3, "mouthLowerDownRight": 0.3},  # wide open (AA)
    "E": {"jawOpen": 0.3, "mouthFunnel": 0.35},  # slightly rounded (AO, ER)
    "F": {"jawOpen": 0.12, "mouthPucker": 0.6, "mouthFunnel": 0.3},  # puckered (UW, OW, W)
    "G": {"jawOpen": 0.08, "mouthRollLower": 0.6},  # upper teeth on lower lip (F, V)
    "H": {"jawOpen": 0.3, "mouthLowerDownLeft": 0.1, "mouthLowerDownRight": 0.1},  # tongue raised (L)
    "X": {},  # rest
}


def load_prediction(path: str | Path) -> tuple[np.ndarray, float]:
    """(frames x 52 weights, fps) from our JSON, Rhubarb json/tsv/xml, or an ARKit CSV."""
    path = Path(path)
    ext = path.suffix.lower()
    try:
        if ext == ".json":
            doc = json.loads(path.read_text())
            if "mouthCues" in doc:
                cues = [(float(c["start"]), float(c["end"]), str(c["value"])) for c in doc["mouthCues"]]
                return rhubarb_to_arkit(cues), SCORING_FPS
            names = doc["names"]
            frames = np.asarray(doc["frames"], dtype=np.float64)
            weights = np.zeros((len(frames), 52))
            for i, name in enumerate(names):
                if name in arkit.INDEX:
                    weights[:, arkit.INDEX[name]] = frames[:, i]
            return weights, float(doc["fps"])
        if ext == ".tsv":
            lines = [line.split("\t") for line in path.read_text().splitlines() if line.strip()]
            cues = [(float(a[0]), float(b[0]), a[1].strip()) for a, b in zip(lines, lines[1:], strict=False)]
            return rhubarb_to_arkit(cues), SCORING_FPS
        if ext == ".xml":
            root = ET.parse(path).getroot()
            cues = [
                (float(c.get("start")), float(c.get("end")), c.text.strip()) for c in root.iter("mouthCue")
            ]
            return rhubarb_to_arkit(cues), SCORING_FPS
        if ext == ".csv":
            cap = read_capture(path, fps=60.0)
            fps = 1.0 / float(np.median(np.diff(cap.times))) if len(cap.times) > 1 else 60.0
            return cap.weights, fps
    except (ValueError, KeyError, TypeError, ET.ParseError) as exc:
        raise AudioFaceError(f"cannot read prediction {path}: {exc}") from None
    raise AudioFaceError(f"unknown prediction format: {path}")


def rhubarb_to_arkit(cues: list[tuple[float, float, str]], fps: float = SCORING_FPS) -> np.ndarray:
    end = max((b for _, b, _ in cues), default=0.0)
    n = int(np.floor(end * fps + 1e-9)) + 1
    times = np.arange(n) / fps
    weights = np.zeros((n, 52))
    for start, stop, shape in cues:
        if shape not in RHUBARB_ARKIT:
            raise AudioFaceError(f"unknown Rhubarb mouth shape {shape!r}")
        sel = (times >= start - 1e-9) & (times < stop - 1e-9)
        for name, value in RHUBARB_ARKIT[shape].items():
            weights[sel, arkit.INDEX[name]] = value
    return weights
