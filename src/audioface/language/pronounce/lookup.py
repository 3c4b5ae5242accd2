"""The pronunciations of the words being timed, in the language they are spoken in.

Every step that needs a word's phones (the aligners, pocketsphinx's dictionary, the span
pass, the duration estimates) asks here, and the language is set once around a piece's work
(:func:`speaking`), so a word travels as plain text to the workers and back. English reads the
CMU dictionary and the neural G2P (:mod:`audioface.language.pronounce.lexicon`) exactly as before; every
other language reads its route's pronunciations (:mod:`audioface.language.pronounce`), each
IPA segment mapped by its features to the ARPAbet phone the phone models know.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from audioface.ipa import arpabet_ipa
from audioface.language.pronounce import lexicon
from audioface.phones import split_stress

ENGLISH = "en"
_SPOKEN: ContextVar[str] = ContextVar("audioface_language", default=ENGLISH)


@contextmanager
def speaking(language: str | None) -> Iterator[None]:
    """Look words up in ``language`` (a route's code; None is English) inside the block."""
    token = _SPOKEN.set(language or ENGLISH)
    try:
        yield
    finally:
        _SPOKEN.reset(token)


def current() -> str:
    return _SPOKEN.get()


def is_english() -> bool:
    return _SPOKEN.get() == ENGLISH


def pronunciations(word: str) -> list[tuple[str, ...]]:
    """All known pronunciations of ``word`` (ARPAbet with stress), most likely first."""
    language = _SPOKEN.get()
    if language == ENGLISH:
        return lexicon.pronunciations(word)
    from audioface.language.pronounce import pronounce

    return [tuple(arpabet for arpabet, _ in pron) for pron in pronounce(word, language)]


def ipa_of(word: str, phones: tuple[str, ...]) -> tuple[str, ...]:
    """The IPA of each of ``word``'s aligned ``phones`` (ARPAbet with stress): the segments of the
    pronunciation they were aligned as, or each phone's own IPA where none fits."""
    language = _SPOKEN.get()
    if word and language != ENGLISH:
        from audioface.language.pronounce import pronounce

        plain = tuple(split_stress(p)[0] for p in phones)
        for pron in pronounce(word, language):
            if tuple(split_stress(a)[0] for a, _ in pron) == plain:
                return tuple(ipa for _, ipa in pron)
    return tuple(arpabet_ipa(p) for p in phones)


def first_pronunciation(word: str) -> tuple[str, ...]:
    """The most likely pronunciation, or a schwa for a word nothing can pronounce."""
    found = pronunciations(word)
    return found[0] if found else ("AH0",)
