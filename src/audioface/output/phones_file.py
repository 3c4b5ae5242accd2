"""The timed words and phones on their own: JSON, or a Praat TextGrid to inspect in Praat."""

from __future__ import annotations

import json

from audioface.track import PhoneTrack


def to_phones_json(track: PhoneTrack) -> str:
    return json.dumps(track.to_dict(), indent=1) + "\n"


def to_textgrid(track: PhoneTrack) -> str:
    """Long-format TextGrid with a "words" and a "phones" tier; gaps become empty intervals."""
    words = [(w.start, w.end, w.word) for w in track.words]
    phones = [
        (
            p.start,
            p.end,
            "" if p.phone == "sil" else p.phone + ("" if p.stress is None else str(p.stress)),
        )
        for p in track.phones()
    ]
    tiers = [("words", _fill(words, track.duration)), ("phones", _fill(phones, track.duration))]
    out = [
        'File type = "ooTextFile"',
        'Object class = "TextGrid"',
        "",
        "xmin = 0",
        f"xmax = {track.duration}",
        "tiers? <exists>",
        f"size = {len(tiers)}",
        "item []:",
    ]
    for i, (name, intervals) in enumerate(tiers, 1):
        out += [
            f"    item [{i}]:",
            '        class = "IntervalTier"',
            f'        name = "{name}"',
            "        xmin = 0",
            f"        xmax = {track.duration}",
            f"        intervals: size = {len(intervals)}",
        ]
        for k, (a, b, label) in enumerate(intervals, 1):
            text = label.replace('"', '""')
            out += [
                f"        intervals [{k}]:",
                f"            xmin = {a:.4f}",
                f"            xmax = {b:.4f}",
                f'            text = "{text}"',
            ]
    return "\n".join(out) + "\n"


def _fill(items: list[tuple[float, float, str]], duration: float) -> list[tuple[float, float, str]]:
    out, t = [], 0.0
    for a, b, label in items:
        a = max(a, t)
        if a > t + 1e-6:
            out.append((t, a, ""))
        if b > a:
            out.append((a, b, label))
            t = b
    if duration > t + 1e-6 or not out:
        out.append((t, max(duration, t), ""))
    return out
