"""Rhubarb Lip Sync mouth cues (tsv, json, xml, dat), as Rhubarb itself writes them.

A 2D pipeline built on Rhubarb reads our cues unchanged. Shapes come from the
aligned phones (Rhubarb's own table: A closed, B teeth together, C open,
D wide open, E slightly rounded, F puckered, G F/V, H long L, X rest); the
basic shapes A-F are always used, G, H and X only when enabled, as with
Rhubarb's ``--extendedShapes``.
"""

from __future__ import annotations

import json
from xml.sax.saxutils import escape

from audioface.animation import Animation
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
        from audioface.errors import AudioFaceError

        raise AudioFaceError(f"--dat-fps must be between 24 and 100, got {dat_fps}")
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
