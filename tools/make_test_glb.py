#!/usr/bin/env python3
"""Write tests/files/avatar.glb: a tiny avatar with named morph targets, for the glTF tests.

It is packed here by hand (not with audioface's exporter), so the tests read a
file the code under test did not make. Targets use the naming conventions the
exporter must understand: ARKit camelCase, PascalCase, a Blender-style prefix,
a Ready Player Me viseme, and one unrelated shape.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np

TARGETS = ["jawOpen", "MouthClose", "blendShape1.mouthFunnel", "viseme_aa", "browSmirk"]


def main() -> None:
    # a 3 x 3 grid of vertices, 8 triangles, facing +z
    xs, ys = np.meshgrid(np.linspace(-0.05, 0.05, 3), np.linspace(-0.05, 0.05, 3))
    pos = np.stack([xs.ravel(), ys.ravel(), np.zeros(9)], axis=1).astype("<f4")
    tris = []
    for r in range(2):
        for c in range(2):
            a = r * 3 + c
            tris += [a, a + 1, a + 4, a, a + 4, a + 3]
    idx = np.asarray(tris, dtype="<u2")
    deltas = []
    for k in range(len(TARGETS)):
        d = np.zeros_like(pos)
        d[:3, 1] = -0.01 * (k + 1)  # each target moves the bottom row down by a different amount
        deltas.append(d.astype("<f4"))
    blob = bytearray()
    views, accessors = [], []

    def add(array: np.ndarray, kind: str, component: int, target: int | None, with_bounds: bool) -> int:
        while len(blob) % 4:
            blob.append(0)
        view = {"buffer": 0, "byteOffset": len(blob), "byteLength": array.nbytes}
        if target is not None:
            view["target"] = target
        views.append(view)
        blob.extend(array.tobytes())
        acc = {"bufferView": len(views) - 1, "componentType": component, "count": len(array), "type": kind}
        if with_bounds:
            acc["min"] = array.min(axis=0).tolist()
            acc["max"] = array.max(axis=0).tolist()
        accessors.append(acc)
        return len(accessors) - 1

    p = add(pos, "VEC3", 5126, 34962, True)
    i = add(idx, "SCALAR", 5123, 34963, False)
    targets = [{"POSITION": add(d, "VEC3", 5126, 34962, True)} for d in deltas]
    while len(blob) % 4:
        blob.append(0)
    doc = {
        "asset": {"version": "2.0", "generator": "audioface tools/make_test_glb.py"},
        "scene": 0,
        "scenes": [{"nodes": [0]}],
        "nodes": [{"mesh": 0, "name": "Head"}],
        "meshes": [{"name": "Head", "primitives": [{"attributes": {"POSITION": p}, "indices": i,
                                                     "targets": targets}],
                    "weights": [0.0] * len(TARGETS), "extras": {"targetNames": TARGETS}}],
        "buffers": [{"byteLength": len(blob)}],
        "bufferViews": views,
        "accessors": accessors,
    }  # fmt: skip
    text = json.dumps(doc).encode()
    text += b" " * (-len(text) % 4)
    body = struct.pack("<II", len(text), 0x4E4F534A) + text + struct.pack("<II", len(blob), 0x004E4942) + blob
    out = Path(__file__).resolve().parent.parent / "tests" / "files" / "avatar.glb"
    out.write_bytes(struct.pack("<III", 0x46546C67, 2, 12 + len(body)) + body)
    print(f"wrote {out} ({out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
