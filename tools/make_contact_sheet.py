#!/usr/bin/env python3
"""Write docs/contact-sheet.png: AudioFace's own face at rest, P/B/M, AA, OO and F, each frame
taken from a real animation of corpus/dev speech at the middle of such a phone, with a close-up
of the mouth under each face. Run after changing the face or the renderer."""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from audioface import animate  # noqa: E402
from audioface.preview.render import Camera, mouth_box, render_face  # noqa: E402

CLIPS = {  # what each frame shows -> (corpus/dev item, phones to look for, word it is in)
    "rest": ("flite_slt_01", ("sil",), None),
    "P / B / M": ("flite_slt_01", ("P", "B", "M"), None),
    "AA": ("flite_slt_01", ("AA",), None),
    "OO": ("flite_slt_01", ("UW",), None),
    "F": ("flite_slt_01", ("F", "V"), None),
}
SIZE = 320


def frame_for(anim, phones: tuple[str, ...]):
    candidates = [p for p in anim.track.phones() if p.phone in phones]
    if phones == ("sil",):
        candidates = [p for p in candidates if p.end - p.start >= 0.3] or candidates
    best = max(candidates, key=lambda p: p.end - p.start)
    mid = int((best.start + best.end) / 2 * anim.fps)
    return anim.weights[min(mid, anim.n_frames - 1)]


def main() -> None:
    cache: dict[str, object] = {}
    camera = Camera(SIZE)
    left, top, right, bottom = mouth_box(camera)
    pad = (right - left) // 3
    box = (left - pad, top - pad, right + pad, bottom + pad // 2)
    sheet = Image.new("RGB", (SIZE * len(CLIPS), SIZE * 2 + 28), (24, 26, 32))
    draw = ImageDraw.Draw(sheet)
    for k, (label, (item, phones, _)) in enumerate(CLIPS.items()):
        if item not in cache:
            base = ROOT / "corpus" / "dev" / item
            cache[item] = animate(base.with_suffix(".wav"), base.with_suffix(".txt").read_text(), fps=60)
        face = render_face(frame_for(cache[item], phones), camera)
        sheet.paste(face, (k * SIZE, 28))
        sheet.paste(face.crop(box).resize((SIZE, SIZE), Image.LANCZOS), (k * SIZE, 28 + SIZE))
        draw.text((k * SIZE + 8, 8), label, fill=(235, 235, 235))
    out = ROOT / "docs" / "contact-sheet.png"
    sheet.save(out)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
