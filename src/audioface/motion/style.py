"""Style: how much each part of the face moves, how the jaw and lips share the work, how smooth
the mouth is, how long it holds a shape, and (for the rules) how much phones blend.

Every setting runs after a generator has made its curves, and the rules' guarantees are applied
again afterwards, so under any style P/B/M still seal, F/V still tuck and a long pause rests.
``jaw`` and ``lips`` are the two numbers of a JALI-like articulation style: below 1 mumbled,
above 1 over-enunciated, each on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from audioface import arkit
from audioface.errors import AudioFaceError

REGIONS: dict[str, tuple[str, ...]] = {
    "smile": tuple(n for n in arkit.NAMES if n.startswith(("mouthSmile", "mouthFrown", "mouthDimple"))),
    "cheeks": tuple(n for n in arkit.NAMES if n.startswith(("cheek", "noseSneer"))),
    "brows": tuple(n for n in arkit.NAMES if n.startswith("brow")),
    "eyes": tuple(n for n in arkit.NAMES if n.startswith("eye")),
}
GAINS = (*REGIONS, "head")  # what ``--gain REGION=X`` may scale
JAW_CHANNELS = ("jawOpen", "mouthClose")  # scaled together, so sealed lips stay sealed
LIP_CHANNELS = tuple(
    n for n in arkit.MOUTH_GROUP if n.startswith("mouth") and n != "mouthClose" and n not in REGIONS["smile"]
)
LIMITS = {
    "jaw": (0.0, 2.0), "lips": (0.0, 2.0), "smile": (0.0, 2.0), "cheeks": (0.0, 2.0),
    "brows": (0.0, 2.0), "eyes": (0.0, 2.0), "head": (0.0, 2.0),
    "smoothing": (0.0, 0.1), "min_hold": (0.0, 0.2), "coarticulation": (0.0, 1.5),
}  # fmt: skip


@dataclass(frozen=True)
class Style:
    jaw: float = 1.0  # jaw motion (JA)
    lips: float = 1.0  # lip motion (LI): funnel, pucker, stretch, rolls, raisers
    smile: float = 1.0  # smile, frown and dimples (emotion included)
    cheeks: float = 1.0  # cheeks and nose
    brows: float = 1.0
    eyes: float = 1.0  # blinks, gaze and squints, and the eye rotations
    head: float = 1.0  # head rotations
    smoothing: float = 0.0  # s: Gaussian smoothing of the mouth curves (sigma)
    min_hold: float = 0.0  # s: mouth shapes shorter than this are held out (no flicker)
    coarticulation: float = 1.0  # the rules: how far low-dominance phones borrow their neighbours'

    def __post_init__(self) -> None:
        for f in fields(self):
            lo, hi = LIMITS[f.name]
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not lo <= value <= hi:
                raise AudioFaceError(f"style {f.name} must be a number from {lo:g} to {hi:g}, got {value!r}",
                                     f.name)  # fmt: skip

    @property
    def is_default(self) -> bool:
        return self == Style()


def apply_style(weights: np.ndarray, rotations: np.ndarray, fps: float, style: Style) -> None:
    """Scale, smooth and hold the curves in place (the caller applies the guarantees after)."""
    from audioface.filters import gaussian_filter1d, maximum_filter1d, minimum_filter1d

    if style.is_default or not len(weights):
        return
    col = arkit.INDEX
    mouth = [col[n] for n in (*JAW_CHANNELS, *LIP_CHANNELS, *REGIONS["smile"])]
    if style.min_hold > 0:
        size = max(1, int(round(style.min_hold * fps)))
        size += 1 - size % 2
        for c in mouth:  # an opening then a closing: peaks and dips narrower than the hold go
            x = weights[:, c].astype(np.float64)
            x = maximum_filter1d(minimum_filter1d(x, size, "nearest"), size, "nearest")
            weights[:, c] = minimum_filter1d(maximum_filter1d(x, size, "nearest"), size, "nearest")
    if style.smoothing > 0:
        for c in mouth:
            weights[:, c] = gaussian_filter1d(weights[:, c], style.smoothing * fps, mode="nearest")
    for names, gain in ((JAW_CHANNELS, style.jaw), (LIP_CHANNELS, style.lips),
                        *((REGIONS[r], getattr(style, r)) for r in REGIONS)):  # fmt: skip
        if gain != 1.0:
            idx = [col[n] for n in names]
            weights[:, idx] = np.clip(weights[:, idx] * gain, 0.0, 1.0)
    rotations[:, :3] *= style.head
    rotations[:, 3:] *= style.eyes
