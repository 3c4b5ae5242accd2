"""``--language auto``: the language a transcript's writing system names, where it names one.

A script that one language owns among those we serve (kana, Hangul, Thai ...) names it; Han
characters without kana are Mandarin; Cyrillic is read as Russian and Arabic script as Arabic,
the most spoken of their languages. Latin script names none: the recogniser is asked, or
English assumed.
"""

from __future__ import annotations

import unicodedata

# the first word of a letter's Unicode name -> the language its script names
_SCRIPTS = {
    "CJK": "zh", "HIRAGANA": "ja", "KATAKANA": "ja", "HANGUL": "ko", "CYRILLIC": "ru", "ARABIC": "ar",
    "GREEK": "el", "HEBREW": "he", "DEVANAGARI": "hi", "THAI": "th", "BENGALI": "bn", "TAMIL": "ta",
    "TELUGU": "te", "KANNADA": "kn", "MALAYALAM": "ml", "GUJARATI": "gu", "GURMUKHI": "pa",
    "GEORGIAN": "ka", "ARMENIAN": "hy", "ETHIOPIC": "am", "MYANMAR": "my", "SINHALA": "si",
    "ORIYA": "or", "LATIN": "",
}  # fmt: skip


def detect_script(text: str) -> str | None:
    """The language code the text's script names (the script most of its letters are in; any
    kana makes it Japanese, since Japanese mixes kana with Han), or None for Latin script or
    no letters."""
    counts: dict[str, int] = {}
    for ch in text:
        if not ch.isalpha():
            continue
        script = unicodedata.name(ch, "").split(" ")[0]
        if script in _SCRIPTS:
            counts[_SCRIPTS[script]] = counts.get(_SCRIPTS[script], 0) + 1
    if not counts:
        return None
    if counts.get("ja"):
        return "ja"
    return max(counts, key=counts.get) or None
