#!/usr/bin/env python3
"""Write tests/files/rigs/*.glb: one tiny avatar per rig convention, for the rig tests.

Packed here by hand, with each convention's names typed from its own documentation (not
taken from audioface), so the tests check the code against the conventions, not against
itself. Each file is a 3 x 3 grid whose morph targets each move the bottom row by a
different amount. VRM files carry their expressions in the VRM extension (0.x:
``VRM.blendShapeMaster``, weights 0-100; 1.0: ``VRMC_vrm.expressions``, weights 0-1) bound to
morph targets named as VRoid names them, which match no convention on their own.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent.parent / "tests" / "files" / "rigs"

ARKIT = """eyeBlinkLeft eyeLookDownLeft eyeLookInLeft eyeLookOutLeft eyeLookUpLeft eyeSquintLeft eyeWideLeft
eyeBlinkRight eyeLookDownRight eyeLookInRight eyeLookOutRight eyeLookUpRight eyeSquintRight eyeWideRight
jawForward jawLeft jawRight jawOpen mouthClose mouthFunnel mouthPucker mouthLeft mouthRight
mouthSmileLeft mouthSmileRight mouthFrownLeft mouthFrownRight mouthDimpleLeft mouthDimpleRight
mouthStretchLeft mouthStretchRight mouthRollLower mouthRollUpper mouthShrugLower mouthShrugUpper
mouthPressLeft mouthPressRight mouthLowerDownLeft mouthLowerDownRight mouthUpperUpLeft mouthUpperUpRight
browDownLeft browDownRight browInnerUp browOuterUpLeft browOuterUpRight cheekPuff cheekSquintLeft
cheekSquintRight noseSneerLeft noseSneerRight tongueOut""".split()
RPM_VISEMES = "sil PP FF TH DD kk CH SS nn RR aa E I O U".split()
RPM_EXTRA = ["mouthOpen", "mouthSmile", "eyesClosed", "eyesLookUp", "eyesLookDown"]
# Meta Movement SDK, OVRFaceExpressions.FaceExpression (v2 adds the tongue)
META = """BrowLowererL BrowLowererR CheekPuffL CheekPuffR CheekRaiserL CheekRaiserR CheekSuckL CheekSuckR
ChinRaiserB ChinRaiserT DimplerL DimplerR EyesClosedL EyesClosedR EyesLookDownL EyesLookDownR
EyesLookLeftL EyesLookLeftR EyesLookRightL EyesLookRightR EyesLookUpL EyesLookUpR InnerBrowRaiserL
InnerBrowRaiserR JawDrop JawSidewaysLeft JawSidewaysRight JawThrust LidTightenerL LidTightenerR
LipCornerDepressorL LipCornerDepressorR LipCornerPullerL LipCornerPullerR LipFunnelerLB LipFunnelerLT
LipFunnelerRB LipFunnelerRT LipPressorL LipPressorR LipPuckerL LipPuckerR LipStretcherL LipStretcherR
LipSuckLB LipSuckLT LipSuckRB LipSuckRT LipTightenerL LipTightenerR LipsToward LowerLipDepressorL
LowerLipDepressorR MouthLeft MouthRight NoseWrinklerL NoseWrinklerR OuterBrowRaiserL OuterBrowRaiserR
UpperLidRaiserL UpperLidRaiserR UpperLipRaiserL UpperLipRaiserR TongueTipInterdental TongueTipAlveolar
FrontDorsalPalate MidDorsalPalate BackDorsalVelar TongueOut TongueRetreat""".split()
VROID = ["Fcl_MTH_A", "Fcl_MTH_I", "Fcl_MTH_U", "Fcl_MTH_E", "Fcl_MTH_O", "Fcl_EYE_Close",
         "Fcl_EYE_Close_L", "Fcl_EYE_Close_R", "Fcl_ALL_Joy"]  # fmt: skip


class Packer:
    """One glb's JSON and binary chunk, built up mesh by mesh."""

    def __init__(self) -> None:
        self.blob = bytearray()
        self.doc: dict = {"asset": {"version": "2.0", "generator": "audioface tools/make_rig_glbs.py"},
                          "scene": 0, "scenes": [{"nodes": []}], "nodes": [], "meshes": [],
                          "bufferViews": [], "accessors": []}  # fmt: skip

    def _add(self, array: np.ndarray, kind: str, component: int, target: int, bounds: bool) -> int:
        while len(self.blob) % 4:
            self.blob.append(0)
        self.doc["bufferViews"].append(
            {"buffer": 0, "byteOffset": len(self.blob), "byteLength": array.nbytes, "target": target}
        )
        self.blob.extend(array.tobytes())
        acc = {"bufferView": len(self.doc["bufferViews"]) - 1, "componentType": component,
               "count": len(array), "type": kind}  # fmt: skip
        if bounds:
            acc["min"], acc["max"] = array.min(axis=0).tolist(), array.max(axis=0).tolist()
        self.doc["accessors"].append(acc)
        return len(self.doc["accessors"]) - 1

    def mesh(self, name: str, targets: list[str]) -> int:
        xs, ys = np.meshgrid(np.linspace(-0.05, 0.05, 3), np.linspace(-0.05, 0.05, 3))
        pos = np.stack([xs.ravel(), ys.ravel(), np.zeros(9)], axis=1).astype("<f4")
        tris = [a + d for r in range(2) for c in range(2) for a in [r * 3 + c] for d in (0, 1, 4, 0, 4, 3)]
        p = self._add(pos, "VEC3", 5126, 34962, True)
        i = self._add(np.asarray(tris, dtype="<u2"), "SCALAR", 5123, 34963, False)
        morphs = []
        for k in range(len(targets)):
            d = np.zeros_like(pos)
            d[:3, 1] = -0.001 * (k + 1)
            morphs.append({"POSITION": self._add(d.astype("<f4"), "VEC3", 5126, 34962, True)})
        primitive = {"attributes": {"POSITION": p}, "indices": i, "targets": morphs}
        self.doc["meshes"].append({"name": name, "primitives": [primitive], "weights": [0.0] * len(targets),
                                   "extras": {"targetNames": targets}})  # fmt: skip
        self.doc["nodes"].append({"mesh": len(self.doc["meshes"]) - 1, "name": name})
        node = len(self.doc["nodes"]) - 1
        self.doc["scenes"][0]["nodes"].append(node)
        return node

    def write(self, name: str) -> None:
        while len(self.blob) % 4:
            self.blob.append(0)
        self.doc["buffers"] = [{"byteLength": len(self.blob)}]
        text = json.dumps(self.doc).encode()
        text += b" " * (-len(text) % 4)
        body = (struct.pack("<II", len(text), 0x4E4F534A) + text
                + struct.pack("<II", len(self.blob), 0x004E4942) + bytes(self.blob))  # fmt: skip
        OUT.mkdir(parents=True, exist_ok=True)
        path = OUT / name
        path.write_bytes(struct.pack("<III", 0x46546C67, 2, 12 + len(body)) + body)
        print(f"wrote {path} ({path.stat().st_size} bytes)")


def single(file: str, names: list[str]) -> None:
    p = Packer()
    p.mesh("Face", names)
    p.write(file)


def rpm() -> None:
    """Ready Player Me: the head carries everything, the teeth the mouth shapes again."""
    p = Packer()
    p.mesh("Wolf3D_Head", ARKIT + [f"viseme_{v}" for v in RPM_VISEMES] + RPM_EXTRA)
    p.mesh("Wolf3D_Teeth", ["jawOpen", "mouthOpen", "tongueOut"] + [f"viseme_{v}" for v in RPM_VISEMES])
    p.write("rpm.glb")


def vrm0(file: str, perfect_sync: bool) -> None:
    p = Packer()
    raw = VROID + ([f"ps_{n}" for n in ARKIT] if perfect_sync else [])
    p.mesh("Face", raw)
    groups = [
        {"name": n, "presetName": n.lower(), "binds": [{"mesh": 0, "index": raw.index(t), "weight": 100}]}
        for n, t in (("A", "Fcl_MTH_A"), ("I", "Fcl_MTH_I"), ("U", "Fcl_MTH_U"), ("E", "Fcl_MTH_E"),
                     ("O", "Fcl_MTH_O"), ("Blink", "Fcl_EYE_Close"), ("Blink_L", "Fcl_EYE_Close_L"),
                     ("Blink_R", "Fcl_EYE_Close_R"), ("Joy", "Fcl_ALL_Joy"))
    ]  # fmt: skip
    groups[0]["binds"][0]["weight"] = 80  # A opens to 80% of its target
    if perfect_sync:  # clips named after ARKit in PascalCase, each on its own raw target
        groups += [{"name": n[0].upper() + n[1:], "presetName": "unknown",
                    "binds": [{"mesh": 0, "index": raw.index(f"ps_{n}"), "weight": 100}]}
                   for n in ARKIT]  # fmt: skip
    p.doc["extensionsUsed"] = ["VRM"]
    p.doc["extensions"] = {"VRM": {"specVersion": "0.0", "blendShapeMaster": {"blendShapeGroups": groups}}}
    p.write(file)


def vrm1() -> None:
    p = Packer()
    node = p.mesh("Face", VROID)

    def bind(target: str, weight: float = 1.0) -> dict:
        return {"morphTargetBinds": [{"node": node, "index": VROID.index(target), "weight": weight}]}

    preset = {"aa": bind("Fcl_MTH_A", 0.8), "ih": bind("Fcl_MTH_I"), "ou": bind("Fcl_MTH_U"),
              "ee": bind("Fcl_MTH_E"), "oh": bind("Fcl_MTH_O"), "blink": bind("Fcl_EYE_Close"),
              "blinkLeft": bind("Fcl_EYE_Close_L"), "blinkRight": bind("Fcl_EYE_Close_R"),
              "happy": bind("Fcl_ALL_Joy")}  # fmt: skip
    p.doc["extensionsUsed"] = ["VRMC_vrm"]
    p.doc["extensions"] = {"VRMC_vrm": {"specVersion": "1.0", "expressions": {"preset": preset}}}
    p.write("vrm1.glb")


def main() -> None:
    single("arkit.glb", ARKIT)
    single("livelink.glb", [n[0].upper() + n[1:] for n in ARKIT])
    single("meta.glb", META)
    rpm()
    single("rpm-visemes.glb", [f"viseme_{v}" for v in RPM_VISEMES] + ["eyesClosed"])
    vrm0("vrm0.glb", perfect_sync=False)
    vrm0("vrm0-perfect-sync.glb", perfect_sync=True)
    vrm1()
    # an ARKit rig missing the closure, the pucker and the lip roll: approximations and gaps
    single("partial.glb", ["jawOpen", "mouthFunnel", "mouthSmileLeft", "mouthSmileRight",
                           "eyeBlinkLeft", "eyeBlinkRight"])  # fmt: skip
    # a face whose mouth nothing moves
    single("no-mouth.glb", ["browInnerUp", "eyeBlinkLeft", "eyeBlinkRight", "Fcl_HA_Fung1"])


if __name__ == "__main__":
    main()
