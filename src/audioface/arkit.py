"""The ARKit 52 blendshape names, in Apple's documentation order.

Every array of curves in AudioFace has its columns in this order, so the index
of a name is fixed for the whole pipeline.
"""

NAMES: tuple[str, ...] = (
    "eyeBlinkLeft", "eyeLookDownLeft", "eyeLookInLeft", "eyeLookOutLeft", "eyeLookUpLeft",
    "eyeSquintLeft", "eyeWideLeft",
    "eyeBlinkRight", "eyeLookDownRight", "eyeLookInRight", "eyeLookOutRight", "eyeLookUpRight",
    "eyeSquintRight", "eyeWideRight",
    "jawForward", "jawLeft", "jawRight", "jawOpen",
    "mouthClose", "mouthFunnel", "mouthPucker", "mouthLeft", "mouthRight",
    "mouthSmileLeft", "mouthSmileRight", "mouthFrownLeft", "mouthFrownRight",
    "mouthDimpleLeft", "mouthDimpleRight", "mouthStretchLeft", "mouthStretchRight",
    "mouthRollLower", "mouthRollUpper", "mouthShrugLower", "mouthShrugUpper",
    "mouthPressLeft", "mouthPressRight", "mouthLowerDownLeft", "mouthLowerDownRight",
    "mouthUpperUpLeft", "mouthUpperUpRight",
    "browDownLeft", "browDownRight", "browInnerUp", "browOuterUpLeft", "browOuterUpRight",
    "cheekPuff", "cheekSquintLeft", "cheekSquintRight", "noseSneerLeft", "noseSneerRight",
    "tongueOut",
)  # fmt: skip

INDEX: dict[str, int] = {name: i for i, name in enumerate(NAMES)}

MOUTH_GROUP: tuple[str, ...] = tuple(n for n in NAMES if n.startswith(("jaw", "mouth")))

N_SHAPES = 52  # the curves every animation carries, in NAMES' order
assert len(NAMES) == N_SHAPES and len(MOUTH_GROUP) == 27


def pascal(name: str) -> str:
    """ARKit camelCase to the PascalCase used by Live Link Face and Audio2Face."""
    return name[0].upper() + name[1:]
