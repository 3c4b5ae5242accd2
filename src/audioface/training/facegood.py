"""Retargeting the FACEGOOD Audio2Face capture to ARKit, by its own published mapping.

The release stores 116 rig weights per frame (30 fps, ``bs_value/*.npy``), the
rig's shape names (``shirley_1015_bs_name.npy``) and a spreadsheet
(``doc/Voice2Face_blendshape2ARkit.xlsx``) that maps rig shapes to ARKit
names, either one shape or ``max(a, b, ...)`` of several, and marks which rows
are valid (only the mouth: the capture trained a mouth model). The
spreadsheet is read with the standard library (an .xlsx is zipped XML), the
valid rows are applied, and each recording becomes a corpus item: its WAV and
a CSV with ARKit-named columns, which training reads like any capture.
"""

from __future__ import annotations

import re
import shutil
import warnings
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import numpy as np

from audioface import arkit
from audioface.errors import AudioFaceError
from audioface.formats.atomic import write_atomic

FPS = 30.0
MAPPING = Path("doc") / "Voice2Face_blendshape2ARkit.xlsx"
NAMES = "shirley_1015_bs_name.npy"
_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def is_facegood(folder: Path) -> bool:
    return (folder / MAPPING).is_file() and (folder / "bs_value").is_dir()


def read_sheet(path: Path) -> list[list[str]]:
    """The first sheet's rows as text (shared strings resolved, empty cells kept)."""
    with zipfile.ZipFile(path) as z:
        strings = []
        if "xl/sharedStrings.xml" in z.namelist():
            root = ET.fromstring(z.read("xl/sharedStrings.xml"))
            strings = [
                "".join(t.text or "" for t in si.iter(f"{{{_NS['m']}}}t")) for si in root.findall("m:si", _NS)
            ]
        sheet = ET.fromstring(z.read("xl/worksheets/sheet1.xml"))
    rows = []
    for row in sheet.iter(f"{{{_NS['m']}}}row"):
        cells: dict[int, str] = {}
        for c in row.findall("m:c", _NS):
            col = _column(c.get("r", "A1"))
            v = c.find("m:v", _NS)
            text = "" if v is None or v.text is None else v.text
            cells[col] = strings[int(text)] if c.get("t") == "s" and text else text
        rows.append([cells.get(i, "") for i in range(max(cells, default=-1) + 1)])
    return rows


def _column(ref: str) -> int:
    letters = re.match(r"[A-Z]+", ref).group(0)
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def read_mapping(path: Path) -> dict[str, list[str]]:
    """ARKit name -> rig shapes whose maximum drives it, for the rows marked valid."""
    mapping = {}
    lower = {n.lower(): n for n in arkit.NAMES}
    for row in read_sheet(path):
        cells = [c.strip() for c in row if c.strip()]
        if len(cells) < 3 or cells[-1].lower() != "valid":
            continue
        name = lower.get(cells[0].lower())
        source = cells[1]
        if name is None:
            continue
        inner = re.fullmatch(r"max\((.*)\)", source.replace(" ", ""))
        mapping[name] = inner.group(1).split(",") if inner else [source]
    if not mapping:
        raise AudioFaceError(f"no valid rows in the FACEGOOD mapping {path}")
    return mapping


def retarget(values: np.ndarray, rig_names: list[str], mapping: dict[str, list[str]]) -> np.ndarray:
    """(frames, 116) rig weights -> (frames, len(mapping)) ARKit weights, columns in mapping order."""
    index = {n: i for i, n in enumerate(rig_names)}
    missing = sorted({s for srcs in mapping.values() for s in srcs} - set(index))
    if missing:
        raise AudioFaceError(f"FACEGOOD mapping names rig shapes the data lacks: {', '.join(missing)}")
    out = [values[:, [index[s] for s in srcs]].max(axis=1) for srcs in mapping.values()]
    return np.clip(np.stack(out, axis=1), 0.0, 1.0)


def _load_npy(path: Path) -> np.ndarray:
    """The release's .npy files were written by Python 2: numpy warns, then reads them fine."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return np.load(path, allow_pickle=True)


def retarget_folder(src: Path, dst: Path) -> list[Path]:
    """Write ``NAME.wav`` + ``NAME.csv`` (ARKit columns, a Timestamp at 30 fps) for every recording."""
    if not is_facegood(src):
        raise AudioFaceError(f"not a FACEGOOD capture folder (needs {MAPPING} and bs_value/): {src}")
    mapping = read_mapping(src / MAPPING)
    rig = [str(n) for n in _load_npy(src / NAMES)]
    dst.mkdir(parents=True, exist_ok=True)
    made = []
    for values_file in sorted((src / "bs_value").glob("bs_value_*.npy")):
        stem = values_file.stem.removeprefix("bs_value_")
        wav = src / "wav" / f"{stem}.wav"
        if not wav.is_file():
            continue
        weights = retarget(_load_npy(values_file).astype(np.float64), rig, mapping)
        lines = [",".join(["Timestamp", *mapping])]
        lines += [",".join([f"{i / FPS:.4f}", *(f"{w:.4f}" for w in row)]) for i, row in enumerate(weights)]
        write_atomic(dst / f"{stem}.csv", "\n".join(lines) + "\n")
        shutil.copyfile(wav, dst / f"{stem}.wav")
        made.append(dst / f"{stem}.csv")
    if not made:
        raise AudioFaceError(f"no recording in {src} has both bs_value_NAME.npy and wav/NAME.wav")
    return made
