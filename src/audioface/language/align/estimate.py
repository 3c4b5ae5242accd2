"""The last-resort timing: spread a word sequence over the voiced stretches.

When the aligner cannot match a transcript to the audio, the mouth should still
move while someone speaks and rest while nobody does. Phones get durations in
proportion to their typical length, laid end to end over the voiced time only.
"""

from __future__ import annotations

import numpy as np

from audioface.language.align.pieces import expected_duration
from audioface.phones import split_stress
from audioface.track import Phone, Word


def spread(
    tokens: list[tuple[str, tuple[str, ...]]],
    regions: list[tuple[float, float]],
    start: float,
    end: float,
) -> list[Word]:
    """Words with estimated times (origin "estimated") filling ``regions``."""
    if not tokens:
        return []
    regions = [(s, e) for s, e in regions if e > s] or [(start, end)]
    lengths = np.array([e - s for s, e in regions])
    edges = np.concatenate([[0.0], np.cumsum(lengths)])

    def region_of(v: float) -> int:
        return int(np.clip(np.searchsorted(edges, v, side="right") - 1, 0, len(regions) - 1))

    def to_time(v: float, i: int) -> float:  # voiced-time coordinate -> real time
        return float(regions[i][0] + np.clip(v - edges[i], 0.0, lengths[i]))

    per_phone = [[expected_duration((p,)) for p in pron] or [0.1] for _, pron in tokens]
    scale = edges[-1] / sum(sum(d) for d in per_phone)
    words, v = [], 0.0
    for (word, pron), durs in zip(tokens, per_phone, strict=True):
        phones = []
        for label, d in zip(pron or ("AH0",), durs, strict=False):
            name, stress = split_stress(label)
            i = region_of(v + 1e-9)  # a phone stays inside the region it starts in
            a, b = to_time(v, i), to_time(v + d * scale, i)
            phones.append(Phone(name, a, max(b, a + 1e-3), stress))
            v += d * scale
        words.append(Word(word, phones[0].start, phones[-1].end, tuple(phones), origin="estimated"))
    return words
