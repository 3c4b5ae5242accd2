"""Reference phone labels from other tools, mapped to ARPAbet (stress kept where known).

Four sets are known: ARPAbet itself (CMUdict, pocketsphinx), festival's "radio"
set (also flite's), TIMIT's, and the SAMPA-like set of the emuR Australian
English demo database. A label outside the chosen set is an error naming the
label: a silently dropped phone would quietly change every score.
"""

from __future__ import annotations

from audioface.errors import AudioFaceError
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

PHONESETS = ("arpabet", "radio", "timit", "sampa")


def _arpabet(label: str) -> str | None:
    if label in _SIL:
        return SILENCE
    base = label[:-1] if label[-1:].isdigit() else label
    return label.upper() if base.upper() in PHONES and base == base.upper() else None


def convert(label: str, phoneset: str) -> str | None:
    """ARPAbet label (maybe with stress digit) or ``sil``; None when unknown in the set."""
    label = label.strip()
    if phoneset == "arpabet":
        return _arpabet(label)
    if label in _SIL:
        return SILENCE
    table = {"radio": RADIO, "timit": TIMIT, "sampa": SAMPA_AE}.get(phoneset)
    if table is None:
        raise AudioFaceError(f"unknown phone set {phoneset!r}; choose one of auto, {', '.join(PHONESETS)}")
    return table.get(label)


def detect(labels: list[str]) -> str:
    """The first known set in which every label has a meaning."""
    for name in PHONESETS:
        if all(convert(label, name) is not None for label in labels):
            return name
    unknown = sorted({lab for lab in labels if all(convert(lab, n) is None for n in PHONESETS)})
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
