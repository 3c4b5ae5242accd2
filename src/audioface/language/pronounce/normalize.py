"""Transcript normalisation: what the user typed -> words a dictionary can look up.

Numbers, symbols and common abbreviations become words because the aligner can
only match what has a pronunciation; punctuation is kept as a pause hint because
speakers tend to pause at commas and full stops.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from num2words import num2words


@dataclass(frozen=True)
class Token:
    word: str  # lower-case letters and apostrophes only
    pause_after: bool = False


ABBREVIATIONS = {
    "mr": "mister", "mrs": "missus", "ms": "miz", "dr": "doctor", "prof": "professor",
    "st": "saint", "jr": "junior", "sr": "senior", "vs": "versus", "etc": "et cetera",
    "approx": "approximately", "dept": "department", "inc": "incorporated", "ltd": "limited",
    "co": "company", "mt": "mount", "ave": "avenue", "jan": "january",
    "feb": "february", "aug": "august", "sept": "september", "oct": "october",
    "nov": "november", "dec": "december", "km": "kilometers", "kg": "kilograms",
    "cm": "centimeters", "mm": "millimeters", "ok": "okay",
}  # fmt: skip
# Only expanded when written with a trailing period, since e.g. "no" and "co" are words.
_DOTTED_ONLY = {"co", "st", "jan", "dec", "oct", "nov", "sept", "aug", "feb", "mt", "ave"}
PHRASES = {"e.g.": "for example", "i.e.": "that is", "a.m.": "a m", "p.m.": "p m"}
SYMBOLS = {
    "&": " and ", "%": " percent ", "@": " at ", "+": " plus ", "=": " equals ",
    "#": " number ", "°": " degrees ", "×": " times ", "/": " slash ",
}  # fmt: skip
CURRENCIES = {"$": ("dollar", "cent"), "£": ("pound", "penny"), "€": ("euro", "cent")}
PAUSE_PUNCTUATION = set('.,;:!?—–()"')


def normalize(text: str) -> list[Token]:
    """Split a transcript into dictionary words, marking words followed by punctuation."""
    text = unicodedata.normalize("NFKC", text).replace("’", "'").replace("‘", "'")
    text = re.sub(r"[“”]", '"', text)
    for phrase, spoken in PHRASES.items():
        text = re.sub(re.escape(phrase), f" {spoken} ", text, flags=re.IGNORECASE)
    text = re.sub(r"\b[Nn]o\.\s*(?=\d)", " number ", text)
    text = _expand_currency(text)
    text = _expand_numbers(text)
    for sym, spoken in SYMBOLS.items():
        text = text.replace(sym, spoken)
    tokens: list[Token] = []
    for raw in re.findall(r"(?:[A-Za-z]\.){2,}|[A-Za-z0-9'\u00C0-\u024F]+\.?|[^\sA-Za-z0-9']", text):
        if raw in PAUSE_PUNCTUATION or (len(raw) == 1 and not raw.isalnum()):
            if raw in PAUSE_PUNCTUATION and tokens:
                tokens[-1] = Token(tokens[-1].word, True)
            continue
        dotted = raw.endswith(".")
        core = raw.rstrip(".").lower()
        core = "".join(c for c in unicodedata.normalize("NFD", core) if unicodedata.category(c) != "Mn")
        if core in ABBREVIATIONS and (dotted or core not in _DOTTED_ONLY):
            words = ABBREVIATIONS[core].split()
            dotted = False  # the period belonged to the abbreviation
        elif re.fullmatch(r"(?:[a-z]\.){2,}", raw.lower()):
            words = list(core.replace(".", ""))  # an acronym: spell it out
        else:
            words = [w for w in re.split(r"[^a-z']+", core) if w.strip("'")]
        for w in words:
            tokens.append(Token(w.strip("'")))
        if dotted and tokens:
            tokens[-1] = Token(tokens[-1].word, True)
    return tokens


def _expand_currency(text: str) -> str:
    def spoken(m: re.Match) -> str:
        unit, sub = CURRENCIES[m.group(1)]
        whole = int(m.group(2).replace(",", ""))
        out = f" {num2words(whole)} {unit}{'' if whole == 1 else 's'} "
        if m.group(3):
            cents = int(m.group(3).ljust(2, "0")[:2])
            if cents:
                out += f"and {num2words(cents)} {sub if cents == 1 else sub + 's'} "
        return out.replace("pennys", "pence")

    return re.sub(r"([$£€])\s?(\d[\d,]*)(?:\.(\d+))?", spoken, text)


def _expand_numbers(text: str) -> str:
    def ordinal(m: re.Match) -> str:
        return f" {num2words(int(m.group(1)), to='ordinal')} "

    def number(m: re.Match) -> str:
        s = m.group(0).replace(",", "")
        try:
            if "." in s:
                return f" {num2words(float(s))} "
            value = int(s)
            if 1100 <= value <= 2099 and len(s) == 4 and value % 100 != 0 or 1900 <= value <= 1999:
                return f" {num2words(value, to='year')} "
            return f" {num2words(value)} "
        except (ValueError, OverflowError, NotImplementedError):
            return " ".join(num2words(int(d)) for d in s if d.isdigit())

    text = re.sub(r"\b(\d+)(?:st|nd|rd|th)\b", ordinal, text)
    text = re.sub(r"(?<![\d.])\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+|\d+", number, text)
    return text.replace("-", " ")
