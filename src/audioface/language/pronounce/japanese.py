"""Japanese: kana -> IPA by the morae table (hiragana read as katakana), kanji through
pyopenjtalk (the optional extra ``ja``: ``pyopenjtalk-plus``, which ships its dictionary in the
wheel and fetches nothing), whose katakana reading is then read by the same table.

The table follows standard Tokyo Japanese: u is unrounded [ɯ], し ɕi, ち t͡ɕi, つ t͡sɯ, ふ ɸɯ,
ひ çi, ら-row ɾ; ー and a repeated vowel's sound lengthen (おう as oː, えい as eː); っ doubles the
next consonant; ん takes the place of what follows (m before p b m, ŋ before k g, ɲ before ɲ,
n before t d n ɾ t͡s, else ɴ). Without pyopenjtalk, the particles は and へ stay ha and he
(only whole greetings are known), since a kana run carries no word boundaries.
"""

from __future__ import annotations

import re
from functools import lru_cache

from audioface.errors import AudioFaceError

_ROWS = {  # consonant of each row before a i u e o
    "": "aiɯeo", "k": "カキクケコ", "ɡ": "ガギグゲゴ", "s": "サシスセソ", "z": "ザジズゼゾ",
    "t": "タチツテト", "d": "ダヂヅデド", "n": "ナニヌネノ", "h": "ハヒフヘホ", "b": "バビブベボ",
    "p": "パピプペポ", "m": "マミムメモ", "ɾ": "ラリルレロ",
}  # fmt: skip
_IRREGULAR = {"シ": "ɕi", "ジ": "d͡ʑi", "チ": "t͡ɕi", "ヂ": "d͡ʑi", "ツ": "t͡sɯ", "ヅ": "zɯ", "ニ": "ɲi",
              "ヒ": "çi", "フ": "ɸɯ", "ヤ": "ja", "ユ": "jɯ", "ヨ": "jo", "ワ": "wa", "ヰ": "i", "ヱ": "e",
              "ヲ": "o", "ヴ": "vɯ", "ア": "a", "イ": "i", "ウ": "ɯ", "エ": "e", "オ": "o"}  # fmt: skip
_SMALL_Y = {"ャ": "a", "ュ": "ɯ", "ョ": "o"}
_SMALL_V = {"ァ": "a", "ィ": "i", "ゥ": "ɯ", "ェ": "e", "ォ": "o", "ヮ": "a"}
_GREETINGS = {"コンニチハ": "コンニチワ", "コンバンハ": "コンバンワ"}


def _mora_table() -> dict[str, str]:
    table = dict(zip("アイウエオ", ("a", "i", "ɯ", "e", "o"), strict=True))
    for consonant, kana in _ROWS.items():
        if consonant:
            table.update({k: consonant + v for k, v in zip(kana, ("a", "i", "ɯ", "e", "o"), strict=True)})
    table.update(_IRREGULAR)
    return table


_MORAE = _mora_table()


def katakana(text: str) -> str:
    """Hiragana -> katakana (the same sounds, 0x60 code points apart); the rest unchanged."""
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in text)


def _onset(mora: str) -> str:
    """The consonant part of a mora's IPA ('t͡ɕi' -> 't͡ɕ', 'a' -> '')."""
    m = re.match(r"^[^aiɯeo]*", mora)
    return m.group(0) if m else ""


def _morae(kana: str) -> list[str]:
    """Katakana -> one IPA string per mora, small kana joined to the mora before them."""
    out: list[str] = []
    for ch in kana:
        if ch in _SMALL_Y and out:  # youon: キャ kʲa, シャ ɕa, チャ t͡ɕa, ニャ ɲa
            onset = _onset(out[-1])
            palatal = onset if onset in ("ɕ", "t͡ɕ", "d͡ʑ", "ɲ", "ç", "j") else onset + "ʲ"
            out[-1] = palatal + _SMALL_Y[ch]
        elif ch in _SMALL_V and out:  # foreign sounds: ファ ɸa, ティ ti, ウィ wi
            onset = _onset(out[-1]) or ("w" if out[-1] == "ɯ" else "")
            out[-1] = onset + _SMALL_V[ch]
        elif ch in _MORAE or ch in "ンッー":
            out.append(_MORAE.get(ch, ch))
        elif ch.strip():
            raise AudioFaceError(f"no kana reading for {ch!r}", setting="language")
    return out


def kana_to_ipa(kana: str) -> str:
    """Kana (hiragana or katakana) -> IPA, with the rules for ー っ ん and long vowels."""
    text = katakana(kana)
    morae = _morae(_GREETINGS.get(text, text))
    out: list[str] = []
    for k, mora in enumerate(morae):
        after = morae[k + 1] if k + 1 < len(morae) else ""
        if mora == "ー" or (out and mora in "ɯi" and out[-1][-1:] == {"ɯ": "o", "i": "e"}[mora]):
            if out and out[-1][-1:] != "ː":
                out.append("ː")
        elif mora == "ッ":
            out.append(_onset(after).split("͡")[0][:1])
        elif mora == "ン":
            out.append(_moraic_n(_onset(after)))
        else:
            out.append(mora)
    return "".join(out)


def _moraic_n(next_onset: str) -> str:
    if next_onset[:1] in ("p", "b", "m"):
        return "m"
    if next_onset[:1] in ("k", "ɡ"):
        return "ŋ"
    if next_onset.startswith(("ɲ", "t͡ɕ", "d͡ʑ")):
        return "ɲ"
    if next_onset[:1] in ("t", "d", "n", "ɾ", "z"):
        return "n"
    return "ɴ"


def is_kana(text: str) -> bool:
    """Only kana (and ー): what the table reads without openjtalk."""
    return all("\u3041" <= c <= "\u30ff" or c.isspace() for c in katakana(text))


@lru_cache(maxsize=65536)
def to_ipa(word: str) -> str:
    """A word's IPA: kana read directly, anything else (kanji, Latin letters) through
    pyopenjtalk's reading."""
    if not is_kana(word):
        try:
            import pyopenjtalk
        except ImportError as err:
            raise AudioFaceError(
                "reading kanji needs pyopenjtalk: pip install 'audioface[ja]' "
                "(or give the transcript in kana)",
                setting="language",
            ) from err
        word = pyopenjtalk.g2p(word, kana=True)
        word = "".join(c for c in word if is_kana(c))  # what openjtalk leaves unread (Latin letters)
    return kana_to_ipa(word)
