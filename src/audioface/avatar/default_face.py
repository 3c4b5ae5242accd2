"""AudioFace's default face, built in code: a front-of-head mesh with all 52 ARKit shapes.

The skin is a grid on an ellipsoid (u across, v up, both -1..1), narrowed towards the
chin, with relief for nose, brows, cheeks, full upper and lower lips and chin. The
mouth is a seam: two grid rows meet at rest and the triangles between them are left
out, so opening the jaw opens a real hole onto the mouth: upper teeth fixed to the
skull, lower teeth and tongue riding on the jaw, a dark cavity behind. The lips part
in a lens, not a slot: their motion tapers towards the corners. Every shape is a
displacement field over (u, v), so parts resting on the skin (brows, eyelids) move
with it. Units are metres, y up, the face looks along +z; the character's left is +x.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from audioface import arkit

R = np.array([0.075, 0.105, 0.09])  # ellipsoid radii


def _axis(fine_from: float, fine_to: float, fine: float, coarse: float) -> np.ndarray:
    """Grid coordinates over -1..1: ``fine`` spacing between ``fine_from`` and ``fine_to`` (where
    the lips and the eyes need it), ``coarse`` elsewhere, so smooth skin costs few triangles."""
    low = np.linspace(-1, fine_from, max(2, int(round((fine_from + 1) / coarse)) + 1))
    mid = np.linspace(fine_from, fine_to, max(2, int(round((fine_to - fine_from) / fine)) + 1))
    high = np.linspace(fine_to, 1, max(2, int(round((1 - fine_to) / coarse)) + 1))
    return np.concatenate([low[:-1], mid, high[1:]])


US = _axis(-0.34, 0.34, 0.02, 0.045)
VS = _axis(-0.66, 0.26, 0.022, 0.04)  # the chin up through the mouth to the eyes
NU, NV = len(US), len(VS)
MOUTH_V, MOUTH_W = -0.42, 0.2  # mouth line and half width, in grid units
EYE_U, EYE_V, EYE_R = 0.33, 0.14, 0.012
BROW_V = 0.33
JAW_PIVOT, JAW_ANGLE = np.array([0.0, -0.02, -0.03]), 0.26  # where the jaw hinges, how far it opens


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
    """Rest position of grid coordinates: ellipsoid, narrowed to a jaw, plus facial relief."""
    az, el = u * 1.75, v * 1.2
    p = np.stack([R[0] * np.cos(el) * np.sin(az), R[1] * np.sin(el), R[2] * np.cos(el) * np.cos(az)], axis=-1)
    p[..., 0] *= 1.0 - 0.2 * np.clip(-v - 0.1, 0, 1) ** 1.5  # cheeks to chin: a jaw line, not an egg
    relief = (
        0.016 * _bump(u, v, 0, -0.1, 0.11, 0.2)  # nose
        + 0.006 * _bump(u, v, 0, -0.22, 0.09, 0.07)  # nose tip
        + 0.006 * _bump(u, v, 0, BROW_V, 0.45, 0.07)  # brow ridge
        - 0.007 * (_bump(u, v, EYE_U, EYE_V, 0.12, 0.1) + _bump(u, v, -EYE_U, EYE_V, 0.12, 0.1))  # sockets
        + 0.006 * (_bump(u, v, 0.42, -0.2, 0.15, 0.15) + _bump(u, v, -0.42, -0.2, 0.15, 0.15))  # cheeks
        + 0.004 * _bump(u, v, 0, MOUTH_V, MOUTH_W + 0.06, 0.14)  # the muzzle the lips sit on
        + _lip_volume(u, v)
        - 0.0015 * _bump(u, v, 0, MOUTH_V + 0.16, 0.025, 0.07)  # philtrum
        - 0.002 * _bump(u, v, 0, MOUTH_V - 0.15, 0.12, 0.035)  # the fold under the lower lip
        + 0.006 * _bump(u, v, 0, -0.75, 0.15, 0.1)  # chin
    )
    p[..., 2] += relief
    return p


def _lip_heights(u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """How far the upper and the lower lip reach from the seam at each point of the width, in
    grid units: a cupid's bow on top, a crescent below, both closing to the corners."""
    across = np.clip(1 - (u / (MOUTH_W + 0.03)) ** 2, 0, 1)
    bow = 1 - 0.12 * np.exp(-((u / 0.03) ** 2)) + 0.06 * np.exp(-(((np.abs(u) - 0.05) / 0.03) ** 2))
    return 0.085 * across**0.55 * bow, 0.1 * across**0.5


def _lip_volume(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """The lips' own fullness: each lip a rounded roll along its height, fullest a little way
    from the seam, the lower lip fuller, both thinning to nothing at the corners."""
    up_h, low_h = _lip_heights(u)
    dv = v - MOUTH_V
    upper = np.where(dv >= -0.01, np.clip(1 - ((dv - 0.45 * up_h) / (0.7 * up_h + 1e-6)) ** 2, 0, 1), 0)
    lower = np.where(dv <= 0.01, np.clip(1 - ((dv + 0.45 * low_h) / (0.7 * low_h + 1e-6)) ** 2, 0, 1), 0)
    return 0.0035 * upper + 0.0045 * lower


def lip_colour_weight(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """How much of the lips' red a point of the skin takes: 1 on the lips, 0 on the skin."""
    up_h, low_h = _lip_heights(u)
    dv = v - MOUTH_V
    return np.clip(np.where(dv >= 0, 0.85 * up_h - 0.012 - dv, 0.85 * low_h - 0.012 + dv) / 0.012, 0, 1)


def _lip(upper: bool, cols: int = 61, rows: int = 7) -> FacePart:
    """One lip's red as its own ribbon lying on the skin, from the seam to the lip's outline:
    the skin grid can only colour in steps, a ribbon's outline is its edge. It moves with the
    same displacement fields as the skin beneath it."""
    us = np.linspace(-(MOUTH_W + 0.03), MOUTH_W + 0.03, cols)
    up_h, low_h = _lip_heights(us)
    reach = up_h if upper else -low_h
    frac = np.linspace(0, 1, rows)[:, None]
    u = np.repeat(us[None], rows, axis=0).ravel()
    v = (MOUTH_V + frac * reach[None]).ravel()
    rest = _surface(u, v)
    d = _displacements(u, v, rest, np.full(len(u), not upper))
    # a touch darker towards the seam, where the lips turn into the mouth
    inner = np.repeat(frac, cols, axis=1).ravel() < 0.1
    tone = np.array([0.76, 0.38, 0.4]) * np.where(inner, 0.8, 1.0)[:, None]
    tris = [
        (j * cols + i, j * cols + i + 1, (j + 1) * cols + i + 1)
        for j in range(rows - 1)
        for i in range(cols - 1)
    ]
    tris += [
        (j * cols + i, (j + 1) * cols + i + 1, (j + 1) * cols + i)
        for j in range(rows - 1)
        for i in range(cols - 1)
    ]
    return FacePart("lipUpper" if upper else "lipLower", (0.76, 0.38, 0.4), rest, np.asarray(tris), d, tone)


def _lens(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """1 away from the mouth; along the lip edges, how far a lip moves at this point of its
    width (1 at the centre, 0 at the corners), so an opening mouth is a lens, not a slot."""
    taper = np.sqrt(np.clip(1 - (u / (MOUTH_W + 0.015)) ** 2, 0, 1))
    near = np.exp(-(((v - MOUTH_V) / 0.07) ** 2))
    return 1 - near * (1 - taper)


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
    lens = _lens(u, v)
    corner = {s: _bump(u, v, s * MOUTH_W, MOUTH_V, 0.07, 0.07) for s in (1, -1)}
    brow = {s: _bump(u, v, s * 0.3, BROW_V + 0.02, 0.22, 0.1) for s in (1, -1)}
    cheek = {s: _bump(u, v, s * 0.45, -0.22, 0.16, 0.16) for s in (1, -1)}
    under_eye = {s: _bump(u, v, s * EYE_U, EYE_V - 0.1, 0.12, 0.06) for s in (1, -1)}
    nose_side = {s: _bump(u, v, s * 0.07, -0.12, 0.05, 0.1) for s in (1, -1)}
    x, y, z = (np.eye(3)[k] for k in range(3))

    def add(name: str, weight: np.ndarray, vector) -> None:
        d[arkit.INDEX[name]] += weight[:, None] * np.asarray(vector)

    # jaw: rotation about a pivot behind and above the mouth
    theta = JAW_ANGLE * jaw_mask
    rel = p - JAW_PIVOT
    # about the x axis, chin going down and back
    rotated = np.stack(
        [rel[:, 0], rel[:, 1] * np.cos(theta) - rel[:, 2] * np.sin(theta),
         rel[:, 1] * np.sin(theta) + rel[:, 2] * np.cos(theta)], axis=1,
    )  # fmt: skip
    d[arkit.INDEX["jawOpen"]] = (rotated - rel) * lens[:, None]
    # mouthClose brings the lower lip back up to the upper one whatever the jaw does
    seal = lower * np.clip(1.6 * _bump(u, v, 0, MOUTH_V, MOUTH_W + 0.06, 0.12), 0, 1)
    d[arkit.INDEX["mouthClose"]] = -d[arkit.INDEX["jawOpen"]] * seal[:, None]
    add("jawForward", jaw_mask, 0.008 * z)
    add("jawLeft", jaw_mask, 0.008 * x)
    add("jawRight", jaw_mask, -0.008 * x)
    # rounding: the lips push forward and gather towards the centre; the funnel also parts
    # them in a small round opening, the pucker pouts their edges
    gather = _bump(u, v, 0, MOUTH_V, MOUTH_W + 0.12, 0.16)
    seam = np.exp(-(((v - MOUTH_V) / 0.05) ** 2)) * np.clip((MOUTH_W + 0.08 - np.abs(u)) / 0.08, 0, 1)
    d[arkit.INDEX["mouthFunnel"], :, 0] += -0.4 * p[:, 0] * seam  # the opening's corners close in
    d[arkit.INDEX["mouthPucker"], :, 0] += -0.3 * p[:, 0] * seam
    add("mouthFunnel", lips, 0.009 * z)
    add("mouthFunnel", edge * (1 - lower) * lens, 0.009 * y)
    add("mouthFunnel", edge * lower * lens, -0.007 * y)
    d[arkit.INDEX["mouthFunnel"], :, 0] += -0.45 * p[:, 0] * gather
    add("mouthPucker", lips, 0.012 * z)
    add("mouthPucker", edge, 0.004 * z)
    d[arkit.INDEX["mouthPucker"], :, 0] += -0.5 * p[:, 0] * gather
    add("mouthLeft", lips, 0.008 * x)
    add("mouthRight", lips, -0.008 * x)
    for s, side in ((1, "Left"), (-1, "Right")):
        add(f"mouthSmile{side}", corner[s], (0.004 * s, 0.008, -0.002))
        add(f"mouthFrown{side}", corner[s], (0.001 * s, -0.007, 0))
        add(f"mouthDimple{side}", corner[s], (0.003 * s, 0, -0.004))
        add(f"mouthStretch{side}", corner[s], (0.008 * s, -0.003, -0.002))
        add(f"mouthPress{side}", lips * _side(u, s), (0, 0, -0.0035))
        add(f"mouthLowerDown{side}", lower_lips * lens * _side(u, s), (0, -0.008, 0.001))
        add(f"mouthUpperUp{side}", upper_lips * lens * _side(u, s), (0, 0.007, 0.001))
        add(f"brow Down{side}".replace(" ", ""), brow[s], (0, -0.005, 0))
        add(f"browOuterUp{side}", _bump(u, v, s * 0.45, BROW_V, 0.15, 0.12), (0, 0.007, 0))
        add(f"cheekSquint{side}", cheek[s] + under_eye[s], (0, 0.005, 0.001))
        add(f"noseSneer{side}", nose_side[s], (0, 0.004, 0.001))
        add(f"eyeSquint{side}", under_eye[s], (0, 0.003, 0))
        add(f"eyeWide{side}", _bump(u, v, s * EYE_U, EYE_V + 0.1, 0.12, 0.05), (0, 0.003, 0))
    # F/V: the lower lip rolls in and up, under the upper teeth
    add("mouthRollLower", edge * lower * lens, (0, 0.003, -0.007))
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
    us, vs = US, VS
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
            if j == j_m and abs(us[i] + us[i + 1]) / 2 < MOUTH_W:
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


def _grid_coords(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The grid coordinates (u, v) of the skin point in front of (x, y): the relief only moves
    points along z, so the ellipsoid's own mapping inverts exactly."""
    el = np.arcsin(np.clip(y / R[1], -1, 1))
    v = el / 1.2
    narrowing = 1.0 - 0.2 * np.clip(-v - 0.1, 0, 1) ** 1.5
    az = np.arcsin(np.clip(x / (R[0] * np.cos(el) * narrowing), -1, 1))
    return az / 1.75, v


def _cap(centre: np.ndarray, rx: float, ry: float, rings: int = 4, n: int = 24):
    """An elliptical patch in x, y (z to be set): vertices, triangles, and how much each vertex
    is the lower rim (the lid's margin: 1 at the bottom, 0 on the upper half)."""
    ang = np.linspace(0, 2 * np.pi, n, endpoint=False)
    radii = np.linspace(0, 1, rings + 1)[1:]
    ring = np.stack(
        [np.outer(radii, rx * np.cos(ang)).ravel(), np.outer(radii, ry * np.sin(ang)).ravel()], axis=1
    )
    xy = np.vstack([centre, centre + ring])
    verts = np.column_stack([xy, np.zeros(len(xy))])
    tris = [(0, 1 + k, 1 + (k + 1) % n) for k in range(n)]
    for r in range(rings - 1):
        a, b = 1 + r * n, 1 + (r + 1) * n
        for k in range(n):
            k2 = (k + 1) % n
            tris += [(a + k, b + k, b + k2), (a + k, b + k2, a + k2)]
    outer = np.concatenate([[0.0], np.repeat(radii, n)]) >= 1.0
    lower = np.concatenate([[0.0], np.tile(np.clip(-np.sin(ang), 0, 1), rings)])
    return verts, np.asarray(tris), outer * lower


def _patch(half_w: float, v_lo: float, v_hi: float, inset: float, n: int | tuple[int, int] = 9,
           straight: bool = False):  # fmt: skip
    """A grid patch (``n`` columns and rows) of the bare surface around the mouth, without the
    lips' volume, moved ``inset`` metres inwards (towards the centre, or ``straight`` back)."""
    cols, rows = (n, n) if isinstance(n, int) else n
    uu, vv = np.meshgrid(np.linspace(-half_w, half_w, cols), np.linspace(v_lo, v_hi, rows))
    u, v = uu.ravel(), vv.ravel()
    p = _surface(u, v)
    p[:, 2] -= _lip_volume(u, v)
    if straight:
        verts = p - np.array([0.0, 0.0, inset])
    else:
        verts = p - inset * p / np.linalg.norm(p, axis=1, keepdims=True)
    tris = []
    for j in range(rows - 1):
        for i in range(cols - 1):
            a, b, c, e = j * cols + i, j * cols + i + 1, (j + 1) * cols + i, (j + 1) * cols + i + 1
            tris += [(a, b, e), (a, e, c)]
    return verts, np.asarray(tris), u, v


def _jaw_motion(p: np.ndarray) -> np.ndarray:
    """Displacement of points riding rigidly on the jaw (teeth, tongue) at jawOpen = 1."""
    rel = p - JAW_PIVOT
    c, s = np.cos(JAW_ANGLE), np.sin(JAW_ANGLE)
    rotated = np.stack([rel[:, 0], rel[:, 1] * c - rel[:, 2] * s, rel[:, 1] * s + rel[:, 2] * c], axis=1)
    return rotated - rel


@lru_cache(maxsize=1)
def default_face() -> tuple[FacePart, ...]:
    u, v, lower_lip, tris = _grid()
    skin = _surface(u, v)
    skin_colour = np.array([0.87, 0.69, 0.6])
    lip = lip_colour_weight(u, v)[:, None]
    skin_rgb = skin_colour * (1 - lip) + np.array([0.74, 0.36, 0.38]) * lip
    displacements = _displacements(u, v, skin, lower_lip)
    parts = [
        FacePart("skin", tuple(skin_colour), skin, tris, displacements, skin_rgb),
        _lip(True),
        _lip(False),
    ]

    # the mouth cavity and the tongue: patches of the surface pushed inwards, so they
    # are always behind the skin and show only through the opened lips
    cavity, cav_t, cu, cv = _patch(MOUTH_W + 0.12, MOUTH_V - 0.34, MOUTH_V + 0.06, inset=0.016)
    d = np.zeros((52, len(cavity), 3))
    parts.append(FacePart("mouth", (0.25, 0.05, 0.07), cavity, cav_t, d))
    tongue, tongue_t, tu, tv = _patch(MOUTH_W * 0.5, MOUTH_V - 0.16, MOUTH_V - 0.07, inset=0.013)
    d = np.zeros((52, len(tongue), 3))
    d[arkit.INDEX["jawOpen"]] = _jaw_motion(tongue)
    d[arkit.INDEX["tongueOut"]] = (0, 0.016, 0.032)  # up to the teeth and out between them
    parts.append(FacePart("tongue", (0.8, 0.35, 0.38), tongue, tongue_t, d))
    # teeth: the upper row is fixed to the skull, just behind the upper lip and reaching below
    # the seam, so a lower lip tucked under it (F, V) meets it; the lower row rides on the jaw
    for name, v_lo, v_hi in (("teethUpper", MOUTH_V - 0.04, MOUTH_V + 0.09),
                             ("teethLower", MOUTH_V - 0.11, MOUTH_V - 0.02)):  # fmt: skip
        teeth, teeth_t, eu, ev = _patch(MOUTH_W * 0.85, v_lo, v_hi, inset=0.008, n=(35, 6), straight=True)
        d = np.zeros((52, len(teeth), 3))
        if name == "teethLower":
            d[arkit.INDEX["jawOpen"]] = _jaw_motion(teeth)
        gaps = 1 - 0.22 * np.exp(-(((np.abs(np.mod(eu, 0.05) - 0.025) - 0.025) / 0.005) ** 2))
        depth = np.clip(1 - (eu / (MOUTH_W * 0.85)) ** 2, 0, 1) ** 0.5
        enamel = np.array([0.95, 0.93, 0.86]) * (gaps * (0.55 + 0.45 * depth))[:, None]
        parts.append(FacePart(name, (0.95, 0.93, 0.86), teeth, teeth_t, d, enamel))

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
        # upper lid: a cap of skin over the top of the eye, shaped like the skin under it (so it
        # shades as skin does), with a darker rim at its edge; a blink slides it down
        lid, lid_t, rim = _cap(centre[:2] + np.array([0, EYE_R * 0.95]), EYE_R * 1.1, EYE_R * 0.45)
        lid[:, 2] = _surface(*_grid_coords(lid[:, 0], lid[:, 1]))[:, 2] + 0.0015
        lid_colour = skin_colour * (1 - 0.35 * rim[:, None])
        d = np.zeros((52, len(lid), 3))
        d[arkit.INDEX[f"eyeBlink{side}"]] = (0, -EYE_R * 1.45, 0)
        d[arkit.INDEX[f"eyeSquint{side}"]] = (0, -EYE_R * 0.25, 0)
        d[arkit.INDEX[f"eyeWide{side}"]] = (0, EYE_R * 0.3, 0)
        parts.append(FacePart(f"lid{side}", tuple(skin_colour), lid, lid_t, d, lid_colour))
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
    us = US
    j_m = int(np.searchsorted(VS, MOUTH_V)) - 1
    cols = np.flatnonzero(np.abs(us) < MOUTH_W)
    return j_m * NU + cols, (j_m + 1) * NU + cols


def mouth_outline() -> np.ndarray:
    """Rest positions of the mouth's left and right corners and of a point below the lower lip:
    the region a viewer watches, for framing and for measuring rendered mouths."""
    return _surface(np.array([-MOUTH_W, MOUTH_W, 0.0]), np.array([MOUTH_V, MOUTH_V, MOUTH_V - 0.2]))


def pose(part: FacePart, weights: np.ndarray) -> np.ndarray:
    """Vertex positions of ``part`` for one frame of 52 weights."""
    return part.vertices + np.tensordot(weights, part.deltas, axes=1)


def rest_normals(part: FacePart) -> np.ndarray:
    """Per-vertex normals of a part at rest, turned towards the viewer (+z), for files that
    carry normals so other viewers shade the face smoothly."""
    v, t = part.vertices, part.triangles
    face = np.cross(v[t[:, 1]] - v[t[:, 0]], v[t[:, 2]] - v[t[:, 0]])
    face *= np.where(face[:, 2] < 0, -1.0, 1.0)[:, None]
    normals = np.stack([np.bincount(t.ravel(), np.repeat(face[:, k], 3), len(v)) for k in range(3)], axis=1)
    length = np.linalg.norm(normals, axis=1, keepdims=True)
    return np.where(length > 1e-12, normals / np.maximum(length, 1e-12), np.array([0.0, 0.0, 1.0]))


def moved_vertices(delta: np.ndarray) -> np.ndarray:
    """The vertices a shape's (V, 3) displacements move at all (by more than 0.1 micrometre):
    the rest are stored and posed as zero, in files and in the renderer alike."""
    return np.flatnonzero(np.abs(delta).max(axis=1) > 1e-7)
