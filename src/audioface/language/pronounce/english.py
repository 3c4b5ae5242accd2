"""English words: the CMU dictionary and the neural G2P, exactly as the stage has always read
them (``language/pronounce/lexicon.py``), each phone with its IPA beside it."""

from __future__ import annotations

from audioface.language.pronounce import lexicon
from audioface.language.pronounce.phones import Pronunciation, from_arpabet


def pronounce(word: str) -> list[Pronunciation]:
    """Every pronunciation ``lexicon.pronunciations`` gives, in its order."""
    return [from_arpabet(p) for p in lexicon.pronunciations(word)]
