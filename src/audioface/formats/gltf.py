"""glTF 2.0 export: the animation as morph-target weights, baked onto a user's avatar.

The avatar's meshes keep everything they had; one animation is added whose
channels drive each mesh's ``weights``. Morph targets are matched to ARKit by
name (``extras.targetNames``, the convention Blender, three.js and Ready Player
Me use): camelCase, PascalCase, any case, with or without a prefix such as
``blendShape1.`` or ``ARKit_``. Ready Player Me's ``viseme_*`` targets can be
driven by the Oculus viseme track instead (``targets="visemes"``) or as well.
"""

from __future__ import annotations

import base64
import json
import struct
from pathlib import Path

import numpy as np

from audioface import arkit
from audioface.animation import Animation
from audioface.avatar import default_face, moved_vertices, rest_normals
from audioface.errors import AudioFaceError
from audioface.formats import rigs
from audioface.formats.gltf_read import (
    BIN_CHUNK,
    GLB_MAGIC,
    JSON_CHUNK,
    avatar_targets,
    read_glb,
    vrm_version,
)

FLOAT, SCALAR = 5126, "SCALAR"


def bake(
    anim: Animation, avatar: str | Path, targets: str = "auto", rig: str | None = None
) -> tuple[dict, bytes]:
    """The avatar's glTF document and binary buffer with the animation added.

    ``rig`` names the preset its targets follow (None: the one that fits its names best);
    ``targets`` picks ARKit-style shapes, viseme shapes, both, or (auto) ARKit where the avatar
    has mouth shapes and visemes otherwise."""
    doc, binary = read_glb(avatar)
    buffers = doc.setdefault("buffers", [])
    if buffers and "uri" in buffers[0]:
        raise AudioFaceError(f"the avatar's data is not inside the .glb (buffer with a uri): {avatar}")
    if not buffers:
        buffers.append({"byteLength": 0})
    shapes = avatar_targets(doc)
    names = [t.name for t in shapes]
    binding = rigs.bind(rigs.preset(rig) if rig else rigs.detect(names, vrm_version(doc)), names, targets)
    per_target = rigs.animation_weights(anim, binding)
    meshes = doc.get("meshes", [])
    mesh_weights: dict[int, np.ndarray] = {}
    for j, shape in enumerate(shapes):
        if not per_target[:, j].any() and shape.name in binding.undriven:
            continue
        for mi, k, w in shape.binds:
            n_targets = (
                len(meshes[mi]["primitives"][0].get("targets", [])) if meshes[mi].get("primitives") else 0
            )
            if k >= n_targets:
                continue
            out = mesh_weights.setdefault(mi, np.zeros((anim.n_frames, n_targets), dtype=np.float32))
            out[:, k] += per_target[:, j] * w
    if not mesh_weights:
        raise AudioFaceError(
            f"no morph target of {avatar} matches the {binding.rig.name} rig "
            "(looked in each mesh's extras.targetNames and the VRM expressions); "
            "run 'audioface check-rig' on it"
        )
    blob = bytearray(binary)
    times = anim.times().astype(np.float32)
    time_acc = _append(doc, blob, times, {"min": [float(times[0])], "max": [float(times[-1])]})
    samplers, channels = [], []
    for mi, weights in sorted(mesh_weights.items()):
        out_acc = _append(doc, blob, np.clip(weights, 0.0, 1.0).reshape(-1), {})
        for ni, node in enumerate(doc.get("nodes", [])):
            if node.get("mesh") == mi:
                samplers.append({"input": time_acc, "output": out_acc, "interpolation": "LINEAR"})
                channels.append({"sampler": len(samplers) - 1, "target": {"node": ni, "path": "weights"}})
    doc.setdefault("animations", []).append({"name": "audioface", "samplers": samplers, "channels": channels})
    buffers[0]["byteLength"] = len(blob)
    return doc, bytes(blob)


def default_face_glb_document(anim: Animation) -> tuple[dict, bytes]:
    """A standalone glTF of AudioFace's own face (all 52 ARKit targets) with the animation."""
    doc: dict = {
        "asset": {"version": "2.0", "generator": "AudioFace"},
        "scene": 0,
        "scenes": [{"nodes": [0]}],
        "nodes": [{"mesh": 0, "name": "AudioFace"}],
        "buffers": [{"byteLength": 0}],
        "materials": [],
    }
    blob = bytearray()
    primitives = []
    for part in default_face():
        doc["materials"].append(
            {"name": part.name, "pbrMetallicRoughness": {"baseColorFactor": [*part.colour, 1.0],
             "metallicFactor": 0.0, "roughnessFactor": 0.8}}
        )  # fmt: skip
        attributes = {
            "POSITION": _append(
                doc, blob, part.vertices.astype(np.float32), _bounds(part.vertices), "VEC3", 34962
            ),
            "NORMAL": _append(doc, blob, rest_normals(part).astype(np.float32), {}, "VEC3", 34962),
        }
        if part.vertex_colours is not None:
            attributes["COLOR_0"] = _append(
                doc, blob, part.vertex_colours.astype(np.float32), {}, "VEC3", 34962
            )
        indices = _append(doc, blob, part.triangles.astype(np.uint32).ravel(), {}, "SCALAR", 34963)
        targets = [{"POSITION": _sparse(doc, blob, delta)} for delta in part.deltas]
        primitives.append(
            {"attributes": attributes, "indices": indices, "targets": targets,
             "material": len(doc["materials"]) - 1}
        )  # fmt: skip
    doc["meshes"] = [
        {
            "name": "AudioFace",
            "primitives": primitives,
            "weights": [0.0] * 52,
            "extras": {"targetNames": list(arkit.NAMES)},
        }
    ]
    times = anim.times().astype(np.float32)
    t = _append(doc, blob, times, {"min": [float(times[0])], "max": [float(times[-1])]})
    w = _append(doc, blob, anim.weights.astype(np.float32).reshape(-1), {})
    doc["animations"] = [
        {"name": "audioface", "samplers": [{"input": t, "output": w, "interpolation": "LINEAR"}],
         "channels": [{"sampler": 0, "target": {"node": 0, "path": "weights"}}]}
    ]  # fmt: skip
    doc["buffers"][0]["byteLength"] = len(blob)
    return doc, bytes(blob)


def _sparse(doc: dict, blob: bytearray, delta: np.ndarray) -> int:
    """A morph target's displacements as a sparse accessor: most shapes move few vertices, and
    the face's file stays a few megabytes instead of tens."""
    moved = moved_vertices(delta).astype(np.uint32)
    kept = np.zeros_like(delta)
    kept[moved] = delta[moved]  # what a reader gets back: the bounds must be of exactly this
    accessor = {"componentType": FLOAT, "count": len(delta), "type": "VEC3", **_bounds(kept)}
    if len(moved):
        idx_view = _view(doc, blob, moved.astype("<u4").tobytes())
        val_view = _view(doc, blob, delta[moved].astype("<f4").tobytes())
        indices = {"bufferView": idx_view, "componentType": 5125}
        values = {"bufferView": val_view}
        accessor["sparse"] = {"count": int(len(moved)), "indices": indices, "values": values}
    doc.setdefault("accessors", []).append(accessor)
    return len(doc["accessors"]) - 1


def _view(doc: dict, blob: bytearray, data: bytes) -> int:
    while len(blob) % 4:
        blob.append(0)
    doc.setdefault("bufferViews", []).append({"buffer": 0, "byteOffset": len(blob), "byteLength": len(data)})
    blob.extend(data)
    return len(doc["bufferViews"]) - 1


def _bounds(values: np.ndarray) -> dict:
    v = values.astype(np.float32)
    return {"min": v.min(axis=0).tolist(), "max": v.max(axis=0).tolist()}


def _append(
    doc: dict, blob: bytearray, values: np.ndarray, extra: dict, kind: str = SCALAR, target: int | None = None
) -> int:
    while len(blob) % 4:
        blob.append(0)
    data = values.astype("<u4" if values.dtype == np.uint32 else "<f4")
    view = {"buffer": 0, "byteOffset": len(blob), "byteLength": int(data.nbytes)}
    if target is not None:
        view["target"] = target
    blob.extend(data.tobytes())
    doc.setdefault("bufferViews", []).append(view)
    component = 5125 if data.dtype == np.dtype("<u4") else FLOAT
    count = int(data.shape[0]) if kind == "VEC3" else int(data.size)
    accessor = {"bufferView": len(doc["bufferViews"]) - 1, "componentType": component, "count": count,
                "type": kind, **extra}  # fmt: skip
    doc.setdefault("accessors", []).append(accessor)
    return len(doc["accessors"]) - 1


def to_glb(doc: dict, binary: bytes) -> bytes:
    text = json.dumps(doc, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 4)
    binary += b"\0" * (-len(binary) % 4)
    chunks = struct.pack("<II", len(text), JSON_CHUNK) + text
    if binary:
        chunks += struct.pack("<II", len(binary), BIN_CHUNK) + binary
    return struct.pack("<III", GLB_MAGIC, 2, 12 + len(chunks)) + chunks


def to_gltf(doc: dict, binary: bytes) -> bytes:
    """A self-contained .gltf: the buffer embedded as a base64 data URI."""
    doc = json.loads(json.dumps(doc))
    if binary:
        encoded = base64.b64encode(binary).decode("ascii")
        doc["buffers"][0]["uri"] = "data:application/octet-stream;base64," + encoded
    return (json.dumps(doc, indent=1) + "\n").encode("utf-8")
