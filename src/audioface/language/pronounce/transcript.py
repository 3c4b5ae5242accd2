"""A transcript as the tokens its language's pronunciations read, with the pause hints.

English keeps its normaliser (abbreviations, currencies, numbers, the dictionary's spelling);
every other language cuts its words on its route (:func:`audioface.language.pronounce.text.words`:
jieba for Mandarin, kana runs for Japanese, letters for the rest, numbers spoken in the
language). Either way, punctuation after a word hints at a pause, since speakers pause at
commas and full stops in every language.
"""

from __future__ import annotations

import re

from audioface.language.pronounce.lookup import ENGLISH
from audioface.language.pronounce.normalize import Token, normalize

# sentence and clause marks in the scripts we serve (Latin, CJK full-width, Arabic, Devanagari ...)
_CLAUSE_END = re.compile(r"[.,;:!?\"()\[\]«»“”„…—–。，、；：！？「」『』（）؟،۔।॥]+")


def tokens(text: str, language: str) -> list[Token]:
    """The words of ``text`` spoken in ``language`` (a route's code), each marked where
    punctuation follows it."""
    if language == ENGLISH:
        return normalize(text)
    from audioface.language.pronounce.text import words

    out: list[Token] = []
    for clause in _CLAUSE_END.split(text):
        found = words(clause, language)
        if not found:
            continue
        out += [Token(w) for w in found]
        out[-1] = Token(out[-1].word, True)
    if out and not _CLAUSE_END.search(text.rstrip()[-1:]):
        out[-1] = Token(out[-1].word, False)  # the text's end was no punctuation
    return out
