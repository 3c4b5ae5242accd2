"""``--language auto`` settled for a transcript: its script, else its words.

A script that names a language (see :mod:`script`) decides. Latin script names none:
- A transcript whose words are all in the CMU dictionary and that holds English function words
  is English, decided in milliseconds: an English line with its transcript (the common case,
  well under a second in all) must not pay for a language model.
- Anything else is identified from its letters by langid (py3langid: character n-grams over 97
  languages, here only those a route speaks), which is right for 197 of the 203 transcripts of
  ``../shared/data/multilingual-speech``; its misses are single words and a short phrase, with a
  probability under :data:`TEXT_SURE`.
- Where the text is not sure, None: the recogniser is asked (Whisper's language detection on the
  audio).
"""

from __future__ import annotations

import re
from functools import lru_cache

from audioface.language.pronounce.routes import AUTO_LANGUAGE, check_language, has_route
from audioface.language.pronounce.script import detect_script

ENGLISH = "en"
# Words English text can hardly do without and other Latin-script languages rarely write.
_FUNCTION_WORDS = frozenset(
    "the a an and of to is are was were it you i he she we they that this with for not be have "
    "has had do does did my your his her our their what who how will would can could at from by".split()
)
_SHORT = 3  # a transcript of fewer words may hold no function word and still be English
TEXT_SURE = 0.5  # langid's probability (normalised over the routed languages) taken as an answer


def transcript_language(text: str, setting: str = AUTO_LANGUAGE) -> str | None:
    """The language of ``text`` under ``setting``: the setting itself unless it is ``auto``;
    then the script's language, English for English-looking Latin text, the language its words
    are surely in, or None (ask the recogniser)."""
    setting = check_language(setting)
    if setting != AUTO_LANGUAGE:
        return setting
    by_script = detect_script(text)
    if by_script is not None:
        return check_language(by_script)
    if reads_as_english(text):
        return ENGLISH
    return language_of_words(text)


def reads_as_english(text: str) -> bool:
    """Plain ASCII letters, every word in the CMU dictionary, and an English function word
    among them (or too few words to expect one)."""
    from audioface.language.pronounce import lexicon

    if re.search(r"[^\x00-\x7f]", text):
        return False
    words = [w.lower() for w in re.findall(r"[A-Za-z']+", text)]
    if not words or not all(lexicon.in_dictionary(w.strip("'")) for w in words if w.strip("'")):
        return False
    return len(words) < _SHORT or any(w in _FUNCTION_WORDS for w in words)


def language_of_words(text: str) -> str | None:
    """The routed language langid is sure ``text`` is written in, or None."""
    code, probability = _identifier().classify(text)
    return check_language(code) if probability >= TEXT_SURE else None


@lru_cache(maxsize=1)
def _identifier():
    """langid's model, told to choose among the languages a route speaks (loaded once: about
    half a second, paid only by Latin-script text that is not plainly English)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages([code for code in identifier.nb_classes if has_route(code)])
    return identifier
