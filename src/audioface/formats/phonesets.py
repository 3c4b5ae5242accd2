"""Reference phone labels from other tools, mapped to ARPAbet (stress kept where known).

Six sets are known: ARPAbet itself (CMUdict, pocketsphinx), festival's "radio"
set (also flite's), TIMIT's, the SAMPA-like set of the emuR Australian
English demo database, and, for any language, IPA and X-SAMPA. A label outside
the chosen set is an error naming the label: a silently dropped phone would
quietly change every score.

An IPA (or X-SAMPA) label keeps its IPA, because the metrics classify it by its
articulation (metrics.md, "In other languages"); its ARPAbet phone is the nearest
English one (:func:`audioface.ipa.to_arpabet`), for the openness curve and the
alignment figures. A label holding several segments is read as one tied sound
(``pf`` as the affricate p͡f, ``aɪ`` as a diphthong), since a reference times it as one.
"""

from __future__ import annotations

from dataclasses import replace

from audioface.errors import AudioFaceError
from audioface.ipa import TIES, Segment, from_xsampa, segments
from audioface.ipa import to_arpabet as ipa_to_arpabet
from audioface.phones import PHONES, SILENCE

_SIL = {"", "sil", "sp", "spn", "pau", "h#", "<sil>", "SIL", "SP", "PAU", "H#"}

# festival / flite: lower-case CMU phones, schwa "ax", syllabic and flap extras.
RADIO = {p.lower(): p for p in PHONES if p != SILENCE} | {
    "ax": "AH0", "axr": "ER0", "dx": "D", "el": "L", "em": "M", "en": "N", "nx": "N",
    "hv": "HH", "pau": SILENCE, "h#": SILENCE, "brth": SILENCE, "ssil": SILENCE,
}  # fmt: skip

# TIMIT: stop closures carry the stop's articulation (the lips are shut during "bcl").
TIMIT = {p.lower(): p for p in PHONES if p != SILENCE} | {
    "ux": "UW", "ix": "IH0", "ax": "AH0", "axr": "ER0", "ax-h": "AH0", "eng": "NG", "em": "M",
    "en": "N", "nx": "N", "el": "L", "hv": "HH", "dx": "D", "q": "T",
    "bcl": "B", "dcl": "D", "gcl": "G", "pcl": "P", "tcl": "T", "kcl": "K",
    "pau": SILENCE, "epi": SILENCE, "h#": SILENCE,
}  # fmt: skip

# emuR "ae" database (Australian English, SAMPA-like). "V" (cut) is taken as stressed,
# "@" as the reduced schwa; "H" is stop aspiration, i.e. glottal frication.
SAMPA_AE = {
    "A": "AA1", "a:": "AA1", "E": "EH1", "EC": "EH1", "e:": "EH1", "I": "IH1", "i:": "IY1",
    "O": "AA1", "o:": "AO1", "V": "AH1", "U": "UH1", "u:": "UW1", "@": "AH0", "@:": "ER1",
    "ai": "AY1", "ei": "EY1", "oi": "OY1", "au": "AW1", "@u": "OW1", "i@": "IH1", "u@": "UH1",
    "=": "AH0",
    "p": "P", "b": "B", "t": "T", "d": "D", "k": "K", "g": "G", "tS": "CH", "dZ": "JH",
    "m": "M", "n": "N", "N": "NG", "f": "F", "v": "V", "s": "S", "z": "Z", "S": "SH",
    "Z": "ZH", "h": "HH", "T": "TH", "D": "DH", "D-": "DH", "w": "W", "j": "Y", "l": "L",
    "r": "R", "rr": "R", "H": "HH", "H#": SILENCE,
    # merged segments found in the database's Phonetic tier
    "zs": "Z", "zS": "Z", "tH": "T", "pt": "P", "kt": "K", "db": "D", "dH": "D",
    "Ow": "AO1", "Or": "AO1", "On": "AO1", "Om": "AO1", "NH": "NG",
}  # fmt: skip

PHONESETS = ("arpabet", "radio", "timit", "sampa", "ipa", "xsampa")
IPA_SETS = ("ipa", "xsampa")
_DETECTED = ("arpabet", "radio", "timit", "sampa", "ipa")  # X-SAMPA is ASCII like the others: asked for only
# pauses as IPA tools write them: espeak-ng's "_", WebMAUS's "<p:>"
_IPA_SIL = _SIL | {"_", "<p:>", "<p>"}


def _arpabet(label: str) -> str | None:
    if label in _SIL:
        return SILENCE
    base = label[:-1] if label[-1:].isdigit() else label
    return label.upper() if base.upper() in PHONES and base == base.upper() else None


def label_segment(ipa: str) -> Segment | None:
    """One IPA label -> the one segment it names (several are tied, the first vowel's stress
    kept), or None where it names no segment; an unknown symbol raises AudioFaceError."""
    segs = segments(ipa)
    if len(segs) <= 1:
        return segs[0] if segs else None
    seg = segments(TIES[0].join(s.symbol for s in segs))[0]
    stress = next((s.stress for s in segs if s.is_vowel), None)
    return replace(seg, stress=stress) if seg.is_vowel else seg


def _ipa_text(label: str, phoneset: str) -> str:
    return from_xsampa(label) if phoneset == "xsampa" else label


def _ipa_arpabet(label: str, phoneset: str) -> str | None:
    if label in _IPA_SIL:
        return SILENCE
    try:
        seg = label_segment(_ipa_text(label, phoneset))
    except AudioFaceError:
        return None
    return None if seg is None else ipa_to_arpabet(seg)


def convert(label: str, phoneset: str) -> str | None:
    """ARPAbet label (maybe with stress digit) or ``sil``; None when unknown in the set."""
    label = label.strip()
    if phoneset == "arpabet":
        return _arpabet(label)
    if phoneset in IPA_SETS:
        return _ipa_arpabet(label, phoneset)
    if label in _SIL:
        return SILENCE
    table = {"radio": RADIO, "timit": TIMIT, "sampa": SAMPA_AE}.get(phoneset)
    if table is None:
        raise AudioFaceError(f"unknown phone set {phoneset!r}; choose one of auto, {', '.join(PHONESETS)}")
    return table.get(label)


def _looks_ipa(labels: list[str]) -> bool:
    """Some label holds a character no English set uses and IPA does (ʃ, ɛ, ː, a tie, ...)."""
    return any(not ch.isascii() for label in labels for ch in label) and all(
        convert(label, "ipa") is not None for label in labels
    )


def detect(labels: list[str]) -> str:
    """IPA where the labels hold IPA characters, else the first known set in which every label
    has a meaning (the English sets first, so an English reference reads as it always did)."""
    if _looks_ipa(labels):
        return "ipa"
    for name in _DETECTED:
        if all(convert(label, name) is not None for label in labels):
            return name
    unknown = sorted({lab for lab in labels if all(convert(lab, n) is None for n in _DETECTED)})
    raise AudioFaceError(
        f"unknown phone labels {', '.join(map(repr, unknown[:8]))}: no known phone set has them"
    )


def to_arpabet(labels: list[str], phoneset: str = "auto", where: str = "") -> list[str]:
    """Map a file's labels, failing loudly (naming the label and file) on any unknown one."""
    name = detect(labels) if phoneset == "auto" else phoneset
    out = []
    for label in labels:
        mapped = convert(label, name)
        if mapped is None:
            raise AudioFaceError(
                f"unknown phone label {label!r} for phone set {name!r}{' in ' + where if where else ''}"
            )
        out.append(mapped)
    return out


def to_reference(labels: list[str], phoneset: str = "auto", where: str = "") -> list[tuple[str, str]]:
    """Each label as (ARPAbet label, IPA): the IPA is empty for the English sets. In an IPA or
    X-SAMPA file that marks stress anywhere (ˈ ˌ), a vowel without a mark is unstressed (digit
    0), as :func:`audioface.ipa.segments` reads one string; a file with no mark leaves stress
    unknown (no digit), which metrics.md reads as stressed."""
    name = detect(labels) if phoneset == "auto" else phoneset
    arpabet = to_arpabet(labels, name, where)
    if name not in IPA_SETS:
        return [(label, "") for label in arpabet]
    texts = [_ipa_text(label.strip(), name) for label in labels]
    marks = any(mark in text for text in texts for mark in "ˈˌ")
    out = []
    for label, text in zip(arpabet, texts, strict=True):
        if label == SILENCE:
            out.append((SILENCE, ""))
            continue
        seg = label_segment(text)
        stress = seg.stress if seg.stress is not None else (0 if marks else None)
        phone = label.rstrip("0123456789")
        out.append((f"{phone}{stress}" if seg.is_vowel and stress is not None else phone, text))
    return out
