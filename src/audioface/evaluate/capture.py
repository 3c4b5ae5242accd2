"""Scoring against a real face capture of the same audio (metrics.md, last section).

The prediction is resampled to the capture's frame times by linear
interpolation, so captures and predictions at any frame rates compare frame for frame.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from audioface import arkit
from audioface.formats.livelink import Capture
from audioface.motion.shapes import resample_rows

MOUTH = [arkit.INDEX[n] for n in arkit.MOUTH_GROUP]
# The reference mesh's 68 landmarks follow the common 68-point layout, whose last 20
# (48-67: outer and inner lip contour) are the lips. LVE is measured on those.
LIP_LANDMARKS = slice(48, 68)


@dataclass
class CaptureScores:
    mse: float
    mse_mouth: float
    mae: dict[str, float]
    lve: float | None = None  # m^2, when a mesh is given

    def to_dict(self) -> dict:
        return {"mse": self.mse, "mse_mouth": self.mse_mouth, "mae": self.mae, "lve": self.lve}


def resample(weights: np.ndarray, fps: float, times: np.ndarray) -> np.ndarray:
    return resample_rows(weights, np.arange(len(weights)) / fps, times)


def score_capture(
    weights: np.ndarray, fps: float, capture: Capture, mesh: FaceMesh | None = None
) -> CaptureScores:
    pred = resample(weights, fps, capture.times)
    ref = capture.weights
    err = pred - ref
    present = [arkit.INDEX[n] for n in capture.present]
    mae = {arkit.NAMES[k]: float(np.abs(err[:, k]).mean()) for k in present}
    mouth = [k for k in MOUTH if k in present] or MOUTH
    lve = lip_vertex_error(pred, ref, mesh) if mesh is not None else None
    return CaptureScores(float((err**2).mean()), float((err[:, mouth] ** 2).mean()), mae, lve)


@dataclass
class FaceMesh:
    neutral: np.ndarray  # (V, 3) metres
    deltas: np.ndarray  # (52, V, 3), Apple's order
    landmarks: np.ndarray  # vertex indices

    def pose(self, weights: np.ndarray) -> np.ndarray:
        """(frames, 52) -> (frames, V, 3) vertex positions."""
        return self.neutral[None] + np.einsum("fk,kvc->fvc", weights, self.deltas)


def lip_vertex_error(pred: np.ndarray, ref: np.ndarray, mesh: FaceMesh) -> float:
    """Per frame the largest squared lip-vertex distance, averaged over frames."""
    lips = mesh.landmarks[LIP_LANDMARKS]
    diff = np.einsum("fk,kvc->fvc", pred - ref, mesh.deltas[:, lips])
    return float((diff**2).sum(axis=2).max(axis=1).mean())


@lru_cache(maxsize=2)
def load_reference_mesh(folder: str | Path) -> FaceMesh:
    """The ARKit reference meshes: a zip of Neutral.obj plus one OBJ per shape, and landmarks."""
    folder = Path(folder)
    with zipfile.ZipFile(folder / "ARKit_reference_blendshapes.zip") as zf:
        objs = {Path(n).stem: zf.read(n).decode() for n in zf.namelist() if n.endswith(".obj")}
    neutral = _obj_vertices(objs["Neutral"])
    # the shipped set has 51 shapes (no tongueOut): a missing shape moves nothing
    deltas = np.stack(
        [
            _obj_vertices(objs[name]) - neutral if name in objs else np.zeros_like(neutral)
            for name in arkit.NAMES
        ]
    )
    landmarks = np.loadtxt(folder / "ARKit_landmarks.txt", dtype=int)
    return FaceMesh(neutral, deltas, landmarks)


def _obj_vertices(text: str) -> np.ndarray:
    rows = [line.split()[1:4] for line in text.splitlines() if line.startswith("v ")]
    return np.asarray(rows, dtype=np.float64)
