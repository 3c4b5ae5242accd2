"""A small software renderer: the face at one frame of weights, as an RGB image.

Orthographic front view, flat Lambert shading, painter's algorithm (triangles
drawn far to near with Pillow). No GPU, no display, about 10 ms a frame at
640 x 640, which keeps rendering well ahead of real time on two cores.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

from audioface.avatar import FacePart, default_face, mouth_outline, pose

BACKGROUND = (38, 42, 50)
LIGHT = np.array([0.3, 0.45, 1.0]) / np.linalg.norm([0.3, 0.45, 1.0])
FACE_HEIGHT = 0.19  # metres of face shown across the image height
# Parts lying on or in the skin are layered, not depth-sorted against it: the mouth
# cavity and tongue show only through the open lips, eyes and brows always on top.
LAYER = {"mouth": -0.05, "tongue": -0.04, "eye": 0.05, "iris": 0.06, "lid": 0.07, "brow": 0.05}


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


def triangle_colours(part: FacePart) -> np.ndarray:
    if part.vertex_colours is not None:
        return part.vertex_colours[part.triangles].mean(axis=1)
    return np.tile(np.asarray(part.colour), (len(part.triangles), 1))


def render_face(weights: np.ndarray, camera: Camera | None = None, parts: tuple[FacePart, ...] | None = None
                ) -> Image.Image:  # fmt: skip
    """The face posed by one frame of 52 ARKit weights."""
    camera = camera or Camera()
    parts = parts or default_face()
    polys, colours, depth = [], [], []
    for order, part in enumerate(parts):
        tri = pose(part, weights)[part.triangles]
        normal = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
        length = np.linalg.norm(normal, axis=1)
        keep = length > 1e-12
        if part.name == "skin":  # the skin is one closed-looking surface: skip what faces away
            keep &= normal[:, 2] > 0
        tri, normal = tri[keep], normal[keep] / length[keep, None]
        shade = np.clip(np.abs(normal @ LIGHT), 0.3, 1.0)
        polys.append(camera.to_pixels(tri))
        colours.append(triangle_colours(part)[keep] * shade[:, None])
        layer = next((v for k, v in LAYER.items() if part.name.startswith(k)), 0.0)
        depth.append(tri[:, :, 2].mean(axis=1) + layer + order * 1e-4)
    order = np.argsort(np.concatenate(depth))
    xy = np.concatenate(polys).reshape(-1, 6)[order].tolist()
    rgb = (np.concatenate(colours) * 255).astype(np.int64)[order]
    inks = (rgb[:, 0] | rgb[:, 1] << 8 | rgb[:, 2] << 16).tolist()  # Pillow's RGB ink as one integer
    image = Image.new("RGB", (camera.size, camera.size), BACKGROUND)
    polygon = ImageDraw.Draw(image).draw.draw_polygon  # the C call, without per-triangle colour parsing
    for corners, ink in zip(xy, inks, strict=True):
        polygon(corners, ink, 1)
    return image


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
