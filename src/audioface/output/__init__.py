"""Output stage: an :class:`Animation` -> files in the formats users' tools read."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

from audioface.animation import ROTATION_NAMES, Animation
from audioface.errors import AudioFaceError
from audioface.output import gltf, livelink, rhubarb, visemes
from audioface.output.atomic import write_atomic
from audioface.output.phones_file import to_phones_json, to_textgrid


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


def _gltf(anim: Animation, binary: bool, **options) -> bytes:
    """Baked onto the user's avatar (``mesh``), or standalone on AudioFace's own face."""
    if options.get("mesh"):
        doc, blob = gltf.bake(anim, options["mesh"], options.get("gltf_targets", "arkit"))
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
    "glb": lambda a, **o: _gltf(a, True, **o),
    "gltf": lambda a, **o: _gltf(a, False, **o),
}
EXTENSIONS = {
    ".csv": "livelink", ".json": "json", ".tsv": "rhubarb-tsv", ".xml": "rhubarb-xml",
    ".dat": "rhubarb-dat", ".glb": "glb", ".gltf": "gltf",
}  # fmt: skip


def resolve_format(path: str | os.PathLike, format: str | None) -> str:  # noqa: A002
    if format:
        if format not in FORMATS:
            raise AudioFaceError(f"unknown format {format!r}; choose one of {', '.join(FORMATS)}")
        return format
    ext = Path(path).suffix.lower()
    if ext not in EXTENSIONS:
        raise AudioFaceError(
            f"cannot tell the output format from {ext or 'no extension'!r}: use --format "
            f"({', '.join(FORMATS)}) or one of {', '.join(EXTENSIONS)}"
        )
    return EXTENSIONS[ext]


def save(anim: Animation, path: str | os.PathLike, format: str | None = None, **options) -> None:  # noqa: A002
    write_atomic(path, FORMATS[resolve_format(path, format)](anim, **options))


def save_phones(anim: Animation, path: str | os.PathLike) -> None:
    """Timed words and phones: a TextGrid for ``.TextGrid``, JSON otherwise."""
    is_textgrid = Path(path).suffix.lower() == ".textgrid"
    write_atomic(path, to_textgrid(anim.track) if is_textgrid else to_phones_json(anim.track))


__all__ = ["EXTENSIONS", "FORMATS", "resolve_format", "save", "save_phones"]
