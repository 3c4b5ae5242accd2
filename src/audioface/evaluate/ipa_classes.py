"""IPA reference phones read the way metrics.md's "In other languages" says: by articulation.

A reference in IPA (or X-SAMPA, read as IPA) names segments of any language; each event asks
what the lips must do, so a segment is scored by the class its articulation demands
(:func:`audioface.ipa.metric_class`: p b m and their variants close, f v ɱ tuck, u y o ø ...
round, a ɛ ɔ œ ... open, the rest is not scored). Its openness, for the timing figures, is the
nearest English phone's (:func:`audioface.ipa.to_arpabet`), with schwas as AX: the ARPAbet
table then applies unchanged, so one table serves every language.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from audioface.errors import AudioFaceError
from audioface.formats.phonesets import label_segment
from audioface.ipa import Segment, metric_class, to_arpabet
from audioface.track import RefPhone

# metric_class's names -> the evaluator's event names
_EVENTS = {"closure": "closure", "labiodental": "labiodental", "rounding": "rounding", "open": "open_vowel"}


@lru_cache(maxsize=4096)
def _segment(ipa: str, stress: int | None) -> Segment | None:
    """The label's one segment; a vowel without its own stress mark takes the reference's
    (a file that marks stress elsewhere made it 0), so an unstressed ɐ is not an open vowel."""
    try:
        seg = label_segment(ipa)
    except AudioFaceError:
        return None
    if seg is not None and seg.is_vowel and seg.stress is None:
        seg = replace(seg, stress=stress)
    return seg


def ipa_event(ph: RefPhone) -> str | None:
    """The event an IPA reference phone is scored as, or None (openness only)."""
    seg = _segment(ph.ipa, ph.stress)
    return None if seg is None else _EVENTS.get(metric_class(seg) or "")


def _is_schwa(seg: Segment) -> bool:
    """ə ɘ and the rhotic ɚ: mid or close-mid, central, unrounded (metrics.md: as AX)."""
    return (
        seg.is_vowel and not seg.rounded and seg.backness == "central" and seg.height in ("mid", "close-mid")
    )


def english_equivalent(ph: RefPhone) -> RefPhone:
    """The nearest English phone in the IPA phone's place, for the openness table: i as IY,
    ɪ as IH, a schwa as AH with stress 0 (AX), a bilabial as P/B/M, ɸ as P."""
    seg = _segment(ph.ipa, ph.stress)
    if seg is None:
        return replace(ph, ipa="")
    if _is_schwa(seg):
        return RefPhone("AH", ph.start, ph.end, 0)
    return RefPhone.from_label(to_arpabet(seg), ph.start, ph.end)
