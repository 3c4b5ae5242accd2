"""Formats: an :class:`Animation` to and from the files users' tools read and write.

The one place that maps a format name or an extension to a writer or a reader.
Each format's writer and reader sit side by side in one module.
"""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import numpy as np

from audioface.animation import Animation
from audioface.errors import AudioFaceError
from audioface.formats import gltf, livelink, rhubarb, rigs, visemes
from audioface.formats.animation_json import read_json, to_json
from audioface.formats.atomic import write_atomic
from audioface.formats.phones import to_phones_json, to_textgrid


def _gltf(anim: Animation, binary: bool, **options) -> bytes:
    """Baked onto the user's avatar (``mesh``), or standalone on AudioFace's own face."""
    if options.get("mesh"):
        doc, blob = gltf.bake(anim, options["mesh"], options.get("targets", "auto"), options.get("rig"))
    else:
        doc, blob = gltf.default_face_glb_document(anim)
    return gltf.to_glb(doc, blob) if binary else gltf.to_gltf(doc, blob)


FORMATS: dict[str, Callable[..., str | bytes]] = {
    "livelink": lambda a, **o: livelink.to_livelink_csv(a),
    "json": lambda a, **o: to_json(a),
    "rhubarb-tsv": lambda a, **o: rhubarb.to_tsv(a, o.get("extended_shapes", "GHX")),
    "rhubarb-json": lambda a, **o: rhubarb.to_json(a, o.get("extended_shapes", "GHX")),
    "rhubarb-xml": lambda a, **o: rhubarb.to_xml(a, o.get("extended_shapes", "GHX")),
    "rhubarb-dat": lambda a, **o: rhubarb.to_dat(a, o.get("extended_shapes", "GHX"), o.get("dat_fps", 24)),
    "ovr": lambda a, **o: visemes.to_ovr_csv(a),
    "vrm": lambda a, **o: visemes.to_vrm_csv(a),
    "rig-csv": lambda a, **o: rigs.to_rig_csv(a, o.get("rig") or "arkit", o.get("targets", "auto")),
    "glb": lambda a, **o: _gltf(a, True, **o),
    "gltf": lambda a, **o: _gltf(a, False, **o),
}
EXTENSIONS = {
    ".csv": "livelink", ".json": "json", ".tsv": "rhubarb-tsv", ".xml": "rhubarb-xml",
    ".dat": "rhubarb-dat", ".glb": "glb", ".gltf": "gltf",
}  # fmt: skip
MEDIA_TYPES = {
    "livelink": "text/csv", "json": "application/json", "rhubarb-tsv": "text/tab-separated-values",
    "rhubarb-json": "application/json", "rhubarb-xml": "application/xml", "rhubarb-dat": "text/plain",
    "ovr": "text/csv", "vrm": "text/csv", "rig-csv": "text/csv", "glb": "model/gltf-binary",
    "gltf": "model/gltf+json",
}  # fmt: skip
# each format's usual suffix for a file named after it (rhubarb-json, ovr and vrm share an
# extension with another format, so their suffixes say which one they hold)
SUFFIXES = {
    "livelink": ".csv", "json": ".json", "rhubarb-tsv": ".tsv", "rhubarb-json": ".rhubarb.json",
    "rhubarb-xml": ".xml", "rhubarb-dat": ".dat", "ovr": ".ovr.csv", "vrm": ".vrm.csv", "rig-csv": ".rig.csv",
    "glb": ".glb",
    "gltf": ".gltf",
}  # fmt: skip
READABLE = (".json", ".csv", ".tsv", ".xml")  # what read_weights takes: ours and other tools'


def resolve_format(path: str | os.PathLike, format: str | None) -> str:  # noqa: A002
    if format:
        if format not in FORMATS:
            raise AudioFaceError(f"unknown format {format!r}; choose one of {', '.join(FORMATS)}", "format")
        return format
    ext = Path(path).suffix.lower()
    if ext not in EXTENSIONS:
        raise AudioFaceError(
            f"cannot tell the output format from {ext or 'no extension'!r}: name one of "
            f"{', '.join(FORMATS)} or use one of {', '.join(EXTENSIONS)}",
            "format",
        )
    return EXTENSIONS[ext]


def encode(anim: Animation, format: str, **options) -> bytes:  # noqa: A002
    """``anim`` in ``format`` as the bytes a file of that format holds (for streams and services)."""
    if format not in FORMATS:
        raise AudioFaceError(f"unknown format {format!r}; choose one of {', '.join(FORMATS)}", "format")
    data = FORMATS[format](anim, **options)
    return data.encode("utf-8") if isinstance(data, str) else data


def save(anim: Animation, path: str | os.PathLike, format: str | None = None, **options) -> None:  # noqa: A002
    """Write ``anim`` to ``path`` (temporary file, then rename); the format from ``format`` or
    the extension. ``options``: ``extended_shapes``, ``dat_fps`` (Rhubarb), ``mesh`` (glTF),
    ``rig`` and ``targets`` (glTF and the rig CSV: :mod:`audioface.formats.rigs`)."""
    write_atomic(path, encode(anim, resolve_format(path, format), **options))


def save_phones(anim: Animation, path: str | os.PathLike) -> None:
    """Timed words and phones: a TextGrid for ``.TextGrid``, JSON otherwise."""
    is_textgrid = Path(path).suffix.lower() == ".textgrid"
    write_atomic(path, to_textgrid(anim.track) if is_textgrid else to_phones_json(anim.track))


def read_weights(path: str | os.PathLike) -> tuple[np.ndarray, float]:
    """(frames x 52 ARKit weights, fps) from our JSON, Rhubarb json/tsv/xml, or an ARKit CSV
    (Live Link Face or any CSV with ARKit-named columns)."""
    path = Path(path)
    ext = path.suffix.lower()
    try:
        if ext == ".json":
            if "mouthCues" in json.loads(path.read_text()):
                return rhubarb.cues_to_arkit(rhubarb.read_cues(path)), rhubarb.SCORING_FPS
            return read_json(path)
        if ext in (".tsv", ".xml"):
            return rhubarb.cues_to_arkit(rhubarb.read_cues(path)), rhubarb.SCORING_FPS
        if ext == ".csv":
            cap = livelink.read_capture(path, fps=60.0)
            fps = 1.0 / float(np.median(np.diff(cap.times))) if len(cap.times) > 1 else 60.0
            return cap.weights, fps
    except (ValueError, KeyError, TypeError, ET.ParseError) as exc:
        raise AudioFaceError(f"cannot read animation {path}: {exc}") from None
    raise AudioFaceError(f"unknown animation format: {path} (read: {', '.join(READABLE)})")


def load_animation(path: str | os.PathLike) -> Animation:
    """Another tool's animation (or ours) as an :class:`Animation`, to preview or compare."""
    if not Path(path).is_file():
        raise AudioFaceError(f"animation file not found: {path}")
    weights, fps = read_weights(path)
    return Animation(weights=weights.astype("float32"), fps=fps, source=str(path))


__all__ = [
    "EXTENSIONS",
    "FORMATS",
    "MEDIA_TYPES",
    "encode",
    "load_animation",
    "read_weights",
    "resolve_format",
    "save",
    "save_phones",
]
