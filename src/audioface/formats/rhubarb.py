"""Rhubarb Lip Sync mouth cues (tsv, json, xml, dat), as Rhubarb itself writes them.

A 2D pipeline built on Rhubarb reads our cues unchanged, and Rhubarb's own
output is read back as ARKit curves (:func:`read_cues`, :func:`cues_to_arkit`) so
that every tool is scored and previewed the same way. Shapes come from the
aligned phones (Rhubarb's own table: A closed, B teeth together, C open,
D wide open, E slightly rounded, F puckered, G F/V, H long L, X rest); the
basic shapes A-F are always used, G, H and X only when enabled, as with
Rhubarb's ``--extendedShapes``.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np

from audioface import arkit
from audioface.animation import Animation
from audioface.errors import AudioFaceError
from audioface.frames import frame_count
from audioface.track import Phone

PHONE_SHAPES = {
    "P": "A", "B": "A", "M": "A",
    "F": "G", "V": "G",
    "L": "H",
    "AA": "D", "AW": "D", "AY": "D", "AE": "C", "AH": "C", "EH": "C", "EY": "C",
    "AO": "E", "ER": "E", "OY": "E",
    "UW": "F", "OW": "F", "W": "F", "UH": "F",
    "sil": "X",
}  # fmt: skip
FALLBACK = {"G": "B", "H": "C", "X": "A"}  # where an extended shape is disabled
MIN_CUE = 0.04  # s: shorter cues are merged into a neighbour, closures excepted
LONG_L = 0.12  # s: Rhubarb shows H only for a long L


def mouth_cues(phones: list[Phone], duration: float, extended: str = "GHX") -> list[tuple[float, float, str]]:
    """(start, end, shape) covering [0, duration] with no gaps."""
    cues: list[list] = []
    for ph in phones:
        shape = PHONE_SHAPES.get(ph.phone, "B")
        if shape == "H" and ph.duration < LONG_L:
            shape = "B"
        if shape in FALLBACK and shape not in extended:
            shape = FALLBACK[shape]
        if cues and cues[-1][2] == shape:
            cues[-1][1] = ph.end
        else:
            cues.append([ph.start, ph.end, shape])
    if not cues:
        cues = [[0.0, duration, "X" if "X" in extended else "A"]]
    cues[0][0] = 0.0
    cues[-1][1] = max(cues[-1][1], duration)
    merged: list[list] = []
    for cue in cues:
        if merged and cue[1] - cue[0] < MIN_CUE and cue[2] != "A":
            merged[-1][1] = cue[1]  # a flicker too short to see: extend the previous shape
        elif merged and merged[-1][2] == cue[2]:
            merged[-1][1] = cue[1]
        else:
            merged.append(list(cue))
    return [(round(a, 2), round(b, 2), s) for a, b, s in merged]


def _cues(anim: Animation, extended: str) -> list[tuple[float, float, str]]:
    return mouth_cues(anim.track.phones(), anim.duration, extended)


def to_tsv(anim: Animation, extended: str = "GHX") -> str:
    cues = _cues(anim, extended)
    lines = [f"{a:.2f}\t{s}" for a, _, s in cues]
    end_shape = "X" if "X" in extended else "A"
    lines.append(f"{cues[-1][1]:.2f}\t{end_shape}")
    return "\n".join(lines) + "\n"


def to_json(anim: Animation, extended: str = "GHX") -> str:
    doc = {
        "metadata": {"soundFile": anim.source, "duration": round(anim.duration, 2)},
        "mouthCues": [{"start": a, "end": b, "value": s} for a, b, s in _cues(anim, extended)],
    }
    return json.dumps(doc, indent=2) + "\n"


def to_xml(anim: Animation, extended: str = "GHX") -> str:
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        "<rhubarbResult>",
        "  <metadata>",
        f"    <soundFile>{escape(anim.source)}</soundFile>",
        f"    <duration>{anim.duration:.2f}</duration>",
        "  </metadata>",
        "  <mouthCues>",
    ]
    lines += [
        f'    <mouthCue start="{a:.2f}" end="{b:.2f}">{s}</mouthCue>' for a, b, s in _cues(anim, extended)
    ]
    lines += ["  </mouthCues>", "</rhubarbResult>"]
    return "\n".join(lines) + "\n"


def to_dat(anim: Animation, extended: str = "GHX", dat_fps: int = 24) -> str:
    """Moho switch data: frame = 1 + floor(fps * t)."""
    if not 24 <= dat_fps <= 100:
        raise AudioFaceError(f"the .dat frame rate must be between 24 and 100, got {dat_fps}", "dat_fps")
    lines = ["MohoSwitch1"]
    last_frame = None
    for a, _, s in _cues(anim, extended):
        frame = 1 + int(dat_fps * a + 1e-9)
        if frame == last_frame:
            lines[-1] = f"{frame} {s}"
        else:
            lines.append(f"{frame} {s}")
        last_frame = frame
    return "\n".join(lines) + "\n"


SCORING_FPS = 100.0  # mouth cues are step functions: sample them finely

# Rhubarb shape -> ARKit weights (see docs/evaluation.md): the lip gap, rounding and tuck
# each shape's description implies, which is what the metrics read.
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


def read_cues(path: str | Path) -> list[tuple[float, float, str]]:
    """(start, end, shape) from Rhubarb's json, tsv or xml output."""
    path = Path(path)
    ext = path.suffix.lower()
    if ext == ".json":
        doc = json.loads(path.read_text())
        return [(float(c["start"]), float(c["end"]), str(c["value"])) for c in doc["mouthCues"]]
    if ext == ".tsv":
        lines = [line.split("\t") for line in path.read_text().splitlines() if line.strip()]
        return [(float(a[0]), float(b[0]), a[1].strip()) for a, b in zip(lines, lines[1:], strict=False)]
    if ext == ".xml":
        root = ET.parse(path).getroot()
        return [(float(c.get("start")), float(c.get("end")), c.text.strip()) for c in root.iter("mouthCue")]
    raise AudioFaceError(f"not a Rhubarb cue file (.json, .tsv or .xml): {path}")


def cues_to_arkit(cues: list[tuple[float, float, str]], fps: float = SCORING_FPS) -> np.ndarray:
    """Mouth cues as (frames, 52) ARKit weights at ``fps``, through :data:`RHUBARB_ARKIT`."""
    end = max((b for _, b, _ in cues), default=0.0)
    times = np.arange(frame_count(end, fps)) / fps
    weights = np.zeros((len(times), 52))
    for start, stop, shape in cues:
        if shape not in RHUBARB_ARKIT:
            raise AudioFaceError(f"unknown Rhubarb mouth shape {shape!r}")
        sel = (times >= start - 1e-9) & (times < stop - 1e-9)
        for name, value in RHUBARB_ARKIT[shape].items():
            weights[sel, arkit.INDEX[name]] = value
    return weights
