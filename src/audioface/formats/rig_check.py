"""``audioface check-rig``: what the output does on a user's avatar, curve by curve, before they
bake an hour of dialogue onto it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from audioface.errors import AudioFaceError
from audioface.formats import rigs
from audioface.formats.gltf_read import avatar_targets, read_glb, vrm_version


@dataclass(frozen=True)
class RigCheck:
    path: str
    detected: bool  # the preset was chosen from the names, not given
    binding: rigs.Binding
    mouth: dict[str, str]  # open / close / round / tuck -> how, or "" where it cannot

    @property
    def drives_mouth(self) -> bool:
        """The mouth can be driven at all: something opens it."""
        return bool(self.mouth["open"])


def check_rig(path: str | Path, preset: str | None = None, targets: str = "auto") -> RigCheck:
    if not Path(path).is_file():
        raise AudioFaceError(f"avatar not found: {path}")
    doc, _ = read_glb(path)
    names = [t.name for t in avatar_targets(doc)]
    if not names:
        raise AudioFaceError(f"the avatar has no named morph targets or VRM expressions: {path}")
    return check_names(names, str(path), preset, targets, vrm_version(doc))


def check_names(
    names: list[str], label: str, preset: str | None = None, targets: str = "auto", vrm: int | None = None
) -> RigCheck:
    """The same check on shape names read elsewhere (a Blender mesh's shape keys, which the
    Blender add-on hands over as a list), so every tool matches names one way."""
    if not names:
        raise AudioFaceError(f"no shape names to check: {label}")
    rig = rigs.preset(preset) if preset else rigs.detect(names, vrm)
    binding = rigs.bind(rig, names, targets)
    return RigCheck(label, preset is None, binding, rigs.mouth_controls(binding))


def report_text(check: RigCheck) -> str:
    b = check.binding
    how = "detected from the names" if check.detected else "as asked"
    lines = [
        f"{check.path}: {len(b.names)} targets; rig preset {b.rig.name} ({how}): {b.rig.title}",
        f"driving: {b.mode}" + (" (the viseme targets shape the mouth)" if b.mode == "visemes" else ""),
        "",
        "mouth:",
    ]
    for what, via in check.mouth.items():
        lines.append(f"  {what:<6} {via or 'CANNOT: no target does it'}")
    groups: dict[str, list[rigs.CurveFate]] = {}
    for f in b.fates:
        groups.setdefault(f.fate, []).append(f)
    lines += ["", f"ARKit curves mapped ({len(groups.get('mapped', []))} of 52):"]
    lines += [f"  {f.curve} -> {', '.join(f.targets)}" for f in groups.get("mapped", [])]
    if groups.get("approximated"):
        lines += ["", "approximated (the rig lacks the shape):"]
        lines += [f"  {f.curve} -> {', '.join(f.targets)}: {f.how}" for f in groups["approximated"]]
    if groups.get("through visemes"):
        lines += ["", f"through the viseme targets: {', '.join(f.curve for f in groups['through visemes'])}"]
    if groups.get("dropped"):
        lines += ["", "missing, dropped (no target, nothing close):"]
        lines += ["  " + ", ".join(f.curve for f in groups["dropped"])]
    if b.visemes:
        lines += ["", f"visemes driven: {', '.join(v.split(':')[1] for v in b.visemes)}"]
    if b.undriven:
        lines += ["", "avatar targets left at rest (no curve for them):", "  " + ", ".join(b.undriven)]
        visemes = {rigs.key(t.name) for t in b.rig.targets if t.family == "viseme"}
        if b.mode == "arkit" and any(rigs.key(n) in visemes for n in b.undriven):
            lines.append("  (its viseme targets rest while the ARKit-style shapes move the mouth; "
                         "--targets visemes or both drives them)")  # fmt: skip
    lines += [f"note: {n}" for n in b.rig.notes]
    if not check.drives_mouth:
        lines += ["", "error: nothing on this avatar opens the mouth; lip sync cannot drive it"]
    return "\n".join(lines) + "\n"


def report_json(check: RigCheck) -> str:
    b = check.binding
    return json.dumps(
        {
            "path": check.path,
            "preset": b.rig.name,
            "detected": check.detected,
            "mode": b.mode,
            "mouth": check.mouth,
            "drives_mouth": check.drives_mouth,
            "curves": {f.curve: {"fate": f.fate, "targets": list(f.targets), "how": f.how} for f in b.fates},
            "visemes": [v.split(":")[1] for v in b.visemes],
            "undriven": list(b.undriven),
            "notes": list(b.rig.notes),
            "weights": _weights(b),
        },
        indent=2,
    )


def _weights(b: rigs.Binding) -> dict[str, dict[str, float]]:
    """Each driven target's weighted sum of sources (ARKit names, ``viseme:XX``): the binding's
    matrix, so a tool outside Python (the Blender add-on) computes the same weights as the bake
    (then clips them to 0..1)."""
    out: dict[str, dict[str, float]] = {}
    for j, name in enumerate(b.names):
        rows = [(rigs.SOURCES[i], float(b.matrix[i, j])) for i in range(len(rigs.SOURCES)) if b.matrix[i, j]]
        if rows:
            out[name] = dict(rows)
    return out
