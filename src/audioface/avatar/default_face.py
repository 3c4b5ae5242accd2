"""AudioFace's default face, built in code: a front-of-head mesh with all 52 ARKit shapes.

The skin is a grid on an ellipsoid (u across, v up, both -1..1) with relief for
nose, brows, cheeks, lips and chin. The mouth is a seam: two grid rows meet at
rest and the triangles between them are left out, so opening the jaw opens a
real hole onto the dark mouth cavity. Every shape is a displacement field over
(u, v), so parts resting on the skin (brows, eyelids) move with it. Units are
metres, y up, the face looks along +z; the character's left is +x.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from audioface import arkit

R = np.array([0.075, 0.105, 0.09])  # ellipsoid radii
NU, NV = 47, 51
MOUTH_V, MOUTH_W = -0.42, 0.2  # mouth line and half width, in grid units
EYE_U, EYE_V, EYE_R = 0.33, 0.14, 0.012
BROW_V = 0.33


@dataclass(frozen=True)
class FacePart:
    name: str
    colour: tuple[float, float, float]
    vertices: np.ndarray  # (V, 3)
    triangles: np.ndarray  # (T, 3) int
    deltas: np.ndarray  # (52, V, 3), Apple's order
    vertex_colours: np.ndarray | None = None  # (V, 3) where the colour varies over the part


def _bump(u, v, u0, v0, su, sv):
    return np.exp(-(((u - u0) / su) ** 2) - ((v - v0) / sv) ** 2)


def _surface(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Rest position of grid coordinates: ellipsoid plus facial relief."""
    az, el = u * 1.75, v * 1.2
    p = np.stack([R[0] * np.cos(el) * np.sin(az), R[1] * np.sin(el), R[2] * np.cos(el) * np.cos(az)], axis=-1)
    relief = (
        0.016 * _bump(u, v, 0, -0.1, 0.11, 0.2)  # nose
        + 0.006 * _bump(u, v, 0, -0.22, 0.09, 0.07)  # nose tip
        + 0.006 * _bump(u, v, 0, BROW_V, 0.45, 0.07)  # brow ridge
        - 0.007 * (_bump(u, v, EYE_U, EYE_V, 0.12, 0.1) + _bump(u, v, -EYE_U, EYE_V, 0.12, 0.1))  # sockets
        + 0.006 * (_bump(u, v, 0.42, -0.2, 0.15, 0.15) + _bump(u, v, -0.42, -0.2, 0.15, 0.15))  # cheeks
        + 0.006 * _bump(u, v, 0, MOUTH_V, MOUTH_W, 0.12)  # lips
        + 0.006 * _bump(u, v, 0, -0.75, 0.15, 0.1)  # chin
    )
    p[..., 2] += relief
    return p


def _side(u: np.ndarray, sign: float) -> np.ndarray:
    """Smooth weight of the character's left (sign=+1, +x) or right half."""
    return 1.0 / (1.0 + np.exp(-sign * u / 0.04))


def _displacements(u: np.ndarray, v: np.ndarray, p: np.ndarray, lower_lip: np.ndarray) -> np.ndarray:
    """(52, V, 3) displacement of skin points at grid (u, v), rest position p.

    ``lower_lip`` marks points that belong below the mouth seam (they follow the jaw).
    """
    d = np.zeros((52, len(u), 3))
    lower = lower_lip.astype(float)  # the seam splits the face: below it, everything follows the jaw
    jaw_mask = lower * np.clip(1.3 - np.abs(u) * 1.4, 0, 1)
    lips = _bump(u, v, 0, MOUTH_V, MOUTH_W + 0.04, 0.13)
    lower_lips, upper_lips = lips * lower, lips * (1 - lower)
    edge = _bump(u, v, 0, MOUTH_V, MOUTH_W, 0.05)  # the lip edges themselves
    corner = {s: _bump(u, v, s * MOUTH_W, MOUTH_V, 0.07, 0.07) for s in (1, -1)}
    brow = {s: _bump(u, v, s * 0.3, BROW_V + 0.02, 0.22, 0.1) for s in (1, -1)}
    cheek = {s: _bump(u, v, s * 0.45, -0.22, 0.16, 0.16) for s in (1, -1)}
    under_eye = {s: _bump(u, v, s * EYE_U, EYE_V - 0.1, 0.12, 0.06) for s in (1, -1)}
    nose_side = {s: _bump(u, v, s * 0.07, -0.12, 0.05, 0.1) for s in (1, -1)}
    x, y, z = (np.eye(3)[k] for k in range(3))

    def add(name: str, weight: np.ndarray, vector) -> None:
        d[arkit.INDEX[name]] += weight[:, None] * np.asarray(vector)

    # jaw: rotation about a pivot behind and above the mouth
    pivot = np.array([0.0, -0.02, -0.03])
    theta = 0.26 * jaw_mask
    rel = p - pivot
    # about the x axis, chin going down and back
    rotated = np.stack(
        [rel[:, 0], rel[:, 1] * np.cos(theta) - rel[:, 2] * np.sin(theta),
         rel[:, 1] * np.sin(theta) + rel[:, 2] * np.cos(theta)], axis=1,
    )  # fmt: skip
    d[arkit.INDEX["jawOpen"]] = rotated - rel
    # mouthClose brings the lower lip back up to the upper one whatever the jaw does
    seal = lower * np.clip(1.6 * _bump(u, v, 0, MOUTH_V, MOUTH_W + 0.06, 0.12), 0, 1)
    d[arkit.INDEX["mouthClose"]] = -d[arkit.INDEX["jawOpen"]] * seal[:, None]
    add("jawForward", jaw_mask, 0.008 * z)
    add("jawLeft", jaw_mask, 0.008 * x)
    add("jawRight", jaw_mask, -0.008 * x)
    add("mouthFunnel", lips, 0.008 * z)
    add("mouthFunnel", edge * (1 - lower), 0.004 * y)
    add("mouthFunnel", edge * lower, -0.005 * y)
    d[arkit.INDEX["mouthFunnel"], :, 0] += -0.25 * p[:, 0] * lips
    add("mouthPucker", lips, 0.012 * z)
    d[arkit.INDEX["mouthPucker"], :, 0] += -0.4 * p[:, 0] * lips
    add("mouthLeft", lips, 0.008 * x)
    add("mouthRight", lips, -0.008 * x)
    for s, side in ((1, "Left"), (-1, "Right")):
        add(f"mouthSmile{side}", corner[s], (0.004 * s, 0.008, -0.002))
        add(f"mouthFrown{side}", corner[s], (0.001 * s, -0.007, 0))
        add(f"mouthDimple{side}", corner[s], (0.003 * s, 0, -0.004))
        add(f"mouthStretch{side}", corner[s], (0.008 * s, -0.003, -0.002))
        add(f"mouthPress{side}", lips * _side(u, s), (0, 0, -0.0035))
        add(f"mouthLowerDown{side}", lower_lips * _side(u, s), (0, -0.008, 0.001))
        add(f"mouthUpperUp{side}", upper_lips * _side(u, s), (0, 0.007, 0.001))
        add(f"brow Down{side}".replace(" ", ""), brow[s], (0, -0.005, 0))
        add(f"browOuterUp{side}", _bump(u, v, s * 0.45, BROW_V, 0.15, 0.12), (0, 0.007, 0))
        add(f"cheekSquint{side}", cheek[s] + under_eye[s], (0, 0.005, 0.001))
        add(f"noseSneer{side}", nose_side[s], (0, 0.004, 0.001))
        add(f"eyeSquint{side}", under_eye[s], (0, 0.003, 0))
        add(f"eyeWide{side}", _bump(u, v, s * EYE_U, EYE_V + 0.1, 0.12, 0.05), (0, 0.003, 0))
    add("mouthRollLower", edge * lower, (0, 0.003, -0.006))
    add("mouthRollUpper", edge * (1 - lower), (0, -0.003, -0.005))
    add("mouthShrugLower", lower_lips + 0.6 * _bump(u, v, 0, -0.7, 0.2, 0.15), (0, 0.005, 0.001))
    add("mouthShrugUpper", upper_lips, (0, 0.004, 0.001))
    add(
        "browInnerUp",
        _bump(u, v, 0.12, BROW_V, 0.1, 0.1) + _bump(u, v, -0.12, BROW_V, 0.1, 0.1),
        (0, 0.008, 0),
    )
    normal = p / np.linalg.norm(p, axis=1, keepdims=True)
    d[arkit.INDEX["cheekPuff"]] += (cheek[1] + cheek[-1])[:, None] * 0.01 * normal
    return d


def _grid() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    us = np.linspace(-1, 1, NU)
    vs = np.linspace(-1, 1, NV)
    j_m = int(np.searchsorted(vs, MOUTH_V)) - 1  # rows j_m (lower lip edge) and j_m + 1 (upper)
    uu, vv = np.meshgrid(us, vs)  # (NV, NU)
    inside = np.clip((MOUTH_W + 0.05 - np.abs(us)) / 0.05, 0, 1)  # 1 across the mouth, tapering at corners
    for j in (j_m, j_m + 1):
        vv[j] = vv[j] * (1 - inside) + MOUTH_V * inside
    lower_lip = np.zeros_like(uu, dtype=bool)
    lower_lip[: j_m + 1] = True
    tris = []
    for j in range(NV - 1):
        for i in range(NU - 1):
            if j == j_m and abs(us[i] + us[i + 1]) / 2 < MOUTH_W + 0.03:
                continue  # the mouth opening
            a, b, c, e = j * NU + i, j * NU + i + 1, (j + 1) * NU + i, (j + 1) * NU + i + 1
            tris += [(a, b, e), (a, e, c)]
    return uu.ravel(), vv.ravel(), lower_lip.ravel(), np.asarray(tris)


def _disc(
    centre: np.ndarray, radius: float, n: int = 24, squash: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    ang = np.linspace(0, 2 * np.pi, n, endpoint=False)
    ring = centre + np.stack([radius * np.cos(ang), squash * radius * np.sin(ang), np.zeros(n)], axis=1)
    verts = np.vstack([centre, ring])
    tris = np.array([(0, 1 + k, 1 + (k + 1) % n) for k in range(n)])
    return verts, tris


def _patch(half_w: float, v_lo: float, v_hi: float, inset: float, n: int = 9):
    """A grid patch of the surface around the mouth, moved ``inset`` metres inwards."""
    uu, vv = np.meshgrid(np.linspace(-half_w, half_w, n), np.linspace(v_lo, v_hi, n))
    u, v = uu.ravel(), vv.ravel()
    p = _surface(u, v)
    verts = p - inset * p / np.linalg.norm(p, axis=1, keepdims=True)
    tris = []
    for j in range(n - 1):
        for i in range(n - 1):
            a, b, c, e = j * n + i, j * n + i + 1, (j + 1) * n + i, (j + 1) * n + i + 1
            tris += [(a, b, e), (a, e, c)]
    return verts, np.asarray(tris), u, v


@lru_cache(maxsize=1)
def default_face() -> tuple[FacePart, ...]:
    u, v, lower_lip, tris = _grid()
    skin = _surface(u, v)
    skin_colour = np.array([0.87, 0.69, 0.6])
    lip = np.clip(1.4 * _bump(u, v, 0, MOUTH_V, MOUTH_W + 0.02, 0.06), 0, 1)[:, None]
    colours = skin_colour * (1 - lip) + np.array([0.72, 0.36, 0.36]) * lip
    displacements = _displacements(u, v, skin, lower_lip)
    parts = [FacePart("skin", tuple(skin_colour), skin, tris, displacements, colours)]

    # the mouth cavity and the tongue: patches of the surface pushed inwards, so they
    # are always behind the skin and show only through the opened lips
    cavity, cav_t, cu, cv = _patch(MOUTH_W + 0.12, MOUTH_V - 0.34, MOUTH_V + 0.06, inset=0.016)
    d = np.zeros((52, len(cavity), 3))
    parts.append(FacePart("mouth", (0.25, 0.05, 0.07), cavity, cav_t, d))
    tongue, tongue_t, tu, tv = _patch(MOUTH_W * 0.5, MOUTH_V - 0.16, MOUTH_V - 0.07, inset=0.013)
    d = np.zeros((52, len(tongue), 3))
    d[arkit.INDEX["jawOpen"]] = _displacements(tu, tv, tongue, np.ones(len(tu), dtype=bool))[
        arkit.INDEX["jawOpen"]
    ]
    d[arkit.INDEX["tongueOut"]] = (0, 0.014, 0.028)
    parts.append(FacePart("tongue", (0.8, 0.35, 0.38), tongue, tongue_t, d))

    for s, side in ((1, "Left"), (-1, "Right")):
        centre = _surface(np.array([s * EYE_U]), np.array([EYE_V]))[0] + np.array([0, 0, 0.004])
        white, white_t = _disc(centre, EYE_R, squash=0.7)
        parts.append(
            FacePart(f"eye{side}", (0.95, 0.95, 0.93), white, white_t, np.zeros((52, len(white), 3)))
        )
        iris, iris_t = _disc(centre + np.array([0, 0, 0.0005]), EYE_R * 0.45)
        d = np.zeros((52, len(iris), 3))
        d[arkit.INDEX[f"eyeLookOut{side}"]] = (0.006 * s, 0, 0)
        d[arkit.INDEX[f"eyeLookIn{side}"]] = (-0.006 * s, 0, 0)
        d[arkit.INDEX[f"eyeLookUp{side}"]] = (0, 0.004, 0)
        d[arkit.INDEX[f"eyeLookDown{side}"]] = (0, -0.004, 0)
        parts.append(FacePart(f"iris{side}", (0.25, 0.17, 0.1), iris, iris_t, d))
        # upper lid: a skin-coloured cap above the eye that slides down over it
        lid, lid_t = _disc(centre + np.array([0, EYE_R * 0.95, 0.001]), EYE_R * 1.05, squash=0.35)
        d = np.zeros((52, len(lid), 3))
        d[arkit.INDEX[f"eyeBlink{side}"]] = (0, -EYE_R * 1.45, 0)
        d[arkit.INDEX[f"eyeSquint{side}"]] = (0, -EYE_R * 0.25, 0)
        d[arkit.INDEX[f"eyeWide{side}"]] = (0, EYE_R * 0.3, 0)
        parts.append(FacePart(f"lid{side}", (0.84, 0.65, 0.57), lid, lid_t, d))
        # brow: a dark strip resting on the skin, moving with it
        bu = s * np.linspace(0.14, 0.5, 8)
        bv = BROW_V + 0.05 - 0.12 * (np.abs(bu) - 0.3) ** 2
        top, bottom = _surface(bu, bv + 0.03), _surface(bu, bv)
        verts = np.vstack([bottom, top]) + np.array([0, 0, 0.0015])
        ids = [(k, k + 1, 8 + k + 1) for k in range(7)] + [(k, 8 + k + 1, 8 + k) for k in range(7)]
        uu, vv = np.concatenate([bu, bu]), np.concatenate([bv, bv + 0.03])
        d = _displacements(uu, vv, verts, np.zeros(16, dtype=bool))
        parts.append(FacePart(f"brow{side}", (0.3, 0.2, 0.14), verts, np.asarray(ids), d))
    return tuple(parts)


def lip_seam() -> tuple[np.ndarray, np.ndarray]:
    """Skin vertex indices of the lower and the upper lip edge across the mouth opening,
    pairwise above each other: the lips' gap is the distance between the two."""
    us = np.linspace(-1, 1, NU)
    j_m = int(np.searchsorted(np.linspace(-1, 1, NV), MOUTH_V)) - 1
    cols = np.flatnonzero(np.abs(us) < MOUTH_W)
    return j_m * NU + cols, (j_m + 1) * NU + cols


def mouth_outline() -> np.ndarray:
    """Rest positions of the mouth's left and right corners and of a point below the lower lip:
    the region a viewer watches, for framing and for measuring rendered mouths."""
    return _surface(np.array([-MOUTH_W, MOUTH_W, 0.0]), np.array([MOUTH_V, MOUTH_V, MOUTH_V - 0.2]))


def pose(part: FacePart, weights: np.ndarray) -> np.ndarray:
    """Vertex positions of ``part`` for one frame of 52 weights."""
    return part.vertices + np.tensordot(weights, part.deltas, axes=1)
