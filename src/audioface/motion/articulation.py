"""Mouth targets for any IPA segment, derived from its articulatory features.

The ARPAbet table (``targets.py``) is hand-tuned for English and stays the anchor: a segment
starts from the row of its nearest ARPAbet phone (:func:`audioface.ipa.to_arpabet`: place, then
manner, then voicing), and only the features that phone loses move it. So every segment of every
language has a shape that follows from how it is made (bilabials seal, labiodentals tuck,
rounded vowels round, open vowels open), and an English phone, whose IPA adds nothing to its
ARPAbet class, keeps its row exactly. The rules, each applied where its feature is present:

- a pure vowel whose nearest phone is an English diphthong (e, o -> EY, OW) holds the glide's
  mean shape, weighted by the diphthong's time shares, instead of gliding;
- a rounded vowel that is not back (y ʏ ø œ ɶ ʉ ɵ ɞ) rounds as its rounded class (UW UH OW AO)
  with the jaw and lip opening of its unrounded partner (i ɪ e ɛ a ɨ ɘ ɜ) and no spread;
- an unrounded vowel never rounds: a non-rhotic ɜ keeps ER's jaw without its r-colouring;
- a more-rounded (◌̹) vowel rounds 30% more, a less-rounded one (◌̜) 40% less; a devoiced vowel
  opens as an unstressed one; nasal, long, tone and stress marks leave the shape alone (stress
  is the mouth's own rule);
- a bilabial that is not a closure nearly closes the lips without a seal: ɸ β to 60% of a seal,
  the approximant β̞ to 40%, the trill ʙ to 80%, none pressed; stops, nasals, implosives and
  clicks (p b m ɓ ʘ, k͡p ŋ͡m) are P/B/M and seal;
- ʋ tucks half as far as V; the dental approximant ð̞ is DH with half the tongue;
- the alveolo-palatal sibilants (ɕ ʑ t͡ɕ d͡ʑ) are hushing without protrusion: SH's jaw with S's
  spread lips;
- an r other than English ɹ and the retroflex ɻ (r ʀ ʁ) has R's jaw but not its lip rounding,
  and its lips follow the neighbours as T's do;
- a labialised consonant (kʷ) rounds toward W (60% of W's funnel and pucker, at least), its lips
  insisting as W's do; a palatalised one (tʲ) spreads a little (stretch 0.15, at least);
- everything else is its nearest class unchanged: retroflex and uvular stops, ejectives,
  implosives, clicks other than ʘ, aspiration, syllabic consonants.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

import numpy as np

from audioface import ipa
from audioface.motion import targets

ROUNDING = ("funnel", "pucker")
OPENING = ("jaw", "lowerDown", "upperUp")
SPREAD = ("stretch", "smile")
NEAR_SEAL = {"fricative": 0.6, "approximant": 0.4, "trill": 0.8, "tap": 0.8}
LIGHT_TUCK = 0.5
LABIALISED = 0.6
PALATALISED_STRETCH = 0.15
MORE_ROUNDED, LESS_ROUNDED = 1.3, 0.6
ENGLISH_R = ("ɹ", "ɻ")

Shape = tuple[np.ndarray, float, float]  # (PARAMS targets, lip dominance, jaw dominance)


@lru_cache(maxsize=4096)
def segment(symbol: str) -> ipa.Segment | None:
    """The one segment an IPA string names, or None (empty, unknown, or several segments)."""
    segs = ipa.segments(symbol, strict=False) if symbol else []
    return segs[0] if len(segs) == 1 else None


def english_ipa(phone: str) -> frozenset[str]:
    """The IPA an English phone carries (``ARPABET_IPA``, and CMUdict's unstressed AH0 ə, ER0 ɚ)."""
    return _ENGLISH.get(phone, frozenset())


_ENGLISH = {
    p: frozenset(ipa.segments(s)[0].symbol for s in {sym, ipa.arpabet_ipa(p + "0")} if s)
    for p, sym in ipa.ARPABET_IPA.items()
}


def nearest_phone(seg: ipa.Segment) -> str:
    """The ARPAbet class a segment's shape starts from (``to_arpabet`` without its stress digit;
    a dental approximant, which ``to_arpabet`` leaves with the r-sounds, is DH)."""
    if seg.place == "dental" and seg.manner in ("approximant", "tap"):
        return "DH"
    phone = ipa.to_arpabet(replace(seg, offglide=None))
    return phone.rstrip("012")


def _row(phone: str, table: targets.PhoneTable) -> Shape:
    """A phone's row; an English diphthong (for a pure vowel) is the mean of its two halves."""
    if phone in targets.DIPHTHONGS:
        a, b, share = targets.DIPHTHONGS[phone]
        (ta, la, ja), (tb, lb, jb) = _row(a, table), _row(b, table)
        mix = lambda x, y: share * x + (1 - share) * y  # noqa: E731
        return mix(ta, tb), mix(la, lb), mix(ja, jb)
    lips, jaw = table.dominance(phone)
    return table.target(phone), lips, jaw


def derive(seg: ipa.Segment, table: targets.PhoneTable | None = None) -> Shape:
    """A segment's own shape (before a user's override of it): its nearest phone's row, moved by
    the features that phone loses (the module's docstring lists the rules). A tied diphthong's
    shape is its first vowel's (the mouth glides to the second)."""
    table = table or targets.SHIPPED
    if seg.offglide is not None:
        seg = replace(seg, offglide=None)
    values, lips, jaw = _row(nearest_phone(seg), table)
    values = values.copy()
    if seg.is_vowel:
        lips = _vowel(seg, values, table, lips)
    else:
        lips = _consonant(seg, values, table, lips)
    return values, lips, jaw


def _set(values: np.ndarray, names: tuple[str, ...], source: np.ndarray | float) -> None:
    for name in names:
        values[targets.P[name]] = source if np.isscalar(source) else source[targets.P[name]]


def _vowel(seg: ipa.Segment, values: np.ndarray, table: targets.PhoneTable, lips: float) -> float:
    if seg.rounded and seg.backness != "back" and "non-syllabic" not in seg.diacritics:
        partner = _row(nearest_phone(replace(seg, rounded=False)), table)[0]
        _set(values, OPENING, partner)
        _set(values, SPREAD, 0.0)
    elif not seg.rounded and "rhotic" not in seg.diacritics and nearest_phone(seg) == "ER":
        _set(values, (*ROUNDING, "shrugUpper"), 0.0)
    for mark, gain in (("more-rounded", MORE_ROUNDED), ("less-rounded", LESS_ROUNDED)):
        if mark in seg.diacritics:
            for name in ROUNDING:
                values[targets.P[name]] = min(1.0, values[targets.P[name]] * gain)
    if not seg.voiced:
        for name in OPENING:
            values[targets.P[name]] *= targets.UNSTRESSED_JAW
    return lips


def _consonant(seg: ipa.Segment, values: np.ndarray, table: targets.PhoneTable, lips: float) -> float:
    base, place, manner = seg.base, seg.place or "", seg.manner
    if place == "bilabial" and manner in NEAR_SEAL:
        values[targets.P["seal"]] = NEAR_SEAL[manner]
        _set(values, ("press", "lowerDown", "upperUp"), 0.0)
    elif place == "labiodental" and manner == "approximant":
        for name in ("rollLower", "upperUp", "shrugLower"):
            values[targets.P[name]] *= LIGHT_TUCK
    elif place == "dental" and manner in ("approximant", "tap"):
        values[targets.P["tongueOut"]] *= 0.5
    elif place == "alveolopalatal" and manner in ("fricative", "affricate"):
        plain = table.target("Z" if seg.voiced else "S")
        _set(values, (*ROUNDING, "shrugUpper", *SPREAD), plain)
        lips = table.dominance("S")[0]
    elif nearest_phone(seg) == "R" and base not in ENGLISH_R:
        _set(values, ROUNDING, 0.0)
        lips = table.dominance("T")[0]
    if "labialised" in seg.diacritics:
        w = table.target("W")
        for name in ROUNDING:
            values[targets.P[name]] = max(values[targets.P[name]], LABIALISED * w[targets.P[name]])
        lips = max(lips, table.dominance("W")[0])
    if "palatalised" in seg.diacritics:
        values[targets.P["stretch"]] = max(values[targets.P["stretch"]], PALATALISED_STRETCH)
    return lips


# -- a phone as the mouth reads it: its ARPAbet class, or its segment where its IPA says more ----

_SHIPPED_SHAPES: dict[str, Shape] = {}


def is_english(phone: str, symbol: str) -> bool:
    """True where a phone's IPA adds nothing to its ARPAbet class (or it has none): the mouth
    then reads the ARPAbet row exactly, so English results stay what they were."""
    seg = segment(symbol)
    return seg is None or seg.symbol in english_ipa(phone)


def override_of(seg: ipa.Segment, table: targets.PhoneTable | None) -> tuple | None:
    """A user's override of this segment: one naming its exact symbol, else one naming its bare
    symbol (``[o]`` reaches ``oː`` and ``õ`` unless they have their own)."""
    if table is None or not table.segments:
        return None
    return table.segments.get(seg.symbol) or table.segments.get(seg.base)


def _overridden(shape: Shape, override: tuple | None) -> Shape:
    if override is None:
        return shape
    values, lips, jaw = shape[0].copy(), shape[1], shape[2]
    keys, o_lips, o_jaw = override
    for name, value in keys.items():
        values[targets.P[name]] = value
    return values, lips if o_lips is None else o_lips, jaw if o_jaw is None else o_jaw


def phone_shape(phone: str, symbol: str = "", table: targets.PhoneTable | None = None) -> Shape:
    """(targets, lip dominance, jaw dominance) of a phone spoken as ``symbol`` (its IPA): the
    ARPAbet row where the IPA is English's for that phone or names no single segment, else the
    segment's derived shape; a user's override of the segment on top either way."""
    seg = segment(symbol)
    if seg is None or seg.symbol in english_ipa(phone):
        shape = (targets.target(phone, table), *targets.dominance(phone, table))
        return _overridden(shape, override_of(seg, table)) if seg is not None else shape
    if table is None or table is targets.SHIPPED:
        if seg.symbol not in _SHIPPED_SHAPES:
            _SHIPPED_SHAPES[seg.symbol] = derive(seg)
        values, lips, jaw = _SHIPPED_SHAPES[seg.symbol]
        return values.copy(), lips, jaw
    return _overridden(derive(seg, table), override_of(seg, table))


def segment_class(seg: ipa.Segment) -> str | None:
    """The guarantee a segment gets: ``"closure"`` and ``"labiodental"`` as the metrics read
    them (:func:`audioface.ipa.metric_class`), ``"rounding"`` for every rounded vowel (AO's ɔ
    too, as the ARPAbet rules round AO) and the labial glides w ʍ ɥ; a tied diphthong's is its
    first vowel's."""
    if seg.offglide is not None:
        seg = replace(seg, offglide=None)
    kind = ipa.metric_class(seg)
    if kind in ("closure", "labiodental", "rounding"):
        return kind
    return "rounding" if seg.is_vowel and seg.rounded and seg.voiced else None


def mouth_class(phone: str, symbol: str = "") -> str | None:
    """The guarantee a phone gets: by its ARPAbet class (P/B/M seal, F/V tuck, UW W OW UH AO
    round) where its IPA is English's or absent, else by its segment's features."""
    if is_english(phone, symbol):
        if phone in targets.BILABIALS:
            return "closure"
        if phone in targets.LABIODENTALS:
            return "labiodental"
        return "rounding" if phone in targets.ROUNDED else None
    return segment_class(segment(symbol))


def glide_parts(symbol: str) -> tuple[str, str] | None:
    """A tied diphthong's two vowels as IPA strings (``a͡ɪ`` -> ``a``, ``ɪ``), else None."""
    seg = segment(symbol)
    if seg is None or seg.offglide is None:
        return None
    for tie in ipa.TIES:
        if tie in seg.symbol:
            first, second = seg.symbol.split(tie, 1)
            return first, second
    return None
