"""Mandarin: words -> tone-numbered pinyin (pypinyin, whose phrase dictionary settles the
polyphones: 银行 yin2 hang2, not xing2) -> IPA through the initials and finals tables.

Tones do not move the mouth, so the IPA carries none; :func:`syllables` keeps each syllable's
tone beside it, and a neutral-tone (5) syllable is the one left unstressed. Erhua (一点儿
yi4 dianr3) joins 儿 to the syllable before it as a rhotic coda, except in the words where 儿
is its own syllable (女儿 nü3 er2).
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

INITIALS = {
    "b": "p", "p": "pʰ", "m": "m", "f": "f", "d": "t", "t": "tʰ", "n": "n", "l": "l",
    "g": "k", "k": "kʰ", "h": "x", "j": "t͡ɕ", "q": "t͡ɕʰ", "x": "ɕ",
    "zh": "ʈ͡ʂ", "ch": "ʈ͡ʂʰ", "sh": "ʂ", "r": "ʐ", "z": "t͡s", "c": "t͡sʰ", "s": "s", "": "",
}  # fmt: skip
FINALS = {
    "a": "a", "o": "o", "e": "ɤ", "ai": "a͡ɪ", "ei": "e͡ɪ", "ao": "a͡ʊ", "ou": "o͡ʊ", "an": "an",
    "en": "ən", "ang": "ɑŋ", "eng": "əŋ", "ong": "ʊŋ", "er": "aɚ", "ê": "ɛ",
    "i": "i", "ia": "ja", "ie": "jɛ", "iao": "ja͡ʊ", "iou": "jo͡ʊ", "ian": "jɛn", "in": "in",
    "iang": "jɑŋ", "ing": "iŋ", "iong": "jʊŋ",
    "u": "u", "ua": "wa", "uo": "wo", "uai": "wa͡ɪ", "uei": "we͡ɪ", "uan": "wan", "uen": "wən",
    "uang": "wɑŋ", "ueng": "wəŋ",
    "v": "y", "ve": "ɥɛ", "van": "ɥɛn", "vn": "yn",
    "m": "m̩", "n": "n̩", "ng": "ŋ̍",  # interjections (呣 嗯)
}  # fmt: skip
# i after the sibilants is not [i] but a syllabic continuation of the consonant
_APICAL = {"z": "ɿ", "c": "ɿ", "s": "ɿ", "zh": "ʅ", "ch": "ʅ", "sh": "ʅ", "r": "ʅ"}
# words where 儿 is a syllable of its own, not erhua
_FULL_ER = frozenset(
    "女儿 儿子 儿童 儿女 婴儿 孤儿 幼儿 健儿 男儿 宠儿 胎儿 患儿 少儿 托儿 乳儿 混血儿 新生儿".split()
)


class Syllable(NamedTuple):
    pinyin: str  # tone-numbered, as pypinyin's TONE3 writes it ("hao3", "dianr3")
    ipa: str  # without tone
    tone: int  # 1-4, 5 for the neutral tone


def syllable_ipa(initial: str, final: str, erhua: bool = False) -> str:
    """One syllable's IPA from its initial and its final (pypinyin's strict finals: ``v`` for
    ü, ``iou``, ``uei``, ``uen`` spelled out)."""
    vowels = _APICAL[initial] if final == "i" and initial in _APICAL else FINALS.get(final, final)
    if erhua:  # the coda gives way to the retroflex: dian + r -> tjɛɻ, hai + r -> xaɻ
        vowels = vowels.removesuffix("n").removesuffix("͡ɪ").removesuffix("ŋ") + "ɻ"
    return INITIALS.get(initial, initial) + vowels


@lru_cache(maxsize=65536)
def syllables(word: str) -> tuple[Syllable, ...]:
    """A word (as jieba cuts them) -> its syllables, read with pypinyin's phrase dictionary."""
    from pypinyin import Style, lazy_pinyin

    full = lazy_pinyin(word, style=Style.TONE3, neutral_tone_with_five=True, errors="ignore")
    initials = lazy_pinyin(word, style=Style.INITIALS, strict=True, errors="ignore")
    finals = lazy_pinyin(word, style=Style.FINALS_TONE3, strict=True, neutral_tone_with_five=True,
                         errors="ignore")  # fmt: skip
    out: list[Syllable] = []
    for k, (py, ini, fin) in enumerate(zip(full, initials, finals, strict=True)):
        tone = int(fin[-1]) if fin[-1:].isdigit() else 5
        fin = fin.rstrip("12345")
        if fin == "er" and not ini and out and word.endswith("儿") and k == len(full) - 1:
            if word not in _FULL_ER:
                last = out[-1]
                base = last.pinyin.rstrip("12345")
                out[-1] = Syllable(f"{base}r{last.tone}", _erhua(last), last.tone)
                continue
        out.append(Syllable(py, syllable_ipa(ini, fin), tone))
    return tuple(out)


def _erhua(syl: Syllable) -> str:
    from pypinyin.style._utils import get_finals, get_initials

    base = syl.pinyin.rstrip("12345")
    initial = get_initials(base, strict=True)
    return syllable_ipa(initial, get_finals(base, strict=True), erhua=True)


def to_ipa(word: str) -> str:
    """A word's IPA, a stress mark before each syllable with a full tone (the neutral tone's
    syllable stays unstressed)."""
    return "".join(("ˈ" if s.tone != 5 else "") + s.ipa for s in syllables(word))
