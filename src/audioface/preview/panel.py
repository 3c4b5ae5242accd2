"""The side panel: mouth curves and the phone track scrolling under a playhead."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from audioface.animation import Animation
from audioface.signals import lip_gap, rounding, tuck

WINDOW = 4.0  # seconds shown
CURVES = (("lip gap", (230, 90, 80)), ("rounding", (90, 150, 230)), ("tuck", (110, 200, 120)))


class Panel:
    """Draws the panel for any time; the curves are computed once."""

    def __init__(self, anim: Animation, width: int = 480, height: int = 640) -> None:
        self.anim, self.width, self.height = anim, width, height
        self.signals = (lip_gap(anim.weights), rounding(anim.weights), tuck(anim.weights))
        self.phones = [p for p in anim.track.phones() if p.phone != "sil"]

    def draw(self, t: float) -> Image.Image:
        image = Image.new("RGB", (self.width, self.height), (24, 26, 32))
        d = ImageDraw.Draw(image)
        top, bottom = 40, self.height - 90
        t0 = t - WINDOW / 2

        def x_of(time: np.ndarray | float):
            return (np.asarray(time) - t0) / WINDOW * self.width

        frames = np.arange(
            max(0, int(t0 * self.anim.fps)), min(self.anim.n_frames, int((t0 + WINDOW) * self.anim.fps) + 1)
        )
        for k, (label, colour) in enumerate(CURVES):
            if frames.size > 1:
                ys = bottom - np.clip(self.signals[k][frames], 0, 1) * (bottom - top)
                d.line(
                    list(zip(x_of(frames / self.anim.fps).tolist(), ys.tolist(), strict=True)),
                    fill=colour,
                    width=2,
                )
            d.text((10 + 110 * k, 10), label, fill=colour)
        for ph in self.phones:
            if ph.end < t0 or ph.start > t0 + WINDOW:
                continue
            a, b = float(x_of(ph.start)), float(x_of(ph.end))
            closing = ph.phone in ("P", "B", "M", "F", "V")
            d.rectangle(
                [a, bottom + 20, b, bottom + 60],
                outline=(90, 90, 100),
                fill=(70, 40, 40) if closing else None,
            )
            d.text(((a + b) / 2 - 6, bottom + 33), ph.phone, fill=(220, 220, 220))
        d.line([self.width / 2, top, self.width / 2, self.height - 20], fill=(250, 250, 250), width=1)
        d.text((self.width / 2 + 4, self.height - 18), f"{t:6.2f} s", fill=(250, 250, 250))
        return image
