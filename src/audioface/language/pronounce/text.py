"""A transcript -> the words each route reads, per language.

Chinese has no spaces: jieba cuts it into words (so pypinyin's phrase dictionary sees 银行 whole).
Japanese is cut at punctuation into runs that openjtalk or the kana table read whole. Every other
language is cut at spaces and punctuation, keeping letters with accents, apostrophes inside
words (l'homme stays one word for espeak-ng) and hyphens. Numbers are spoken out with num2words
where it knows the language; elsewhere they are left to the route (espeak-ng reads digits).
"""

from __future__ import annotations

import re
import unicodedata

from audioface.language.pronounce.routes import JAPANESE, MANDARIN, route

_JOINERS = "'’-"  # inside a word (l'homme, peut-être) they join; at its edges they are punctuation
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_RUN = re.compile(r"[^\s\u3000-\u303f\uff01-\uff0f\uff1a-\uff20!-/:-@\[-`{-~]+")


def spell_number(number: str, language: str) -> str:
    """'268' in German -> 'zweihundertachtundsechzig'; unchanged where num2words has no such
    language (or Chinese, spelled by :func:`_chinese_number`)."""
    r = route(language)
    if r.pronunciations == MANDARIN:
        return _chinese_number(number) if number.isdigit() else number
    from num2words import CONVERTER_CLASSES, num2words

    tag = r.code.replace("-", "_")
    lang = next((c for c in (tag, tag.split("_")[0].lower()) if c in CONVERTER_CLASSES), None)
    if lang is None:
        return number
    try:
        value = float(number.replace(",", ".")) if any(c in number for c in ".,") else int(number)
        return num2words(value, lang=lang)
    except (NotImplementedError, ValueError, OverflowError):
        return number


_DIGITS = "零一二三四五六七八九"


def _chinese_number(number: str) -> str:
    """An integer below 10^8 the way it is read (12 -> 十二, 268 -> 二百六十八, 2024 -> 二千零二十四);
    longer ones digit by digit."""
    n = int(number)
    if n >= 10**8:
        return "".join(_DIGITS[int(d)] for d in number)
    if n >= 10**4:
        high, low = divmod(n, 10**4)
        tail = _chinese_number(str(low)) if low else ""
        return _chinese_number(str(high)) + "万" + ("零" if 0 < low < 1000 else "") + tail
    out, zero = "", False
    for digit, unit in zip(f"{n:04d}", ("千", "百", "十", ""), strict=True):
        if digit == "0":
            zero = bool(out)
            continue
        out += ("零" if zero else "") + _DIGITS[int(digit)] + unit
        zero = False
    out = out or "零"
    return out[1:] if out.startswith("一十") else out


def words(text: str, language: str) -> list[str]:
    """The transcript's words for ``language`` (a code; not "auto"), numbers spelled out."""
    text = unicodedata.normalize("NFC", text)
    kind = route(language).pronunciations
    text = _NUMBER.sub(lambda m: f" {spell_number(m.group(0), language)} ", text)
    if kind == MANDARIN:
        import jieba

        jieba.setLogLevel(60)  # its "Building prefix dict" lines are not ours to print
        return [w for w in jieba.lcut(text) if _split_words(w) == [w]]
    if kind == JAPANESE:
        return _RUN.findall(text)
    return [w.lower() for w in _split_words(text)]


def _split_words(text: str) -> list[str]:
    """Runs of letters, their combining marks and digits (Unicode categories L, M, N), joined by
    an apostrophe or a hyphen between two of them. The marks matter: a Tamil, Hindi or Thai word
    is letters and vowel signs, which a regular expression's ``\\w`` leaves out."""
    words, current = [], []
    for ch in text:
        if unicodedata.category(ch)[0] in "LMN" or (ch in _JOINERS and current):
            current.append(ch)
            continue
        if current:
            words.append("".join(current).rstrip(_JOINERS))
        current = []
    if current:
        words.append("".join(current).rstrip(_JOINERS))
    return [w for w in words if w]
