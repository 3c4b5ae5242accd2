"""One phone inventory for every language: IPA segments with their articulatory features.

Every stage that meets a phone from another language (pronunciations, the aligner, the mouth
targets, the metrics) reads it here, so a segment means the same thing everywhere. A segment's
look on the face follows from its articulation, not its language: a bilabial seals the lips in
French as in English, a rounded front vowel rounds them in German as an English UW does.

The parser takes IPA as espeak-ng (tie mode), pypinyin tables or a person write it: base symbols,
their diacritics, tie bars (``t͡ʃ`` one affricate, ``k͡p`` one double articulation, ``a͡ɪ`` one
diphthong), stress marks (which stress the next vowel), tones (digits or tone letters, kept as
a field), and syllable or word breaks (dropped). Untied ``ts`` stays two segments: only a tie or a
ligature (``ʦ``) says a pair is one sound. English phones carry IPA too, through
:data:`ARPABET_IPA`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache

from audioface.errors import AudioFaceError

# -- the inventory -------------------------------------------------------------------------

# vowel heights, close to open: the index is the height step used for "nearest"
HEIGHTS = ("close", "near-close", "close-mid", "mid", "open-mid", "near-open", "open")
BACKNESS = ("front", "central", "back")

# symbol: (height, backness, rounded); the full IPA vowel chart and the symbols espeak-ng adds
_VOWELS: dict[str, tuple[str, str, bool]] = {
    "i": ("close", "front", False), "y": ("close", "front", True),
    "ɨ": ("close", "central", False), "ʉ": ("close", "central", True),
    "ɯ": ("close", "back", False), "u": ("close", "back", True),
    "ɪ": ("near-close", "front", False), "ʏ": ("near-close", "front", True),
    "ʊ": ("near-close", "back", True),
    "e": ("close-mid", "front", False), "ø": ("close-mid", "front", True),
    "ɘ": ("close-mid", "central", False), "ɵ": ("close-mid", "central", True),
    "ɤ": ("close-mid", "back", False), "o": ("close-mid", "back", True),
    "ə": ("mid", "central", False),
    "ɛ": ("open-mid", "front", False), "œ": ("open-mid", "front", True),
    "ɜ": ("open-mid", "central", False), "ɞ": ("open-mid", "central", True),
    "ʌ": ("open-mid", "back", False), "ɔ": ("open-mid", "back", True),
    "æ": ("near-open", "front", False), "ɐ": ("near-open", "central", False),
    "a": ("open", "front", False), "ɶ": ("open", "front", True),
    "ɑ": ("open", "back", False), "ɒ": ("open", "back", True),
    # sinologists' apical vowels (zi, zhi): syllabic fricatives, read as close central unrounded
    "ɿ": ("close", "central", False), "ʅ": ("close", "central", False),
}  # fmt: skip

# symbol: (place, manner, voiced); the full pulmonic and non-pulmonic charts and the other symbols
_CONSONANTS: dict[str, tuple[str, str, bool]] = {
    "p": ("bilabial", "stop", False), "b": ("bilabial", "stop", True),
    "t": ("alveolar", "stop", False), "d": ("alveolar", "stop", True),
    "ʈ": ("retroflex", "stop", False), "ɖ": ("retroflex", "stop", True),
    "c": ("palatal", "stop", False), "ɟ": ("palatal", "stop", True),
    "k": ("velar", "stop", False), "ɡ": ("velar", "stop", True),
    "q": ("uvular", "stop", False), "ɢ": ("uvular", "stop", True),
    "ʡ": ("epiglottal", "stop", False), "ʔ": ("glottal", "stop", False),
    "m": ("bilabial", "nasal", True), "ɱ": ("labiodental", "nasal", True),
    "n": ("alveolar", "nasal", True), "ɳ": ("retroflex", "nasal", True),
    "ɲ": ("palatal", "nasal", True), "ŋ": ("velar", "nasal", True), "ɴ": ("uvular", "nasal", True),
    "ʙ": ("bilabial", "trill", True), "r": ("alveolar", "trill", True), "ʀ": ("uvular", "trill", True),
    "ⱱ": ("labiodental", "tap", True), "ɾ": ("alveolar", "tap", True), "ɽ": ("retroflex", "tap", True),
    "ɺ": ("alveolar", "lateral-tap", True),
    "ɸ": ("bilabial", "fricative", False), "β": ("bilabial", "fricative", True),
    "f": ("labiodental", "fricative", False), "v": ("labiodental", "fricative", True),
    "θ": ("dental", "fricative", False), "ð": ("dental", "fricative", True),
    "s": ("alveolar", "fricative", False), "z": ("alveolar", "fricative", True),
    "ʃ": ("postalveolar", "fricative", False), "ʒ": ("postalveolar", "fricative", True),
    "ʂ": ("retroflex", "fricative", False), "ʐ": ("retroflex", "fricative", True),
    "ɕ": ("alveolopalatal", "fricative", False), "ʑ": ("alveolopalatal", "fricative", True),
    "ç": ("palatal", "fricative", False), "ʝ": ("palatal", "fricative", True),
    "x": ("velar", "fricative", False), "ɣ": ("velar", "fricative", True),
    "χ": ("uvular", "fricative", False), "ʁ": ("uvular", "fricative", True),
    "ħ": ("pharyngeal", "fricative", False), "ʕ": ("pharyngeal", "fricative", True),
    "ʜ": ("epiglottal", "fricative", False), "ʢ": ("epiglottal", "fricative", True),
    "h": ("glottal", "fricative", False), "ɦ": ("glottal", "fricative", True),
    "ɧ": ("postalveolar", "fricative", False),  # Swedish sj: read as its sibilant part
    "ɬ": ("alveolar", "lateral-fricative", False), "ɮ": ("alveolar", "lateral-fricative", True),
    "ʋ": ("labiodental", "approximant", True), "ɹ": ("alveolar", "approximant", True),
    "ɻ": ("retroflex", "approximant", True), "j": ("palatal", "approximant", True),
    "ɰ": ("velar", "approximant", True),
    "w": ("labial-velar", "approximant", True), "ʍ": ("labial-velar", "approximant", False),
    "ɥ": ("labial-palatal", "approximant", True),
    "l": ("alveolar", "lateral", True), "ɭ": ("retroflex", "lateral", True),
    "ʎ": ("palatal", "lateral", True), "ʟ": ("velar", "lateral", True),
    "ɫ": ("alveolar", "lateral", True),  # velarised l
    "ɓ": ("bilabial", "implosive", True), "ɗ": ("alveolar", "implosive", True),
    "ʄ": ("palatal", "implosive", True), "ɠ": ("velar", "implosive", True),
    "ʛ": ("uvular", "implosive", True),
    "ʘ": ("bilabial", "click", False), "ǀ": ("dental", "click", False), "ǃ": ("alveolar", "click", False),
    "ǂ": ("palatal", "click", False), "ǁ": ("alveolar", "lateral-click", False),
}  # fmt: skip

# other spellings of one symbol, and espeak-ng's own letters
_SPELLINGS = {
    "g": "ɡ", "ʦ": "t͡s", "ʣ": "d͡z", "ʧ": "t͡ʃ", "ʤ": "d͡ʒ", "ʨ": "t͡ɕ", "ʥ": "d͡ʑ", "ʪ": "l͡s", "ʫ": "l͡z",
    "ɚ": "ə˞", "ɝ": "ɜ˞", "ᵻ": "ɨ", "ᵿ": "ʊ̈", "ɩ": "ɪ", "ɷ": "ʊ", "ǝ": "ə", "ɼ": "r̝", "ʚ": "ɞ",
    "'": "ˈ", ",": "ˌ", ":": "ː", "ˁ": "ˤ", "ˀ": "ʔ",
}  # fmt: skip

# combining marks and modifier letters after a base: name of the diacritic
_DIACRITICS = {
    "ʰ": "aspirated", "ʷ": "labialised", "ʲ": "palatalised", "ˠ": "velarised", "ˤ": "pharyngealised",
    "ʼ": "ejective", "ⁿ": "nasal-release", "ˡ": "lateral-release", "˞": "rhotic", "ʱ": "breathy",
    "ː": "long", "ˑ": "half-long", "\u0306": "extra-short",
    "\u0303": "nasalised", "\u0325": "devoiced", "\u030a": "devoiced", "\u032c": "voiced",
    "\u0329": "syllabic", "\u030d": "syllabic", "\u032f": "non-syllabic", "\u0311": "non-syllabic",
    "\u032a": "dental", "\u033a": "apical", "\u033b": "laminal", "\u031f": "advanced", "\u0320": "retracted",
    "\u0308": "centralised", "\u033d": "mid-centralised", "\u031d": "raised", "\u031e": "lowered",
    "\u0339": "more-rounded", "\u031c": "less-rounded", "\u0324": "breathy", "\u0330": "creaky",
    "\u033c": "linguolabial", "\u031a": "unreleased", "\u0318": "atr", "\u0319": "rtr",
    "\u0334": "velarised", "\u0348": "fortis", "\u0349": "lenis", "\u0322": "rhotic",
}  # fmt: skip
TIES = ("\u0361", "\u035c")
STRESS = {"ˈ": 1, "ˌ": 2}
_TONE_MARKS = "˥˦˧˨˩12345\u0300\u0301\u0302\u030c\u0304\u030b\u030f\u1dc4\u1dc5\u1dc8"
_BREAKS = " .|‖-‿#%_\t\n↗↘"


@dataclass(frozen=True)
class Segment:
    """One IPA segment with the features the mouth and the aligner read.

    ``place``/``manner``/``voiced`` describe a consonant (``manner`` is ``"vowel"`` for a vowel);
    ``height``/``backness``/``rounded`` a vowel. ``stress`` is 1 or 2 from a mark before the
    vowel, 0 for a vowel in a string that marks stress elsewhere, None where the string marks
    none (unknown, read as stressed: metrics.md counts ʌ ɐ as stressed AH then). ``offglide``
    is a tied diphthong's second vowel. ``diacritics`` keeps every mark by name.
    """

    symbol: str
    place: str | None
    manner: str
    voiced: bool
    height: str | None = None
    backness: str | None = None
    rounded: bool = False
    nasal: bool = False
    long: bool = False
    stress: int | None = None
    tone: str | None = None
    offglide: Segment | None = None
    diacritics: frozenset[str] = frozenset()

    @property
    def is_vowel(self) -> bool:
        return self.manner == "vowel"

    @property
    def base(self) -> str:
        """The symbol without its diacritics (ties kept: an affricate's base is ``t͡ʃ``)."""
        return "".join(c for c in self.symbol if c in _VOWELS or c in _CONSONANTS or c in TIES)


def _normalise(ipa: str) -> str:
    """Decomposed (a mark is its own character), ç kept whole, other spellings replaced."""
    text = unicodedata.normalize("NFD", ipa).replace("c\u0327", "ç")
    return "".join(_SPELLINGS.get(c, c) for c in text)


def _base(symbol: str) -> Segment:
    if symbol in _VOWELS:
        height, back, rounded = _VOWELS[symbol]
        return Segment(symbol, None, "vowel", True, height, back, rounded)
    place, manner, voiced = _CONSONANTS[symbol]
    return Segment(symbol, place, manner, voiced, nasal=manner == "nasal")


def _step(value: str, scale: tuple[str, ...], by: int) -> str:
    return scale[max(0, min(len(scale) - 1, scale.index(value) + by))]


def _with_diacritic(seg: Segment, mark: str) -> Segment:
    """The diacritic's effect on the features (only those the mouth or the aligner read)."""
    name = _DIACRITICS[mark]
    seg = replace(seg, symbol=seg.symbol + mark, diacritics=seg.diacritics | {name})
    if name == "nasalised":
        return replace(seg, nasal=True)
    if name == "long":
        return replace(seg, long=True)
    if name == "devoiced":
        return replace(seg, voiced=False)
    if name == "voiced":
        return replace(seg, voiced=True)
    if seg.is_vowel and name == "lowered":
        return replace(seg, height=_step(seg.height, HEIGHTS, 1))
    if seg.is_vowel and name == "raised":
        return replace(seg, height=_step(seg.height, HEIGHTS, -1))
    if seg.is_vowel and name in ("centralised", "mid-centralised"):
        return replace(seg, backness="central")
    if not seg.is_vowel and name == "raised" and seg.manner in ("trill", "approximant", "tap"):
        return replace(seg, manner="fricative")  # Czech ř: a raised trill is fricated
    if not seg.is_vowel and name == "dental" and seg.place == "alveolar":
        return replace(seg, place="dental")
    if not seg.is_vowel and name == "lowered" and seg.manner == "fricative":
        return replace(seg, manner="approximant")  # Spanish β̞ ð̞ ɣ̞
    return seg


def _tie(first: Segment, second: Segment) -> Segment:
    """Two sounds under a tie bar: an affricate, a double articulation or a diphthong."""
    symbol = first.symbol + TIES[0] + second.symbol
    if first.is_vowel and second.is_vowel:
        return replace(first, symbol=symbol, offglide=second, long=first.long or second.long)
    if first.is_vowel or second.is_vowel:  # Danish stød (ʔ͡œ): the vowel, creaky
        vowel = first if first.is_vowel else second
        return replace(vowel, symbol=symbol, diacritics=vowel.diacritics | {"creaky"})
    if first.manner == "stop" and second.manner in ("fricative", "lateral-fricative"):
        marks = first.diacritics | second.diacritics
        return replace(second, symbol=symbol, manner="affricate", diacritics=marks)
    if first.place == "alveolar" and second.place == "velar" and second.manner == "fricative":
        return replace(_base("ɧ"), symbol=symbol)  # espeak's Swedish s͡x
    labial = {first.place, second.place} & {"bilabial"}
    other = ({first.place, second.place} - labial).pop() if len({first.place, second.place}) > 1 else None
    place = f"labial-{other}" if labial and other else first.place
    return replace(first, symbol=symbol, place=place, voiced=first.voiced or second.voiced,
                   diacritics=first.diacritics | second.diacritics)  # fmt: skip


@lru_cache(maxsize=8192)
def _parse(ipa: str, strict: bool) -> tuple[Segment, ...]:
    text, out = _normalise(ipa), []
    pending_stress, tied, marks = None, False, any(c in STRESS for c in ipa)
    for ch in text:
        if ch in STRESS:
            pending_stress = STRESS[ch]
        elif ch in TIES:
            tied = bool(out)
        elif ch in _VOWELS or ch in _CONSONANTS:
            seg = _base(ch)
            if tied:
                seg, tied = _tie(out.pop(), seg), False
            if seg.is_vowel and seg.offglide is None:  # a new nucleus (a diphthong has its first's)
                seg = replace(seg, stress=pending_stress or (0 if marks else None))
                pending_stress = None
            out.append(seg)
        elif ch in _DIACRITICS and out:
            out[-1] = _with_diacritic(out[-1], ch)
        elif ch in _TONE_MARKS and out:
            vowel = next((k for k in range(len(out) - 1, -1, -1) if out[k].is_vowel), len(out) - 1)
            out[vowel] = replace(out[vowel], tone=(out[vowel].tone or "") + ch)
        elif ch in _BREAKS or ch in _DIACRITICS or ch in _TONE_MARKS or ch == "\u200d":
            continue
        elif strict:
            raise AudioFaceError(f"unknown IPA symbol {ch!r} (U+{ord(ch):04X}) in {ipa!r}", setting="ipa")
    return tuple(_syllabic(s) for s in out)


def _syllabic(seg: Segment) -> Segment:
    """A non-syllabic vowel (i̯, u̯) is a glide; a syllabic consonant stays a consonant."""
    if seg.is_vowel and "non-syllabic" in seg.diacritics:
        return replace(seg, stress=None)
    return seg


def segments(ipa: str, strict: bool = True) -> list[Segment]:
    """IPA text -> its segments, stress marks moved onto the next vowel, breaks dropped.

    ``strict`` raises :class:`AudioFaceError` on a symbol outside the inventory (so a new
    espeak-ng symbol is noticed in tests); ``strict=False`` skips it, for text from a tool."""
    return list(_parse(ipa, strict))


# -- ARPAbet ------------------------------------------------------------------------------

# English phones in IPA (General American, as CMUdict means them); stress stays a separate field
ARPABET_IPA: dict[str, str] = {
    "AA": "ɑ", "AE": "æ", "AH": "ʌ", "AO": "ɔ", "AW": "a͡ʊ", "AY": "a͡ɪ", "EH": "ɛ", "ER": "ɝ",
    "EY": "e͡ɪ", "IH": "ɪ", "IY": "i", "OW": "o͡ʊ", "OY": "ɔ͡ɪ", "UH": "ʊ", "UW": "u",
    "B": "b", "CH": "t͡ʃ", "D": "d", "DH": "ð", "F": "f", "G": "ɡ", "HH": "h", "JH": "d͡ʒ", "K": "k",
    "L": "l", "M": "m", "N": "n", "NG": "ŋ", "P": "p", "R": "ɹ", "S": "s", "SH": "ʃ", "T": "t",
    "TH": "θ", "V": "v", "W": "w", "Y": "j", "Z": "z", "ZH": "ʒ",
}  # fmt: skip


def arpabet_ipa(label: str) -> str:
    """'AH0' -> 'ə' (an unstressed AH is CMUdict's schwa), 'AH1' -> 'ʌ', 'K' -> 'k'."""
    phone, stress = (label[:-1], int(label[-1])) if label[-1:].isdigit() else (label, None)
    if phone == "AH" and stress == 0:
        return "ə"
    if phone == "ER" and stress == 0:
        return "ɚ"
    return ARPABET_IPA.get(phone.upper(), "")


# Unrounded vowels land on unrounded ARPAbet vowels, rounded on rounded, each at its height:
# (front, central, back) per height for unrounded, one per height for rounded.
_UNROUNDED = {
    "close": ("IY", "IH", "IH"), "near-close": ("IH", "IH", "IH"), "close-mid": ("EY", "AH", "AH"),
    "mid": ("EH", "AH", "AH"), "open-mid": ("EH", "ER", "AH"), "near-open": ("AE", "AH", "AA"),
    "open": ("AA", "AA", "AA"),
}  # fmt: skip
_ROUNDED = {
    "close": "UW", "near-close": "UH", "close-mid": "OW", "mid": "OW",
    "open-mid": "AO", "near-open": "AO", "open": "AO",
}  # fmt: skip
_DIPHTHONG = {("AA", "IY"): "AY", ("AA", "IH"): "AY", ("AE", "IH"): "AY", ("AE", "IY"): "AY",
              ("AA", "UW"): "AW", ("AA", "UH"): "AW", ("AE", "UH"): "AW", ("AA", "OW"): "AW",
              ("AO", "IY"): "OY", ("AO", "IH"): "OY", ("OW", "IY"): "OY", ("OW", "IH"): "OY",
              ("EY", "IH"): "EY", ("EY", "IY"): "EY", ("EH", "IH"): "EY", ("EH", "IY"): "EY",
              ("OW", "UH"): "OW", ("OW", "UW"): "OW", ("AH", "UH"): "OW", ("AH", "UW"): "OW"}  # fmt: skip

_STOPS = {"bilabial": "PB", "labiodental": "FV", "dental": "TD", "alveolar": "TD", "retroflex": "TD",
          "palatal": "KG", "velar": "KG", "uvular": "KG", "labial-velar": "PB",
          "labial-palatal": "PB"}  # fmt: skip
_FRICATIVES = {"bilabial": ("P", "B"), "labiodental": ("F", "V"), "dental": ("TH", "DH"),
               "alveolar": ("S", "Z"), "postalveolar": ("SH", "ZH"), "retroflex": ("SH", "ZH"),
               "alveolopalatal": ("SH", "ZH"), "palatal": ("HH", "Y"), "velar": ("HH", "G"),
               "uvular": ("HH", "R")}  # fmt: skip
_NASALS = {"bilabial": "M", "labiodental": "V", "velar": "NG", "uvular": "NG", "labial-velar": "M"}
_APPROXIMANTS = {"bilabial": "B", "labiodental": "V", "palatal": "Y", "velar": "G", "uvular": "R",
                 "labial-velar": "W", "labial-palatal": "W"}  # fmt: skip


def _vowel_phone(seg: Segment) -> str:
    if seg.rounded:
        phone = _ROUNDED[seg.height]
    else:
        phone = _UNROUNDED[seg.height][BACKNESS.index(seg.backness)]
    return "ER" if "rhotic" in seg.diacritics and phone in ("AH", "ER", "EH") else phone


def _consonant_phone(seg: Segment) -> str:
    place, manner, voiced = seg.place or "", seg.manner, int(seg.voiced)
    if place in ("glottal", "pharyngeal", "epiglottal"):
        return "HH"
    if manner in ("stop", "implosive", "click"):
        return _STOPS.get(place, "TD")[voiced if manner != "click" else 0]
    if manner == "nasal":
        return _NASALS.get(place, "N")
    if manner in ("fricative", "affricate"):
        if manner == "affricate" and place in ("postalveolar", "retroflex", "alveolopalatal"):
            return ("CH", "JH")[voiced]
        return _FRICATIVES.get(place, ("HH", "HH"))[voiced]
    if manner in ("lateral", "lateral-fricative", "lateral-tap", "lateral-click"):
        return "L"
    if manner == "tap":
        return {"bilabial": "B", "labiodental": "V"}.get(place, "D")
    if manner == "trill":
        return "B" if place == "bilabial" else "R"
    return _APPROXIMANTS.get(place, "R")  # ɹ ɻ


def to_arpabet(seg: Segment) -> str:
    """The nearest ARPAbet phone, so the English aligner and the mouth targets read any segment.

    The rule is place first, then manner, then voicing: every bilabial is P/B/M (ɸ β too: the
    lips meet or nearly), every labiodental F/V (ɱ ʋ too), dentals TH/DH, alveolar and dental
    stops T/D, taps D (as the English flap), trills and r-sounds R, sibilants S/Z or SH/ZH (the
    hushing ones, retroflex and alveolo-palatal), postalveolar affricates CH/JH (others their
    fricative: t͡s -> S), palatal, velar and uvular stops K/G, other fricatives back there HH (ɣ
    G, ʝ Y, ʁ R), glottal and pharyngeal HH, laterals L, w ɥ W, j Y. A vowel keeps its rounding:
    a rounded vowel lands on UW UH OW AO by height (y -> UW, ø -> OW, œ -> AO), an unrounded one
    on IY IH EY EH AE AA AH ER by height and backness (a -> AA, ɐ -> AH, ɯ -> IH); a tied
    diphthong whose two ends make an English one is that one (a͡ɪ -> AY). A vowel carries its
    stress digit: 1 after ˈ or where the text marks no stress (unknown reads as stressed), 2
    after ˌ, else 0. A non-syllabic vowel is a glide (i̯ -> Y, u̯ -> W).
    """
    if not seg.is_vowel:
        return _consonant_phone(seg)
    if "non-syllabic" in seg.diacritics and seg.height in ("close", "near-close"):
        return "W" if seg.rounded else "Y"
    phone = _vowel_phone(seg)
    if seg.offglide is not None:
        nucleus = "AA" if seg.height in ("near-open", "open") and not seg.rounded else phone  # ɐ͡ʊ is AW
        phone = _DIPHTHONG.get((nucleus, _vowel_phone(seg.offglide)), phone)
    return f"{phone}{1 if seg.stress is None else seg.stress}"


def to_arpabet_phones(seg: Segment) -> tuple[str, ...]:
    """The ARPAbet phones a segment takes in a pronunciation: one, except where English has no
    single phone for it: an affricate other than CH/JH is its stop then its fricative (t͡s -> T
    S, p͡f -> P F), and a tied diphthong English lacks is its two vowels (œ͡y -> AO UW)."""
    if seg.manner == "affricate" and to_arpabet(seg) not in ("CH", "JH"):
        stop = segments(seg.base.split(TIES[0])[0])[0]
        return (_consonant_phone(stop), to_arpabet(seg))
    if seg.offglide is not None and to_arpabet(seg)[:-1] not in set(_DIPHTHONG.values()):
        return (to_arpabet(replace(seg, offglide=None)), _vowel_phone(seg.offglide) + "0")
    return (to_arpabet(seg),)


# -- the metrics' classes -----------------------------------------------------------------

_ROUNDING_HEIGHTS = ("close", "near-close", "close-mid", "mid")
_LABIAL_CLOSURES = ("stop", "nasal", "implosive", "click", "affricate")


def metric_class(seg: Segment) -> str | None:
    """The event a segment's articulation demands, as metrics.md ("In other languages") reads it:
    ``"closure"`` (p b m and every variant, k͡p ŋ͡m, and p͡f whose stop seals), ``"labiodental"``
    (f v ɱ), ``"rounding"`` (u y ʉ ʊ ʏ o ø ɵ, any length or nasal, and w ʍ ɥ), ``"open"`` (a ɑ ä
    æ ɛ ɔ ɒ œ ɞ ɶ, and ʌ ɐ unless known to be unstressed), or None (schwas, close and mid
    unrounded vowels, devoiced vowels, ɸ β ʋ, kʷ and every other consonant). A tied diphthong
    is read by its first vowel."""
    if not seg.is_vowel:
        place = seg.place or ""
        if (place == "bilabial" or place.startswith("labial-") and place != "labial-palatal") and (
            seg.manner in _LABIAL_CLOSURES
        ):
            return "closure"
        if seg.symbol.startswith("p") and seg.manner == "affricate":
            return "closure"
        if place == "labiodental" and seg.manner in ("fricative", "nasal", "stop", "affricate"):
            return "labiodental"
        glide = place in ("labial-velar", "labial-palatal") and seg.manner == "approximant"
        return "rounding" if glide else None
    if not seg.voiced:
        return None
    if seg.rounded:
        return "rounding" if seg.height in _ROUNDING_HEIGHTS else "open"
    where = (seg.height, seg.backness)
    if seg.height == "open" or where in (
        ("near-open", "front"),
        ("near-open", "back"),
        ("open-mid", "front"),
    ):
        return "open"  # a ä ɑ æ ɛ
    if where in (("near-open", "central"), ("open-mid", "back")):
        return None if seg.stress == 0 else "open"  # ɐ ʌ: stressed AH, or stress unknown
    return None


# -- X-SAMPA ------------------------------------------------------------------------------

# X-SAMPA -> IPA (the full table: symbols, then diacritics written with "_" or a suffix)
_XSAMPA: dict[str, str] = {
    "b_<": "ɓ", "d_<": "ɗ", "g_<": "ɠ", "J\\_<": "ʄ", "G\\_<": "ʛ",
    "p\\": "ɸ", "B\\": "ʙ", "r\\`": "ɻ", "r\\": "ɹ", "R\\": "ʀ", "4": "ɾ", "r`": "ɽ", "l\\": "ɺ",
    "s\\": "ɕ", "z\\": "ʑ", "x\\": "ɧ", "j\\": "ʝ", "J\\": "ɟ", "G\\": "ɢ", "N\\": "ɴ", "L\\": "ʟ",
    "X\\": "ħ", "?\\": "ʕ", "h\\": "ɦ", "H\\": "ʜ", "<\\": "ʢ", ">\\": "ʡ", "K\\": "ɮ", "M\\": "ɰ",
    "P\\": "ʋ", "v\\": "ʋ", "O\\": "ʘ", "|\\|\\": "ǁ", "|\\": "ǀ", "!\\": "ǃ", "=\\": "ǂ", "-\\": "‿",
    "I\\": "ᵻ", "U\\": "ᵿ", "@\\": "ɘ", "3\\": "ɞ", "@`": "ɚ",
    "t`": "ʈ", "d`": "ɖ", "n`": "ɳ", "s`": "ʂ", "z`": "ʐ", "l`": "ɭ",
    "A": "ɑ", "B": "β", "C": "ç", "D": "ð", "E": "ɛ", "F": "ɱ", "G": "ɣ", "H": "ɥ", "I": "ɪ",
    "J": "ɲ", "K": "ɬ", "L": "ʎ", "M": "ɯ", "N": "ŋ", "O": "ɔ", "P": "ʋ", "Q": "ɒ", "R": "ʁ",
    "S": "ʃ", "T": "θ", "U": "ʊ", "V": "ʌ", "W": "ʍ", "X": "χ", "Y": "ʏ", "Z": "ʒ",
    "1": "ɨ", "2": "ø", "3": "ɜ", "5": "ɫ", "6": "ɐ", "7": "ɤ", "8": "ɵ", "9": "œ", "&": "ɶ",
    "?": "ʔ", "@": "ə", "{": "æ", "}": "ʉ", "\"": "ˈ", "%": "ˌ", ":\\": "ˑ", ":": "ː", "=": "\u0329",
    "~": "\u0303", "`": "˞", "'": "ʲ", "_h": "ʰ", "_w": "ʷ", "_j": "ʲ", "_G": "ˠ", "_?\\": "ˤ",
    "_>": "ʼ", "_0": "\u0325", "_v": "\u032c", "_=": "\u0329", "_^": "\u032f", "_~": "\u0303",
    "_d": "\u032a", "_a": "\u033a", "_m": "\u033b", "_+": "\u031f", "_-": "\u0320", "_\"": "\u0308",
    "_x": "\u033d", "_r": "\u031d", "_o": "\u031e", "_O": "\u0339", "_c": "\u031c", "_t": "\u0324",
    "_k": "\u0330", "_N": "\u033c", "_}": "\u031a", "_n": "ⁿ", "_l": "ˡ", "_X": "\u0306", "_A": "\u0318",
    "_q": "\u0319", "_e": "\u0334", "_T": "˥", "_H": "˦", "_M": "˧", "_L": "˨", "_B": "˩",
    "_F": "\u0302", "_R": "\u030c", "g": "ɡ", "-": "", ".": ".", "|": "|", "||": "‖", "_": "\u0361",
}  # fmt: skip
_XSAMPA_LONGEST = max(len(k) for k in _XSAMPA)


def from_xsampa(text: str) -> str:
    """X-SAMPA (as references and SAMPA-era corpora write it) -> IPA, longest symbol first;
    lower-case letters X-SAMPA shares with IPA pass through, and so do spaces."""
    out, i = [], 0
    while i < len(text):
        for size in range(min(_XSAMPA_LONGEST, len(text) - i), 0, -1):
            piece = text[i : i + size]
            if piece in _XSAMPA:
                out.append(_XSAMPA[piece])
                i += size
                break
        else:
            out.append(text[i])
            i += 1
    return "".join(out)
