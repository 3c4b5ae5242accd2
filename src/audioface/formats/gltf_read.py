"""glTF 2.0 reading: a binary glTF's document and buffer, and a user's avatar as posable parts.

The writer (:mod:`audioface.formats.gltf`) reads the avatar it bakes onto with
the same functions, so both sides agree on what a target name means.

Meshes are read in their rest (bind) pose with the node transforms applied;
morph targets are matched to ARKit by name in any common convention
(``extras.targetNames``); colours come from each material's base colour
(textures are not sampled). Skinning is ignored: the preview shows the face,
which blend shapes move.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from audioface import arkit
from audioface.avatar import FacePart
from audioface.errors import AudioFaceError
from audioface.formats import rigs

GLB_MAGIC, JSON_CHUNK, BIN_CHUNK = 0x46546C67, 0x4E4F534A, 0x004E4942
_DTYPES = {5120: "i1", 5121: "u1", 5122: "<i2", 5123: "<u2", 5125: "<u4", 5126: "<f4"}
_WIDTH = {"SCALAR": 1, "VEC2": 2, "VEC3": 3, "VEC4": 4, "MAT4": 16}
DEFAULT_COLOUR = (0.8, 0.72, 0.66)


@dataclass(frozen=True)
class AvatarTarget:
    """A shape the avatar can be driven by: a morph target, or a VRM expression over several."""

    name: str
    binds: tuple[tuple[int, int, float], ...]  # (mesh, morph target index, weight at full strength)


def vrm_version(doc: dict) -> int | None:
    """0 for a VRM 0.x file, 1 for VRM 1.0, None for plain glTF."""
    ext = doc.get("extensions") or {}
    return 1 if "VRMC_vrm" in ext else 0 if "VRM" in ext else None


def avatar_targets(doc: dict) -> list[AvatarTarget]:
    """The avatar's drivable shapes: VRM expressions where the file has them (VRM runtimes drive
    those, not the raw morph targets), else every mesh's named morph targets, merged by name."""
    ext = doc.get("extensions") or {}
    nodes = doc.get("nodes", [])
    if "VRMC_vrm" in ext:
        expressions = ext["VRMC_vrm"].get("expressions") or {}
        out = []
        for group in ("preset", "custom"):
            for name, e in (expressions.get(group) or {}).items():
                binds = tuple(
                    (nodes[b["node"]]["mesh"], b["index"], float(b.get("weight", 1.0)))
                    for b in e.get("morphTargetBinds", [])
                    if "mesh" in nodes[b["node"]]
                )
                out.append(AvatarTarget(name, binds))
        return out
    if "VRM" in ext:
        groups = (ext["VRM"].get("blendShapeMaster") or {}).get("blendShapeGroups") or []
        return [AvatarTarget(g.get("name") or g.get("presetName", ""),
                             tuple((b["mesh"], b["index"], float(b.get("weight", 100)) / 100.0)
                                   for b in g.get("binds", [])))
                for g in groups]  # fmt: skip
    merged: dict[str, list[tuple[int, int, float]]] = {}
    for mi, mesh in enumerate(doc.get("meshes", [])):
        names = (mesh.get("extras") or {}).get("targetNames") or []
        n_targets = len(mesh["primitives"][0].get("targets", [])) if mesh.get("primitives") else 0
        if len(names) != n_targets:
            continue
        for k, name in enumerate(names):
            merged.setdefault(name, []).append((mi, k, 1.0))
    return [AvatarTarget(n, tuple(b)) for n, b in merged.items()]


def read_glb(path: str | Path) -> tuple[dict, bytes]:
    data = Path(path).read_bytes()
    if len(data) < 20 or struct.unpack_from("<I", data, 0)[0] != GLB_MAGIC:
        raise AudioFaceError(f"not a binary glTF (.glb) file: {path}")
    length = struct.unpack_from("<I", data, 8)[0]
    pos, doc, binary = 12, None, b""
    while pos + 8 <= min(length, len(data)):
        size, kind = struct.unpack_from("<II", data, pos)
        chunk = data[pos + 8 : pos + 8 + size]
        if kind == JSON_CHUNK:
            doc = json.loads(chunk.decode("utf-8"))
        elif kind == BIN_CHUNK and not binary:
            binary = bytes(chunk)
        pos += 8 + size
    if doc is None:
        raise AudioFaceError(f"glTF file has no JSON chunk: {path}")
    return doc, binary


def accessor(doc: dict, blob: bytes, index: int) -> np.ndarray:
    """An accessor's values as float64 (count, width), strides and sparse storage resolved."""
    acc = doc["accessors"][index]
    width, dtype = _WIDTH[acc["type"]], np.dtype(_DTYPES[acc["componentType"]])
    count = acc["count"]
    out = np.zeros((count, width))
    if "bufferView" in acc:
        view = doc["bufferViews"][acc["bufferView"]]
        start = view.get("byteOffset", 0) + acc.get("byteOffset", 0)
        stride = view.get("byteStride") or dtype.itemsize * width
        raw = np.frombuffer(blob, np.uint8, count=(count - 1) * stride + dtype.itemsize * width, offset=start)
        rows = np.lib.stride_tricks.as_strided(raw, (count, dtype.itemsize * width), (stride, 1))
        out = rows.copy().view(dtype).reshape(count, width).astype(np.float64)
        if acc.get("normalized"):
            out /= np.iinfo(dtype).max
    sparse = acc.get("sparse")
    if sparse:
        n = sparse["count"]
        iv = doc["bufferViews"][sparse["indices"]["bufferView"]]
        idx_type = np.dtype(_DTYPES[sparse["indices"]["componentType"]])
        idx = np.frombuffer(
            blob, idx_type, n, iv.get("byteOffset", 0) + sparse["indices"].get("byteOffset", 0)
        )
        vv = doc["bufferViews"][sparse["values"]["bufferView"]]
        vals = np.frombuffer(
            blob, dtype, n * width, vv.get("byteOffset", 0) + sparse["values"].get("byteOffset", 0)
        )
        out[idx.astype(int)] = vals.reshape(n, width)
    return out


def _node_matrices(doc: dict) -> dict[int, np.ndarray]:
    """World matrix of every node reachable from the scene."""
    nodes = doc.get("nodes", [])

    def local(node: dict) -> np.ndarray:
        if "matrix" in node:
            return np.asarray(node["matrix"], dtype=float).reshape(4, 4).T
        t = np.asarray(node.get("translation", [0, 0, 0]), float)
        x, y, z, w = node.get("rotation", [0, 0, 0, 1])
        s = np.asarray(node.get("scale", [1, 1, 1]), float)
        r = np.array([[1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
                      [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
                      [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)]])  # fmt: skip
        m = np.eye(4)
        m[:3, :3] = r * s
        m[:3, 3] = t
        return m

    out: dict[int, np.ndarray] = {}
    scene = (
        doc.get("scenes", [{}])[doc.get("scene", 0)] if doc.get("scenes") else {"nodes": range(len(nodes))}
    )
    stack = [(i, np.eye(4)) for i in scene.get("nodes", [])]
    while stack:
        i, parent = stack.pop()
        world = parent @ local(nodes[i])
        out[i] = world
        stack += [(c, world) for c in nodes[i].get("children", [])]
    return out


def load_avatar(path: str | Path) -> tuple[FacePart, ...]:
    """Every triangle mesh of the avatar as a posable part: each ARKit curve's deltas are the
    avatar's own shapes as its rig preset maps them (:mod:`audioface.formats.rigs`)."""
    doc, blob = read_glb(path)
    shapes = avatar_targets(doc)
    names = [t.name for t in shapes]
    binding = rigs.bind(rigs.detect(names, vrm_version(doc)), names, "arkit")
    per_curve = binding.matrix[: arkit.N_SHAPES]  # (52, shapes)
    parts = []
    for node_index, world in _node_matrices(doc).items():
        node = doc["nodes"][node_index]
        if "mesh" not in node:
            continue
        mi = node["mesh"]
        mesh = doc["meshes"][mi]
        linear = world[:3, :3]
        for k, prim in enumerate(mesh.get("primitives", [])):
            if prim.get("mode", 4) != 4 or "POSITION" not in prim["attributes"]:
                continue
            pos = accessor(doc, blob, prim["attributes"]["POSITION"])
            verts = pos @ linear.T + world[:3, 3]
            if "indices" in prim:
                tris = accessor(doc, blob, prim["indices"]).astype(int).reshape(-1, 3)
            else:
                tris = np.arange(len(verts) - len(verts) % 3).reshape(-1, 3)
            deltas = np.zeros((arkit.N_SHAPES, len(verts), 3))
            targets = prim.get("targets", [])
            for j, shape in enumerate(shapes):
                if not per_curve[:, j].any():
                    continue
                for bmi, t, w in shape.binds:
                    if bmi == mi and t < len(targets) and "POSITION" in targets[t]:
                        delta = accessor(doc, blob, targets[t]["POSITION"]) @ linear.T
                        deltas += per_curve[:, j, None, None] * w * delta[None]
            colour = DEFAULT_COLOUR
            if "material" in prim:
                factor = (
                    doc["materials"][prim["material"]].get("pbrMetallicRoughness", {}).get("baseColorFactor")
                )
                if factor:
                    colour = tuple(float(c) for c in factor[:3])
            parts.append(FacePart(f"{mesh.get('name', 'mesh')}.{k}", colour, verts, tris, deltas))
    if not parts:
        raise AudioFaceError(f"no triangle mesh in {path}")
    if not any(p.deltas.any() for p in parts):
        raise AudioFaceError(
            f"no morph target of {path} carries an ARKit shape (looked in extras.targetNames and the "
            "VRM expressions); run 'audioface check-rig' on it"
        )
    return tuple(parts)
