#!/usr/bin/env python3
"""Lip sync per language on the multilingual development corpus, three ways.

1. the transcript read in each item's own language (``NAME.lang``: ``--language`` auto);
2. the transcript read as English (``--language en``, the behaviour before languages): only
   where English can read the script at all; Cyrillic, Chinese and Japanese give no English
   words, so those items have no figure this way;
3. no words at all (``--mode phonetic``: the phones heard in the audio, language-blind).

Prints one Markdown table: score and correlation at lag 0 per language and way, each a mean
over that language's items (metrics.md).

    python3 bench/bench_languages.py [corpus/dev-multilingual] [-j JOBS]
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from audioface.errors import AudioFaceError
from audioface.evaluate.corpus import find_items
from audioface.evaluate.runner import ItemResult, plan, run
from audioface.evaluate.summary import summarize_by
from audioface.language.pronounce import detect_script

WAYS = (
    ("own language", "transcript", "auto"),
    ("as English", "transcript", "en"),
    ("phonetic", "phonetic", "auto"),
)


def _results(items: list, mode: str, language: str, jobs: int | None) -> list[ItemResult]:
    if language == "en":  # English reads Latin script only: the others have no words to align
        items = [i for i in items if detect_script(i.text or "") is None]  # None: Latin script
    tasks = plan(items, [mode], None, "auto", 60.0, None, language=language)
    return run(tasks, jobs)


def _cell(summary: dict, mode: str) -> str:
    row = summary.get(mode)
    if row is None or math.isnan(row["score"]):
        return "-"
    return f"{row['score']:.3f} / {row['correlation']:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", nargs="?", default="corpus/dev-multilingual", type=Path)
    parser.add_argument("-j", "--jobs", type=int, default=None)
    args = parser.parse_args()
    items = find_items(args.corpus)
    if not any(i.language for i in items):
        raise AudioFaceError(f"{args.corpus}: no item names its language (NAME.lang)")
    groups = {
        way: summarize_by(_results(items, mode, lang, args.jobs), "language") for way, mode, lang in WAYS
    }
    head = "| language | items | " + " | ".join(f"{way}: score / corr" for way, _, _ in WAYS) + " |"
    print(head, "|---|---|" + "---|" * len(WAYS), sep="\n")
    for code in sorted(groups["own language"]):
        count = groups["own language"][code]["transcript"]["items"]
        cells = [_cell(groups[way].get(code, {}), mode) for way, mode, _ in WAYS]
        print(f"| {code} | {count} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
