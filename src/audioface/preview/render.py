"""A small software renderer: the face at one frame of weights, as an RGB image.

Orthographic front view, smooth (per-vertex) Lambert shading with a soft highlight, and a
z-buffer (:mod:`audioface.preview.raster`). No GPU, no display: a few milliseconds a frame at
640 x 640, which keeps the preview several times faster than real time on two cores.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from PIL import Image

from audioface import arkit
from audioface.avatar import FacePart, default_face, mouth_outline, moved_vertices
from audioface.preview import raster

BACKGROUND = (38, 42, 50)
LIGHT = np.array([0.3, 0.45, 1.0]) / np.linalg.norm([0.3, 0.45, 1.0])
HALF = (LIGHT + np.array([0.0, 0.0, 1.0])) / np.linalg.norm(LIGHT + np.array([0.0, 0.0, 1.0]))
AMBIENT = 0.32
TONGUE_OUT, TONGUE_OUT_LIFT = arkit.INDEX["tongueOut"], 0.035  # in front of the teeth, never the lips
SHINE = {"skin": 0.06, "teeth": 0.25, "tongue": 0.15, "eye": 0.35, "iris": 0.3, "mouth": 0.0}
FACE_HEIGHT = 0.19  # metres of face shown across the image height
# Depth bias, metres: parts lying on or in the skin are layered, not only depth-tested
# against it: the mouth cavity, tongue and teeth show only through the open lips; the lips'
# red, the eyes, lids and brows lie on top of the skin they rest on.
LAYER = {
    "lip": 0.0015,
    "mouth": -0.05,
    "tongue": -0.04,
    "teeth": -0.02,
    "eye": 0.05,
    "iris": 0.06,
    "lid": 0.07,
    "brow": 0.05,
}


@dataclass(frozen=True)
class Camera:
    size: int = 640
    centre: tuple[float, float] = (0.0, -0.005)
    span: float = FACE_HEIGHT

    def to_pixels(self, xyz: np.ndarray) -> np.ndarray:
        scale = self.size / self.span
        x = self.size / 2 + (xyz[..., 0] - self.centre[0]) * scale
        y = self.size / 2 - (xyz[..., 1] - self.centre[1]) * scale
        return np.stack([x, y], axis=-1)


@dataclass(frozen=True)
class Scene:
    """What to render: the face's parts and where the camera looks (None: AudioFace's own face)."""

    parts: tuple[FacePart, ...] | None = None
    centre: tuple[float, float] = (0.0, -0.005)
    span: float = FACE_HEIGHT

    def camera(self, size: int) -> Camera:
        return Camera(size, self.centre, self.span)

    @classmethod
    def from_avatar(cls, path) -> Scene:
        from audioface.formats.gltf_read import load_avatar

        parts = load_avatar(path)
        centre, span = head_frame(parts)
        return cls(parts, centre, span)


def vertex_colours(part: FacePart) -> np.ndarray:
    if part.vertex_colours is not None:
        return part.vertex_colours
    return np.tile(np.asarray(part.colour), (len(part.vertices), 1))


@lru_cache(maxsize=4)
def _background(size: int) -> np.ndarray:
    """An empty packed frame, copied for each new one."""
    return np.full((size, size), pack(np.asarray([BACKGROUND]))[0], np.uint32)


@lru_cache(maxsize=1)
def _canvas(size: int) -> tuple[np.ndarray, np.ndarray]:
    """The frame and depth buffers that ``render_packed(..., reuse=True)`` draws into."""
    return np.empty((size, size), np.uint32), np.empty((size, size), np.float32)


def pack(rgb: np.ndarray) -> np.ndarray:
    """RGB (..., 3) uint8 as the rasteriser's packed pixels, R | G << 8 | B << 16."""
    rgb = np.asarray(rgb, dtype=np.uint32)
    return rgb[..., 0] | (rgb[..., 1] << 8) | (rgb[..., 2] << 16)


def unpack(packed: np.ndarray) -> np.ndarray:
    """Packed pixels (H, W) uint32 as RGB (H, W, 3) uint8."""
    return np.ascontiguousarray(packed.view(np.uint8).reshape(*packed.shape, 4)[..., :3])


def render_face(weights: np.ndarray, camera: Camera | None = None, parts: tuple[FacePart, ...] | None = None
                ) -> Image.Image:  # fmt: skip
    """The face posed by one frame of 52 ARKit weights."""
    return Image.fromarray(unpack(render_packed(weights, camera, parts)))


def render_packed(weights: np.ndarray, camera: Camera | None = None,
                  parts: tuple[FacePart, ...] | None = None, reuse: bool = False) -> np.ndarray:  # fmt: skip
    """:func:`render_face` as packed pixels (H, W) uint32 (:func:`pack`), for the video encoder.

    ``reuse`` draws into this process's one frame of that size, which the next call overwrites:
    for a loop that hands each frame on before drawing the next, and saves it fresh memory each
    time (a tenth of a frame's drawing)."""
    camera = camera or Camera()
    scene = _scene(parts or default_face())
    verts = raster.pose(
        scene.rest, scene.starts, scene.index, scene.moves, np.asarray(weights, dtype=np.float32)
    )
    colour = raster.shade(
        raster.normals(verts, scene.triangles), scene.albedo, scene.shine, LIGHT, HALF, AMBIENT
    )
    if reuse:
        image, depth = _canvas(camera.size)
        np.copyto(image, _background(camera.size))
        depth.fill(-np.inf)
    else:
        image = _background(camera.size).copy()
        depth = np.full((camera.size, camera.size), -np.inf, np.float32)
    # the tongue lies behind the teeth until it comes out (TH, DH): then in front of them, still
    # behind the lips, so it shows only where the mouth is open
    layer = scene.layer + scene.tongue * (TONGUE_OUT_LIFT * float(weights[TONGUE_OUT]))
    raster.fill(image, depth, camera.to_pixels(verts), (verts[:, 2] + layer).astype(np.float32),
                colour, scene.triangles)  # fmt: skip
    return image


@dataclass(frozen=True)
class _Merged:
    """All parts as one mesh: what stays the same from frame to frame."""

    rest: np.ndarray  # (V, 3) float32: every part's vertices, one after the other
    starts: np.ndarray  # (53,): shape k's moved vertices are index[starts[k]:starts[k + 1]]
    index: np.ndarray  # (moved,) int32 vertex numbers
    moves: np.ndarray  # (moved, 3) float32: how far each moves at weight 1
    triangles: np.ndarray  # (T, 3) int32, into the concatenated vertices
    albedo: np.ndarray  # (V, 3)
    shine: np.ndarray  # (V,)
    layer: np.ndarray  # (V,) depth bias: parts inside the mouth behind the skin, eyes on it
    tongue: np.ndarray  # (V,) 1 on the tongue, whose bias follows tongueOut


_MERGED: dict[int, tuple[tuple[FacePart, ...], _Merged]] = {}


def prepare_scene(parts: tuple[FacePart, ...] | None) -> None:
    """Build ``parts``' merged mesh now (None: the default face), so later frames find it ready."""
    _scene(parts or default_face())


def _scene(parts: tuple[FacePart, ...]) -> _Merged:
    hit = _MERGED.get(id(parts))
    if hit is not None and hit[0] is parts:
        return hit[1]
    triangles, albedo, shine, layer, offset = [], [], [], [], 0
    for order, part in enumerate(parts):
        n = len(part.vertices)
        triangles.append(part.triangles + offset)
        albedo.append(vertex_colours(part))
        shine.append(np.full(n, _by_prefix(SHINE, part.name, 0.08)))
        layer.append(np.full(n, _by_prefix(LAYER, part.name, 0.0) + order * 1e-5))
        offset += n
    rest = np.concatenate([p.vertices for p in parts]).astype(np.float32)
    deltas = np.concatenate([p.deltas for p in parts], axis=1)
    moved = [moved_vertices(d) for d in deltas]
    starts = np.concatenate([[0], np.cumsum([len(m) for m in moved])]).astype(np.int64)
    index = np.concatenate(moved).astype(np.int32)
    moves = np.concatenate([d[m] for d, m in zip(deltas, moved, strict=True)]).astype(np.float32)
    tongue = np.concatenate([np.full(len(p.vertices), float(p.name.startswith("tongue"))) for p in parts])
    faces = np.concatenate(triangles).astype(np.int32)
    merged = _Merged(rest, starts, index, moves, faces, np.concatenate(albedo), np.concatenate(shine),
                     np.concatenate(layer), tongue)  # fmt: skip
    _MERGED.clear()  # one scene at a time: the default face, or one user's avatar
    _MERGED[id(parts)] = (parts, merged)
    return merged


def _by_prefix(table: dict[str, float], name: str, default: float) -> float:
    """A part's value in a table keyed by name prefixes (``eye`` for eyeLeft and eyeRight)."""
    return next((v for k, v in table.items() if name.startswith(k)), default)


def mouth_box(camera: Camera | None = None) -> tuple[int, int, int, int]:
    """Pixel box (left, top, right, bottom) around the mouth of the default face."""
    camera = camera or Camera()
    corners = mouth_outline()
    px = camera.to_pixels(corners)
    return int(px[0, 0]), int(px[0, 1] - 0.02 * camera.size), int(px[1, 0]), int(px[2, 1])


def head_frame(parts: tuple[FacePart, ...]) -> tuple[tuple[float, float], float]:
    """Centre (x, y) and height of the region the face shapes move, for the camera."""
    moving = np.vstack([p.vertices[np.abs(p.deltas).sum(axis=(0, 2)) > 0] for p in parts])
    lo, hi = moving.min(axis=0), moving.max(axis=0)
    span = max(hi[1] - lo[1], hi[0] - lo[0]) * 1.5
    return ((lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2), float(span)
