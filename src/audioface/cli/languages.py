"""``audioface languages``: every language the language stage speaks, the route it takes and
what it measured."""

from __future__ import annotations

import argparse
import json
import sys

EXAMPLES = """\
examples:
  audioface languages                  # the table
  audioface languages --json           # the same as JSON
  audioface animate speech.wav --text-file speech.txt --language fr -o speech.csv

Routes: cmudict+g2p (English: the CMU dictionary, a neural G2P for the rest), pinyin (Mandarin:
jieba and pypinyin), kana/openjtalk (Japanese: kana always, kanji with pip install 'audioface[ja]'),
espeak-ng (every other language, from the espeak-ng data in the install). Every route's phones are
IPA segments; the aligner times them as the phone classes their articulation maps to.
"""


def add_parser(sub) -> None:
    lg = sub.add_parser(
        "languages",
        help="list the languages a transcript (or recognised speech) can be in, and their routes",
        description="Every supported language: its code for --language, its name, how its words become "
        "phones, and its measured lip-sync figure where one was measured.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=EXAMPLES,
    )
    lg.add_argument("--json", action="store_true", help="the list as JSON")
    lg.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from audioface.language.pronounce import LANGUAGES
    from audioface.language.pronounce.figures import MEASURED, figure

    routes = list(LANGUAGES.values())
    if args.json:
        rows = [{"code": r.code, "name": r.name, "pronunciations": r.pronunciations,
                 "measured": MEASURED.get(r.code, {})} for r in routes]  # fmt: skip
        sys.stdout.write(json.dumps(rows, indent=1, ensure_ascii=False) + "\n")
        return 0
    print(f"{'code':<16} {'language':<34} {'pronunciations':<15} measured")
    for r in routes:
        print(f"{r.code:<16} {r.name[:34]:<34} {r.pronunciations:<15} {figure(r.code)}")
    print(f"{len(routes)} languages; --language auto reads the transcript's script, else asks the recogniser",
          file=sys.stderr)  # fmt: skip
    return 0
