"""Pronunciations in any language, as phones that carry ARPAbet and IPA.

``routes.py`` decides each language's route (the one place); each route has its module
(``english``, ``mandarin``, ``japanese``, ``espeak``), imported when a word first needs it, so
choosing a language costs nothing until words are read. ``text.py`` cuts a transcript into the
words this reads.
"""

from __future__ import annotations

from audioface.language.pronounce.phones import PronPhone, Pronunciation, from_arpabet, from_ipa
from audioface.language.pronounce.routes import (
    AUTO_LANGUAGE,
    ESPEAK,
    JAPANESE,
    LANGUAGES,
    MANDARIN,
    Route,
    check_language,
    route,
)
from audioface.language.pronounce.script import detect_script

__all__ = [
    "AUTO_LANGUAGE", "LANGUAGES", "PronPhone", "Pronunciation", "Route", "check_language", "detect_script",
    "from_arpabet", "from_ipa", "pronounce", "route", "to_ipa",
]  # fmt: skip


def to_ipa(word: str, language: str) -> str:
    """A word's IPA on its language's route (English: the first pronunciation's phones' IPA)."""
    r = route(language)
    if r.pronunciations == MANDARIN:
        from audioface.language.pronounce import mandarin

        return mandarin.to_ipa(word)
    if r.pronunciations == JAPANESE:
        from audioface.language.pronounce import japanese

        return japanese.to_ipa(word)
    if r.pronunciations == ESPEAK:
        from audioface.language.pronounce import espeak

        return espeak.to_ipa(word, r.voice)
    found = pronounce(word, language)
    return "".join(p.ipa for p in found[0]) if found else ""


def pronounce(word: str, language: str) -> list[Pronunciation]:
    """A word's pronunciations on its language's route, most likely first; [] when the route
    can say nothing for it. English gives exactly what ``lexicon.pronunciations`` gives, each
    phone with its IPA; other routes give one pronunciation, their IPA mapped to ARPAbet by
    features (``audioface.ipa.to_arpabet_phones``)."""
    if route(language).pronunciations not in (MANDARIN, JAPANESE, ESPEAK):
        from audioface.language.pronounce import english

        return english.pronounce(word)
    found = from_ipa(to_ipa(word, language))
    return [found] if found else []
