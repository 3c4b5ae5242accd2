"""Pronunciations on multilingual-speech: the share of transcript words each route can say, and
its time per word.

For each language of ``shared/data/multilingual-speech`` (202 real utterances in 10 languages):
the transcript's words (``pronounce.text.words``: jieba for Chinese, numbers spoken) and

- own: the language's own route (``pronounce.route``): pinyin, kana/openjtalk or espeak-ng;
- espeak: espeak-ng's voice for the language, whatever the route (what synthetic data uses);
- english: the word in the CMU dictionary (today's reading, before the neural G2P's guess).

A word counts as said when the route gives a pronunciation whose IPA parses without an unknown
symbol. Time per word is the first (uncached) call, in one process.

    python bench/bench_pronounce.py [--data PATH]
"""

from __future__ import annotations

import argparse
import csv
import time
from collections import defaultdict
from pathlib import Path

from audioface import ipa
from audioface.errors import AudioFaceError
from audioface.language.pronounce import espeak, lexicon, route, text, to_ipa

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "multilingual-speech"


def said(ipa_text: str) -> bool:
    try:
        return bool(ipa.segments(ipa_text))
    except AudioFaceError:
        return False


def own(word: str, language: str) -> bool:
    try:
        return said(to_ipa(word, language))
    except AudioFaceError:
        return False


def by_espeak(word: str, language: str) -> bool:
    return said(espeak.to_ipa(word, route(language).voice))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args()
    rows = list(csv.DictReader(open(args.data / "manifest.tsv", encoding="utf-8"), delimiter="\t"))
    words: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        words[row["lang"]] += text.words(row["text"], row["lang"])
    print(f"{'lang':5} {'route':15} {'words':>5} {'own':>6} {'espeak':>6} {'english':>7} {'ms/word own':>11}")
    for lang in sorted(words):
        ws = words[lang]
        own(ws[0], lang)  # the route's start-up (dictionaries, the library) is not a word's time
        start = time.perf_counter()
        n_own = sum(own(w, lang) for w in ws)
        per_word = (time.perf_counter() - start) / len(ws) * 1000
        n_espeak = sum(by_espeak(w, lang) for w in ws)
        n_english = sum(lexicon.in_dictionary(w) for w in ws)
        share = [f"{n / len(ws):6.1%}" for n in (n_own, n_espeak, n_english)]
        print(f"{lang:5} {route(lang).pronunciations:15} {len(ws):5d} {share[0]} {share[1]} {share[2]:>7} "
              f"{per_word:11.3f}")  # fmt: skip


if __name__ == "__main__":
    main()
