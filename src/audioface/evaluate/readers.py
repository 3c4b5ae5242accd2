"""Readers for reference phone timings and face captures in the formats people have.

Phones: ``.phones.json`` (list of {"phone", "start", "end"}), Praat ``.TextGrid``
(long or short text format; the phone tier is found by name), ESPS/xlabel
``.lab`` (end times) and HTK ``.lab`` (start and end in 100 ns units).
Captures: Live Link Face CSV or any CSV with ARKit-named columns.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from audioface import arkit
from audioface.errors import AudioFaceError
from audioface.evaluate.lipsync import RefPhone
from audioface.evaluate.phonesets import to_arpabet
from audioface.phones import VOWELS

PHONE_TIER_NAMES = ("phones", "phone", "phonetic", "phoneme", "phonemes", "segments", "segment", "mau")


def read_phones(path: str | Path, phoneset: str = "auto") -> list[RefPhone]:
    """Timed reference phones in ARPAbet, from any supported file."""
    path = Path(path)
    name = path.name.lower()
    try:
        if name.endswith(".json"):
            raw = _phones_json(path)
        elif name.endswith(".textgrid"):
            raw = _phones_textgrid(path)
        elif name.endswith(".lab"):
            raw = _phones_lab(path)
        else:
            raise AudioFaceError(f"unknown phone file type: {path}")
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise AudioFaceError(f"cannot read phones from {path}: {exc}") from None
    labels = to_arpabet([r[0] for r in raw], phoneset, str(path))
    return _merge([RefPhone.from_label(lab, a, b) for lab, (_, a, b) in zip(labels, raw, strict=True)])


def _merge(phones: list[RefPhone]) -> list[RefPhone]:
    """Join touching identical labels (TIMIT "bcl b", split silences) into one phone."""
    out: list[RefPhone] = []
    for ph in sorted(phones, key=lambda p: p.start):
        if ph.end <= ph.start:
            continue
        same = out and out[-1].phone == ph.phone and ph.phone not in VOWELS
        if same and abs(out[-1].end - ph.start) < 1e-6:
            prev = out.pop()
            ph = RefPhone(ph.phone, prev.start, ph.end, prev.stress if prev.stress is not None else ph.stress)
        out.append(ph)
    return out


def _phones_json(path: Path) -> list[tuple[str, float, float]]:
    doc = json.loads(path.read_text())
    items = doc["phones"] if isinstance(doc, dict) else doc
    return [(str(p["phone"]), float(p["start"]), float(p["end"])) for p in items]


def _phones_lab(path: Path) -> list[tuple[str, float, float]]:
    lines = path.read_text(errors="replace").splitlines()
    if any(line.strip() == "#" for line in lines):  # ESPS/xlabel: header, '#', then "end colour label"
        body = lines[[line.strip() for line in lines].index("#") + 1 :]
        out, prev = [], 0.0
        for line in body:
            parts = line.split(None, 2)
            if len(parts) < 2:
                continue
            end = float(parts[0])
            out.append((parts[2].strip() if len(parts) == 3 else "", prev, end))
            prev = end
        return out
    out = []
    for line in lines:  # HTK: "start end label", 100 ns units
        parts = line.split()
        if len(parts) >= 3:
            out.append((parts[2], int(parts[0]) * 1e-7, int(parts[1]) * 1e-7))
    return out


def _phones_textgrid(path: Path) -> list[tuple[str, float, float]]:
    tiers = read_textgrid(path)
    if not tiers:
        raise ValueError("no interval tier")
    by_name = {name.lower(): ivs for name, ivs in tiers}
    for wanted in PHONE_TIER_NAMES:
        if wanted in by_name:
            return by_name[wanted]
    return max((ivs for _, ivs in tiers), key=len)


def read_textgrid(path: str | Path) -> list[tuple[str, list[tuple[str, float, float]]]]:
    """Interval tiers of a TextGrid (long or short text format) as (name, [(label, start, end)])."""
    text = Path(path).read_text(encoding="utf-8-sig", errors="replace")
    if "\x00" in text:
        text = Path(path).read_bytes().decode("utf-16")
    text = re.sub(r"\[\d*\]", "", text)
    tokens = re.findall(r'"((?:[^"]|"")*)"|(-?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)|(<exists>)', text)
    values: list[str | float] = []
    for string, number, flag in tokens:
        if flag:
            continue
        values.append(string.replace('""', '"') if number == "" else float(number))
    # header: "ooTextFile" "TextGrid" xmin xmax size
    pos = 5
    n_tiers = int(values[4])
    tiers = []
    for _ in range(n_tiers):
        kind, name = values[pos], values[pos + 1]
        count = int(values[pos + 4])
        pos += 5
        if kind == "IntervalTier":
            ivs = [
                (str(values[pos + 3 * k + 2]), float(values[pos + 3 * k]), float(values[pos + 3 * k + 1]))
                for k in range(count)
            ]
            pos += 3 * count
            tiers.append((str(name), ivs))
        else:  # TextTier: points (time, mark)
            pos += 2 * count
    return tiers


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
