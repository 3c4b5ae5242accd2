"""``--language auto`` settled for a transcript: its script, else whether it reads as English.

A script that names a language (see :mod:`script`) decides. Latin script names none, and asking
the recogniser costs a second of Whisper on the audio, which an English line with its
transcript (the common case, well under a second today) must not pay: a transcript whose words
are all in the CMU dictionary and that holds English function words is English. Anything else
in Latin script is left to the recogniser (None).
"""

from __future__ import annotations

import re

from audioface.language.pronounce.routes import AUTO_LANGUAGE, check_language
from audioface.language.pronounce.script import detect_script

ENGLISH = "en"
# Words English text can hardly do without and other Latin-script languages rarely write.
_FUNCTION_WORDS = frozenset(
    "the a an and of to is are was were it you i he she we they that this with for not be have "
    "has had do does did my your his her our their what who how will would can could at from by".split()
)
_SHORT = 3  # a transcript of fewer words may hold no function word and still be English


def transcript_language(text: str, setting: str = AUTO_LANGUAGE) -> str | None:
    """The language of ``text`` under ``setting``: the setting itself unless it is ``auto``;
    then the script's language, English for English-looking Latin text, or None (ask the
    recogniser)."""
    setting = check_language(setting)
    if setting != AUTO_LANGUAGE:
        return setting
    by_script = detect_script(text)
    if by_script is not None:
        return check_language(by_script)
    return ENGLISH if reads_as_english(text) else None


def reads_as_english(text: str) -> bool:
    """Plain ASCII letters, every word in the CMU dictionary, and an English function word
    among them (or too few words to expect one)."""
    from audioface.language import lexicon

    if re.search(r"[^\x00-\x7f]", text):
        return False
    words = [w.lower() for w in re.findall(r"[A-Za-z']+", text)]
    if not words or not all(lexicon.in_dictionary(w.strip("'")) for w in words if w.strip("'")):
        return False
    return len(words) < _SHORT or any(w in _FUNCTION_WORDS for w in words)
