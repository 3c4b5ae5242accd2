"""The ARPAbet phone set shared by the language and motion stages.

Phones travel through the pipeline without stress digits; stress is a separate
field so that a vowel's identity never depends on how it was stressed.
"""

VOWELS: frozenset[str] = frozenset("AA AE AH AO AW AY EH ER EY IH IY OW OY UH UW".split())
CONSONANTS: frozenset[str] = frozenset("B CH D DH F G HH JH K L M N NG P R S SH T TH V W Y Z ZH".split())
SILENCE = "sil"
PHONES: frozenset[str] = VOWELS | CONSONANTS | {SILENCE}

# Labels that mean "no speech here" in the tools we read from.
_SILENCE_LABELS = {"", "sil", "sp", "spn", "pau", "h#", "<sil>", "nsn", "+spn+", "+nsn+"}


def split_stress(label: str) -> tuple[str, int | None]:
    """'AH1' -> ('AH', 1); 'K' -> ('K', None); pauses -> ('sil', None)."""
    label = label.strip()
    if label.lower() in _SILENCE_LABELS or label.startswith("+"):
        return SILENCE, None
    if label and label[-1].isdigit():
        return label[:-1].upper(), int(label[-1])
    return label.upper(), None


def is_silence(label: str) -> bool:
    return split_stress(label)[0] == SILENCE
