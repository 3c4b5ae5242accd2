"""The articulatory table: every ARPAbet phone and silence as mouth targets.

Targets are in a small set of articulatory parameters rather than ARKit names,
so each row reads like a phonetics note; :func:`to_arkit` turns a parameter
array into ARKit channels. ``seal`` is the lip seal: ARKit's ``mouthClose``
closes the lips independently of the jaw, so sealed lips are
``mouthClose = jawOpen * seal``.

Dominance (0..1, for the lips and for the jaw) says how much a phone insists on
its own shape. Phones with low lip dominance (T, D, K, ...) take their lip
shape from their neighbours: that is coarticulation ("t" in "two" is rounded).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from audioface import arkit

PARAMS = (
    "jaw", "seal", "lowerDown", "upperUp", "funnel", "pucker", "stretch", "smile",
    "rollLower", "rollUpper", "press", "shrugUpper", "shrugLower", "tongueOut",
)  # fmt: skip
P = {name: i for i, name in enumerate(PARAMS)}
LIP_PARAMS = tuple(P[n] for n in PARAMS if n not in ("jaw", "tongueOut"))
JAW_PARAMS = (P["jaw"],)
TONGUE_PARAMS = (P["tongueOut"],)

# phone: (targets, lip dominance, jaw dominance)
_TABLE: dict[str, tuple[dict[str, float], float, float]] = {
    # silence: relaxed, lips lightly together, jaw almost closed
    "sil": ({"jaw": 0.02}, 0.5, 0.5),
    # open vowels
    "AA": ({"jaw": 0.55, "lowerDown": 0.25, "upperUp": 0.10}, 0.8, 1.0),
    "AE": ({"jaw": 0.45, "lowerDown": 0.30, "upperUp": 0.15, "stretch": 0.25}, 0.8, 1.0),
    "AH": ({"jaw": 0.42, "lowerDown": 0.20, "upperUp": 0.05}, 0.8, 1.0),
    "AO": ({"jaw": 0.45, "lowerDown": 0.15, "funnel": 0.35, "pucker": 0.05}, 1.0, 1.0),
    "EH": ({"jaw": 0.36, "lowerDown": 0.20, "upperUp": 0.05, "stretch": 0.20}, 0.8, 1.0),
    # closer and rounded vowels
    "ER": ({"jaw": 0.22, "funnel": 0.25, "pucker": 0.10, "shrugUpper": 0.10}, 0.9, 0.9),
    "IH": ({"jaw": 0.24, "lowerDown": 0.12, "stretch": 0.30}, 0.7, 0.9),
    "IY": ({"jaw": 0.16, "lowerDown": 0.10, "stretch": 0.45, "smile": 0.15}, 0.9, 0.9),
    "UH": ({"jaw": 0.24, "funnel": 0.30, "pucker": 0.20}, 0.9, 0.9),
    "UW": ({"jaw": 0.16, "funnel": 0.30, "pucker": 0.60}, 1.0, 0.9),
    # bilabials: full seal, lips pressed (P hardest: air pressure builds behind it)
    "P": ({"jaw": 0.08, "seal": 1.0, "press": 0.50, "rollLower": 0.15, "rollUpper": 0.10}, 1.0, 0.7),
    "B": ({"jaw": 0.08, "seal": 1.0, "press": 0.35, "rollLower": 0.10, "rollUpper": 0.08}, 1.0, 0.7),
    "M": ({"jaw": 0.08, "seal": 1.0, "press": 0.30, "rollLower": 0.08, "rollUpper": 0.05}, 1.0, 0.7),
    # labiodentals: lower lip tucked under the upper teeth
    "F": ({"jaw": 0.10, "rollLower": 0.70, "upperUp": 0.15, "shrugLower": 0.10}, 1.0, 0.7),
    "V": ({"jaw": 0.10, "rollLower": 0.65, "upperUp": 0.12, "shrugLower": 0.10}, 1.0, 0.7),
    # dentals: the tongue tip shows between the teeth
    "TH": ({"jaw": 0.16, "lowerDown": 0.10, "tongueOut": 0.50}, 0.6, 0.7),
    "DH": ({"jaw": 0.14, "lowerDown": 0.08, "tongueOut": 0.35}, 0.5, 0.6),
    # alveolars, velars, glottal: tongue does the work, lips follow neighbours
    "T": ({"jaw": 0.12, "lowerDown": 0.06}, 0.3, 0.8),
    "D": ({"jaw": 0.12, "lowerDown": 0.06}, 0.3, 0.8),
    "N": ({"jaw": 0.12, "lowerDown": 0.05}, 0.3, 0.8),
    "L": ({"jaw": 0.20, "lowerDown": 0.10}, 0.3, 0.7),
    "S": ({"jaw": 0.05, "lowerDown": 0.10, "stretch": 0.30}, 0.5, 1.0),
    "Z": ({"jaw": 0.05, "lowerDown": 0.08, "stretch": 0.25}, 0.5, 1.0),
    "K": ({"jaw": 0.18, "lowerDown": 0.05}, 0.3, 0.7),
    "G": ({"jaw": 0.18, "lowerDown": 0.05}, 0.3, 0.7),
    "NG": ({"jaw": 0.18, "lowerDown": 0.04}, 0.3, 0.7),
    "HH": ({"jaw": 0.30, "lowerDown": 0.10}, 0.2, 0.4),
    "Y": ({"jaw": 0.12, "stretch": 0.30, "smile": 0.05}, 0.6, 0.7),
    # post-alveolars: lips protrude and flare
    "SH": ({"jaw": 0.08, "funnel": 0.40, "pucker": 0.15, "shrugUpper": 0.20, "lowerDown": 0.10}, 1.0, 0.9),
    "ZH": ({"jaw": 0.08, "funnel": 0.35, "pucker": 0.15, "shrugUpper": 0.15, "lowerDown": 0.10}, 1.0, 0.9),
    "CH": ({"jaw": 0.08, "funnel": 0.40, "pucker": 0.15, "shrugUpper": 0.20, "lowerDown": 0.08}, 1.0, 0.9),
    "JH": ({"jaw": 0.08, "funnel": 0.35, "pucker": 0.15, "shrugUpper": 0.15, "lowerDown": 0.08}, 1.0, 0.9),
    # approximants with lip rounding
    "R": ({"jaw": 0.14, "funnel": 0.20, "pucker": 0.30}, 0.8, 0.5),
    "W": ({"jaw": 0.08, "funnel": 0.20, "pucker": 0.75}, 1.0, 0.6),
}  # fmt: skip

# Diphthongs glide between two shapes: (first, second, share of time in first).
DIPHTHONGS: dict[str, tuple[str, str, float]] = {
    "AW": ("AA", "UH", 0.55), "AY": ("AA", "IY", 0.55), "EY": ("EH", "IY", 0.55),
    "OW": ("AO", "UW", 0.5), "OY": ("AO", "IY", 0.55),
}  # fmt: skip

BILABIALS = frozenset("P B M".split())
LABIODENTALS = frozenset("F V".split())
ROUNDED = frozenset("UW W OW UH AO".split())
UNSTRESSED_JAW = 0.7  # reduced vowels open less


@dataclass(frozen=True)
class PhoneTable:
    """Rows of phone -> (targets by parameter name, lip dominance, jaw dominance): the shipped
    table, or a user's (``motion/phone_table.py`` reads and writes them as TOML). One object
    goes to both generators: the rules' keys and guarantees, and the learned model's cues.

    ``segments`` holds a user's overrides of single IPA segments (normalised symbol -> the keys
    it sets, lip dominance or None, jaw dominance or None), laid over the shape
    ``motion/articulation.py`` derives for that segment; the shipped table has none."""

    rows: dict[str, tuple[dict[str, float], float, float]]
    segments: dict[str, tuple[dict[str, float], float | None, float | None]] = field(default_factory=dict)

    def target(self, phone: str) -> np.ndarray:
        row = np.zeros(len(PARAMS), dtype=np.float64)
        for name, value in self.rows[phone if phone in self.rows else "AH"][0].items():
            row[P[name]] = value
        return row

    def dominance(self, phone: str) -> tuple[float, float]:
        """(lip dominance, jaw dominance)."""
        _, lips, jaw = self.rows[phone if phone in self.rows else "AH"]
        return lips, jaw


SHIPPED = PhoneTable(_TABLE)


def target(phone: str, table: PhoneTable | None = None) -> np.ndarray:
    return (table or SHIPPED).target(phone)


def dominance(phone: str, table: PhoneTable | None = None) -> tuple[float, float]:
    """(lip dominance, jaw dominance)."""
    return (table or SHIPPED).dominance(phone)


def to_arkit(params: np.ndarray) -> np.ndarray:
    """(frames, PARAMS) -> (frames, 52) ARKit weights in [0, 1]."""
    out = np.zeros((params.shape[0], len(arkit.NAMES)), dtype=np.float32)
    c = {n: np.clip(params[:, P[n]], 0.0, 1.0) for n in PARAMS}

    def put(name: str, value: np.ndarray) -> None:
        out[:, arkit.INDEX[name]] = np.clip(value, 0.0, 1.0)

    put("jawOpen", c["jaw"])
    put("mouthClose", c["jaw"] * c["seal"])
    put("mouthFunnel", c["funnel"])
    put("mouthPucker", c["pucker"])
    put("mouthRollLower", c["rollLower"])
    put("mouthRollUpper", c["rollUpper"])
    put("mouthShrugUpper", c["shrugUpper"])
    put("mouthShrugLower", c["shrugLower"])
    put("tongueOut", c["tongueOut"])
    for side in ("Left", "Right"):
        put(f"mouthLowerDown{side}", c["lowerDown"] * (1 - c["seal"]))
        put(f"mouthUpperUp{side}", c["upperUp"] * (1 - c["seal"]))
        put(f"mouthStretch{side}", c["stretch"])
        put(f"mouthSmile{side}", c["smile"])
        put(f"mouthPress{side}", c["press"])
    return out


def table_rows() -> list[tuple[str, dict[str, float], float, float]]:
    """The table as rows, for documentation and tests."""
    return [(ph, dict(t), lips, jaw) for ph, (t, lips, jaw) in _TABLE.items()]
