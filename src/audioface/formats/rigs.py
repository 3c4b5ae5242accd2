"""Rig presets: how AudioFace's 52 ARKit curves and 15 visemes land on the shapes a rig names.

Every rig convention users bring (ARKit camelCase, Live Link PascalCase, MetaHuman through
Live Link, VRM 0.x and 1.0, Ready Player Me, Meta's Movement SDK face expressions) is one
:class:`Rig`: its target names, each a weighted sum of our curves, and the approximations to
use when a rig lacks one of our shapes. :func:`bind` fits a rig to the targets an avatar
really has (or to the whole preset, for a stream) and says what happened to each curve;
:meth:`Binding.weights` turns frames of curves into frames of the rig's targets. The glTF
bake, the rig CSV, VMC and the server all go through here, so a name means the same to each.

A target's sources are ARKit names or ``viseme:XX`` (Oculus viseme XX). Names are matched in
any case, with or without separators or prefixes (``blendShape1.``, ``ARKit_``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from audioface import arkit
from audioface.animation import Animation
from audioface.errors import AudioFaceError
from audioface.formats.visemes import OVR, ovr_weights

SOURCES: tuple[str, ...] = arkit.NAMES + tuple(f"viseme:{v}" for v in OVR)
_SOURCE = {s: i for i, s in enumerate(SOURCES)}
MOUTH = frozenset(arkit.MOUTH_GROUP) | {"tongueOut"}
TARGET_MODES = ("auto", "arkit", "visemes", "both")


@dataclass(frozen=True)
class Target:
    name: str
    sources: tuple[tuple[str, float], ...]
    sync: bool = False  # an ARKit-named clip beside a rig's own presets (VRM "perfect sync")

    @property
    def family(self) -> str:
        """``viseme``; ``mouth`` (only mouth curves feed it); or ``face``."""
        names = [s for s, _ in self.sources]
        if any(s.startswith("viseme:") for s in names):
            return "viseme"
        return "mouth" if all(s in MOUTH for s in names) else "face"


@dataclass(frozen=True)
class Approximation:
    """``curve`` has no target of its own: ``coef`` times it goes into ``into`` instead.

    ``into`` is a target name of the rig, or ``@curve``: whatever targets carry that curve."""

    curve: str
    into: str
    coef: float
    how: str


@dataclass(frozen=True)
class Rig:
    name: str
    title: str
    targets: tuple[Target, ...]
    approximations: tuple[Approximation, ...] = ()
    notes: tuple[str, ...] = ()
    default_mode: str = "arkit"  # what a stream sends when no avatar says more


def key(name: str) -> str:
    """A target name reduced to what all conventions agree on: the part after any ``mesh.``
    path, without an ``ARKit_``, ``blendShape1_`` or ``bs`` prefix (separator or not), in
    lower case without separators."""
    tail = re.split(r"[.:|/]", name)[-1]
    bare = re.sub(r"^(arkit|blendshape\d*|bs)[_\-]?", "", tail, flags=re.IGNORECASE) or tail
    return re.sub(r"[^a-z0-9]", "", bare.lower())


def _one(name: str, source: str, sync: bool = False) -> Target:
    return Target(name, ((source, 1.0),), sync)


# Shared fall-backs for rigs that have ARKit-style shapes but not all 52.
_GENERIC = (
    Approximation("mouthClose", "@jawOpen", -1.0, "the jaw opens less, so the lips still meet"),
    Approximation("mouthFunnel", "@mouthPucker", 1.0, "carried by the pucker"),
    Approximation("mouthPucker", "@mouthFunnel", 1.0, "carried by the funnel"),
)


def _arkit_targets(case, sync: bool = False) -> tuple[Target, ...]:
    return tuple(_one(case(n), n, sync) for n in arkit.NAMES)


ARKIT = Rig("arkit", "ARKit 52, camelCase (Apple, three.js, most glTF avatars)", _arkit_targets(str),
            _GENERIC)  # fmt: skip
LIVELINK = Rig("livelink", "Live Link Face, PascalCase (Unreal, Audio2Face)", _arkit_targets(arkit.pascal),
               _GENERIC)  # fmt: skip
METAHUMAN = Rig(
    "metahuman",
    "MetaHuman, through Live Link Face's 52 PascalCase curves",
    _arkit_targets(arkit.pascal),
    _GENERIC,
    notes=(
        "A MetaHuman reads these curves through its face Blueprint's ARKit mapping pose, not as "
        "morph targets: send them over Live Link (--livelink) or import the Live Link CSV.",
        "The head rotation columns (HeadYaw, HeadPitch, HeadRoll) move the head only when the face "
        "Blueprint's head-rotation option is on; the eye rotation columns are ignored, the eyes "
        "follow the EyeLook curves.",
    ),
)

_RPM_VISEMES = {
    "sil": "sil", "PP": "PP", "FF": "FF", "TH": "TH", "DD": "DD", "kk": "kk", "CH": "CH", "SS": "SS",
    "nn": "nn", "RR": "RR", "aa": "aa", "E": "E", "I": "ih", "O": "oh", "U": "ou",
}  # fmt: skip
READY_PLAYER_ME = Rig(
    "rpm",
    "Ready Player Me: ARKit 52 and the 15 viseme_* targets",
    _arkit_targets(str) + tuple(_one(f"viseme_{k}", f"viseme:{v}") for k, v in _RPM_VISEMES.items()),
    (
        Approximation("jawOpen", "mouthOpen", 1.0, "drives mouthOpen"),
        Approximation("mouthSmileLeft", "mouthSmile", 0.5, "half of mouthSmile"),
        Approximation("mouthSmileRight", "mouthSmile", 0.5, "half of mouthSmile"),
        Approximation("eyeBlinkLeft", "eyesClosed", 0.5, "half of eyesClosed"),
        Approximation("eyeBlinkRight", "eyesClosed", 0.5, "half of eyesClosed"),
        Approximation("eyeLookUpLeft", "eyesLookUp", 0.5, "half of eyesLookUp"),
        Approximation("eyeLookUpRight", "eyesLookUp", 0.5, "half of eyesLookUp"),
        Approximation("eyeLookDownLeft", "eyesLookDown", 0.5, "half of eyesLookDown"),
        Approximation("eyeLookDownRight", "eyesLookDown", 0.5, "half of eyesLookDown"),
        *_GENERIC,
    ),
)

_VRM0_VOWELS = {"A": "aa", "I": "ih", "U": "ou", "E": "E", "O": "oh"}
VRM0 = Rig(
    "vrm0",
    "VRM 0.x: the A I U E O and blink presets, or ARKit-named (perfect sync) clips",
    tuple(_one(k, f"viseme:{v}") for k, v in _VRM0_VOWELS.items()) + _arkit_targets(arkit.pascal, True),
    (
        Approximation("eyeBlinkLeft", "Blink_L", 1.0, "drives Blink_L"),
        Approximation("eyeBlinkRight", "Blink_R", 1.0, "drives Blink_R"),
        Approximation("eyeBlinkLeft", "Blink", 0.5, "half of Blink"),
        Approximation("eyeBlinkRight", "Blink", 0.5, "half of Blink"),
        *_GENERIC,
    ),
    notes=(
        "Perfect-sync avatars name their clips after the 52 ARKit shapes; the others have the "
        "five vowels, which the visemes drive.",
    ),  # fmt: skip
    default_mode="visemes",
)
_VRM1_VOWELS = {"aa": "aa", "ih": "ih", "ou": "ou", "ee": "E", "oh": "oh"}
VRM1 = Rig(
    "vrm1",
    "VRM 1.0: the aa ih ou ee oh and blink expressions, or ARKit-named custom expressions",
    tuple(_one(k, f"viseme:{v}") for k, v in _VRM1_VOWELS.items()) + _arkit_targets(str, True),
    (
        Approximation("eyeBlinkLeft", "blinkLeft", 1.0, "drives blinkLeft"),
        Approximation("eyeBlinkRight", "blinkRight", 1.0, "drives blinkRight"),
        Approximation("eyeBlinkLeft", "blink", 0.5, "half of blink"),
        Approximation("eyeBlinkRight", "blink", 0.5, "half of blink"),
        *_GENERIC,
    ),
    default_mode="visemes",
)

# Meta Movement SDK face expressions (OVRFaceExpressions): FACS action units, L/R and
# T(op)/B(ottom) halves; "left" is the character's left, as in ARKit.
_META = {
    "BrowLowererL": "browDownLeft", "BrowLowererR": "browDownRight",
    "CheekPuffL": "cheekPuff", "CheekPuffR": "cheekPuff",
    "CheekRaiserL": "cheekSquintLeft", "CheekRaiserR": "cheekSquintRight",
    "ChinRaiserB": "mouthShrugLower", "ChinRaiserT": "mouthShrugUpper",
    "DimplerL": "mouthDimpleLeft", "DimplerR": "mouthDimpleRight",
    "EyesClosedL": "eyeBlinkLeft", "EyesClosedR": "eyeBlinkRight",
    "EyesLookDownL": "eyeLookDownLeft", "EyesLookDownR": "eyeLookDownRight",
    "EyesLookLeftL": "eyeLookOutLeft", "EyesLookLeftR": "eyeLookInRight",
    "EyesLookRightL": "eyeLookInLeft", "EyesLookRightR": "eyeLookOutRight",
    "EyesLookUpL": "eyeLookUpLeft", "EyesLookUpR": "eyeLookUpRight",
    "InnerBrowRaiserL": "browInnerUp", "InnerBrowRaiserR": "browInnerUp",
    "JawDrop": "jawOpen", "JawSidewaysLeft": "jawLeft", "JawSidewaysRight": "jawRight",
    "JawThrust": "jawForward",
    "LidTightenerL": "eyeSquintLeft", "LidTightenerR": "eyeSquintRight",
    "LipCornerDepressorL": "mouthFrownLeft", "LipCornerDepressorR": "mouthFrownRight",
    "LipCornerPullerL": "mouthSmileLeft", "LipCornerPullerR": "mouthSmileRight",
    "LipFunnelerLB": "mouthFunnel", "LipFunnelerLT": "mouthFunnel",
    "LipFunnelerRB": "mouthFunnel", "LipFunnelerRT": "mouthFunnel",
    "LipPressorL": "mouthPressLeft", "LipPressorR": "mouthPressRight",
    "LipPuckerL": "mouthPucker", "LipPuckerR": "mouthPucker",
    "LipStretcherL": "mouthStretchLeft", "LipStretcherR": "mouthStretchRight",
    "LipSuckLB": "mouthRollLower", "LipSuckRB": "mouthRollLower",
    "LipSuckLT": "mouthRollUpper", "LipSuckRT": "mouthRollUpper",
    "LipsToward": "mouthClose",
    "LowerLipDepressorL": "mouthLowerDownLeft", "LowerLipDepressorR": "mouthLowerDownRight",
    "MouthLeft": "mouthLeft", "MouthRight": "mouthRight",
    "NoseWrinklerL": "noseSneerLeft", "NoseWrinklerR": "noseSneerRight",
    "OuterBrowRaiserL": "browOuterUpLeft", "OuterBrowRaiserR": "browOuterUpRight",
    "UpperLidRaiserL": "eyeWideLeft", "UpperLidRaiserR": "eyeWideRight",
    "UpperLipRaiserL": "mouthUpperUpLeft", "UpperLipRaiserR": "mouthUpperUpRight",
    "TongueOut": "tongueOut",
}  # fmt: skip
META_UNDRIVEN = ("CheekSuckL", "CheekSuckR", "LipTightenerL", "LipTightenerR", "TongueTipInterdental",
                 "TongueTipAlveolar", "FrontDorsalPalate", "MidDorsalPalate", "BackDorsalVelar",
                 "TongueRetreat")  # fmt: skip
META = Rig(
    "meta",
    "Meta Movement SDK face expressions (FACS-style, OVRFaceExpressions)",
    tuple(_one(k, v) for k, v in _META.items()),
    _GENERIC,
    notes=(f"Not driven, left at rest: {', '.join(META_UNDRIVEN)} (no ARKit curve matches them).",),
)

PRESETS: dict[str, Rig] = {r.name: r for r in (ARKIT, LIVELINK, METAHUMAN, VRM0, VRM1, READY_PLAYER_ME, META)}


def preset(name: str) -> Rig:
    if name not in PRESETS:
        raise AudioFaceError(f"unknown rig preset {name!r}; choose one of {', '.join(PRESETS)}", "rig")
    return PRESETS[name]


def detect(names: list[str], vrm: int | None = None) -> Rig:
    """The preset whose names cover most of ``names`` (the smaller preset on a tie). A VRM file
    (``vrm`` its major version) follows its version's preset; other files never a VRM one, whose
    one-letter vowels would match stray names."""
    if vrm is not None:
        return VRM1 if vrm >= 1 else VRM0
    keys, exact = {key(n) for n in names}, set(names)

    def cover(rig: Rig) -> tuple[int, int, int]:
        own = {t.name for t in rig.targets} | {a.into for a in rig.approximations}
        return len(keys & {key(n) for n in own}), len(exact & own), -len(rig.targets)

    return max((r for r in PRESETS.values() if r not in (VRM0, VRM1)), key=cover)


@dataclass(frozen=True)
class CurveFate:
    """What the output does with one of our curves on this rig."""

    curve: str
    fate: str  # "mapped", "approximated", "through visemes", "dropped"
    targets: tuple[str, ...] = ()
    how: str = ""


@dataclass(frozen=True)
class Binding:
    """A rig fitted to a set of target names: one weighted sum of our curves per name."""

    rig: Rig
    mode: str  # "arkit", "visemes" or "both"
    names: tuple[str, ...]
    matrix: np.ndarray  # (len(SOURCES), len(names))
    fates: tuple[CurveFate, ...]
    visemes: tuple[str, ...]  # viseme sources that reach a target
    undriven: tuple[str, ...]  # names nothing drives: left at rest

    @property
    def needs_visemes(self) -> bool:
        return bool(self.visemes)

    def weights(self, curves: np.ndarray, visemes: np.ndarray | None = None) -> np.ndarray:
        """(frames, len(names)) target weights, 0..1, from (frames, 52) curves and, where the rig
        takes visemes, (frames, 15) Oculus viseme weights."""
        curves = np.atleast_2d(np.asarray(curves, dtype=np.float64))
        if visemes is None:
            if self.needs_visemes:
                raise AudioFaceError(
                    f"the {self.rig.name} rig's viseme targets need the phone track's visemes"
                )
            visemes = np.zeros((len(curves), len(OVR)))
        stacked = np.concatenate([curves, np.atleast_2d(visemes)], axis=1)
        return np.clip(stacked @ self.matrix, 0.0, 1.0)

    def fate(self, curve: str) -> CurveFate:
        return next(f for f in self.fates if f.curve == curve)


def bind(rig: Rig, names: list[str] | None = None, mode: str = "auto") -> Binding:
    """Fit ``rig`` to an avatar's target ``names`` (None: every target of the preset)."""
    if mode not in TARGET_MODES:
        raise AudioFaceError(
            f"unknown targets mode {mode!r}; choose one of {', '.join(TARGET_MODES)}", "targets"
        )
    own = {key(t.name): t for t in rig.targets}
    if names is None:
        extra = dict.fromkeys(a.into for a in rig.approximations if not a.into.startswith("@"))
        names = [t.name for t in rig.targets] + list(extra)
        avatar = False
    else:
        avatar = True
    present = [own.get(key(n)) for n in names]
    if mode == "auto":
        has_mouth = any(t is not None and t.family == "mouth" for t in present)
        has_visemes = any(t is not None and t.family == "viseme" for t in present)
        mode = ("visemes" if has_visemes and not has_mouth else "arkit") if avatar else rig.default_mode
    families = {
        "arkit": ("mouth", "face"),
        "visemes": ("viseme", "face"),
        "both": ("mouth", "face", "viseme"),
    }[mode]
    matrix = np.zeros((len(SOURCES), len(names)))
    carriers: dict[str, list[str]] = {}  # curve -> names that carry it directly
    for j, t in enumerate(present):
        if t is None or t.family not in families or (t.sync and mode == "visemes"):
            continue
        for source, coef in t.sources:
            matrix[_SOURCE[source], j] += coef
            carriers.setdefault(source, []).append(names[j])
    index = {key(n): j for j, n in enumerate(names)}
    fates = []
    for curve in arkit.NAMES:
        if curve in carriers:
            fates.append(CurveFate(curve, "mapped", tuple(carriers[curve])))
            continue
        if mode == "visemes" and curve in MOUTH:
            fates.append(CurveFate(curve, "through visemes", how="the viseme targets shape the mouth"))
            continue
        fate = CurveFate(curve, "dropped")
        for a in (a for a in rig.approximations if a.curve == curve):
            if a.into.startswith("@"):
                into = carriers.get(a.into[1:], [])
            else:
                into = [names[index[key(a.into)]]] if key(a.into) in index else []
            if not into:
                continue
            for n in into:
                matrix[_SOURCE[curve], index[key(n)]] += a.coef
            carriers[curve] = list(into)
            fate = CurveFate(curve, "approximated", tuple(into), a.how)
            break
        fates.append(fate)
    driven = np.abs(matrix).sum(axis=0) > 0
    visemes = tuple(s for s in SOURCES if s.startswith("viseme:") and np.abs(matrix[_SOURCE[s]]).sum() > 0)
    if not avatar:  # a stream sends only what something drives
        keep = np.flatnonzero(driven)
        names, matrix, driven = [names[j] for j in keep], matrix[:, keep], driven[keep]
    undriven = tuple(n for n, d in zip(names, driven, strict=True) if not d)
    return Binding(rig, mode, tuple(names), matrix, tuple(fates), visemes, undriven)


def mouth_controls(binding: Binding) -> dict[str, str]:
    """How each thing the mouth must do reaches the rig (empty string: it cannot)."""

    def via(curves: tuple[str, ...], visemes: tuple[str, ...]) -> str:
        for c in curves:
            f = binding.fate(c)
            if f.fate in ("mapped", "approximated"):
                return f"{c} -> {', '.join(f.targets)}" + (f" ({f.how})" if f.how else "")
        hits = [v for v in visemes if f"viseme:{v}" in binding.visemes]
        return f"visemes {', '.join(hits)}" if hits else ""

    close = via(("mouthClose", "mouthPressLeft"), ("PP",))
    if not close and binding.mode == "visemes" and binding.visemes:
        close = "at rest: the lips meet when every viseme target is at 0"
    return {
        "open": via(("jawOpen",), ("aa", "oh", "E")),
        "close": close,
        "round": via(("mouthFunnel", "mouthPucker"), ("ou", "oh")),
        "tuck": via(("mouthRollLower",), ("FF",)),
    }


def animation_weights(anim: Animation, binding: Binding) -> np.ndarray:
    """(frames, len(binding.names)) weights of a whole animation on the bound rig."""
    return binding.weights(anim.weights, ovr_weights(anim) if binding.needs_visemes else None)


def to_rig_csv(anim: Animation, rig: str = "arkit", targets: str = "auto") -> str:
    """``time`` then one column per target of the preset, named as the rig names them."""
    binding = bind(preset(rig), None, targets)
    weights = animation_weights(anim, binding)
    lines = [",".join(["time", *binding.names])]
    lines += [
        f"{t:.4f}," + ",".join(f"{v:.4f}" for v in row) for t, row in zip(anim.times(), weights, strict=True)
    ]
    return "\n".join(lines) + "\n"
