"""``audioface evaluate``: lip sync scored on a corpus with reference phone timings."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from audioface.cli.options import add_generator_option
from audioface.errors import AudioFaceError
from audioface.formats.phonesets import PHONESETS
from audioface.language import AUTO_LANGUAGE, check_language
from audioface.language.align.aligners import ALIGNERS, DEFAULT_ALIGNER
from audioface.motion.generators import resolve
from audioface.progress import progress_bar

EVALUATE_EXAMPLES = """\
examples:
  audioface evaluate corpus/dev                                  # three modes, table
  audioface evaluate corpus/dev --mode whisper                   # words recognised by Whisper
  audioface evaluate corpus/dev --mode transcript --report report.md
  audioface evaluate my_corpus --pred rhubarb_out/ --json scores.json   # score another tool's output
  audioface evaluate ../shared/data/emur-ae --phoneset sampa
  audioface evaluate corpus/dev-multilingual --mode transcript --by language  # each in its language
  audioface evaluate corpus/dev-multilingual --mode transcript --language en  # all read as English

A corpus is a folder (searched recursively) of NAME.wav with NAME.txt (transcript), reference phones
(NAME.phones.json, NAME.TextGrid or NAME.lab) and optionally a face capture NAME.csv (ARKit columns)
and the language spoken, NAME.lang (one line: a code such as fr); a folder with a manifest.tsv gives it
in a language column. --language auto (the default) tells the pipeline each item's own language, and
auto where an item has none; a code tells every item that language.
Reference labels in IPA or X-SAMPA (any language) are scored by articulation (docs/metrics.md).
Predictions for --pred are NAME.json (ours or Rhubarb's), NAME.csv (ARKit columns), NAME.tsv or NAME.xml.
"""


def add_parser(sub) -> None:
    ev = sub.add_parser(
        "evaluate",
        help="score lip sync on a corpus with reference phone timings",
        description="Score lip sync with the phone-anchored metrics of metrics.md: lip-sync score "
        "(closures, open vowels, rounding, labiodentals, rest), correlation, lag and movement ratio.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=EVALUATE_EXAMPLES,
    )
    ev.add_argument("corpus", help="corpus folder")
    ev.add_argument(
        "--mode",
        default="transcript,recognized,phonetic",
        help="pipeline modes to run, comma-separated: transcript, recognized (pocketsphinx words), whisper "
        "(Whisper's words), phonetic (default: transcript,recognized,phonetic)",
    )
    ev.add_argument("--pred", help="score existing predictions from this folder instead of running")
    ev.add_argument("--json", help="write all figures as JSON to this file ('-' for standard output)")
    ev.add_argument("--report", help="write a report with plots: .md or .html")
    ev.add_argument(
        "--phoneset", default="auto", choices=("auto", *PHONESETS),
        help="reference labels: auto (default; IPA where the labels hold IPA characters), arpabet, radio, "
        "timit, sampa (emuR's Australian English), ipa, xsampa",
    )  # fmt: skip
    ev.add_argument(
        "--language", default=AUTO_LANGUAGE, metavar="CODE",
        help="the language the pipeline is told for every item (a code such as en, fr or zh), or auto "
        "(default): each item's own (NAME.lang or the manifest's language column), else auto",
    )  # fmt: skip
    # evaluate.summary.GROUPS, named here: importing the evaluator would slow every command's start
    ev.add_argument("--by", choices=("language",), help="also summarise per group of items: language")
    ev.add_argument("--fps", type=float, default=60.0, help="frame rate for the pipeline's curves")
    ev.add_argument("--aligner", choices=ALIGNERS, default=DEFAULT_ALIGNER, help="who times the words")
    ev.add_argument("--mesh", help="ARKit reference mesh folder, for lip vertex error against captures")
    add_generator_option(ev)
    ev.add_argument("-j", "--jobs", type=int, default=None, help="worker processes (default: cores)")
    ev.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    ev.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from audioface.evaluate import find_items, load_reference_mesh
    from audioface.evaluate.report import table, to_json, write_report
    from audioface.evaluate.runner import MODES, plan, run
    from audioface.formats.atomic import write_atomic

    modes = [m.strip() for m in args.mode.split(",") if m.strip()]
    unknown = [m for m in modes if m not in MODES]
    if unknown:
        raise AudioFaceError(f"unknown --mode {', '.join(unknown)}; choose from {', '.join(MODES)}")
    pred = Path(args.pred) if args.pred else None
    if pred is not None and not pred.is_dir():
        raise AudioFaceError(f"prediction folder not found: {pred}")
    if args.report and Path(args.report).suffix.lower() not in (".md", ".html", ".htm"):
        raise AudioFaceError("--report must end in .md or .html")
    if args.report:
        from audioface.extras import require

        require("report", "--report")  # before the work, not after it
    for out in (args.report, None if args.json == "-" else args.json):
        if out and not Path(out).resolve().parent.is_dir():
            raise AudioFaceError(f"output folder does not exist: {Path(out).parent}")
    mesh = load_reference_mesh(args.mesh) if args.mesh else None
    spec = resolve(args.generator)  # fails on a missing model before the workers start
    language = check_language(args.language)
    items = find_items(args.corpus)
    for item in items if language == AUTO_LANGUAGE else ():
        if item.language:
            check_language(item.language)  # a corpus's unknown code fails here, naming it, not in a worker
    tasks = plan(items, modes, pred, args.phoneset, args.fps, mesh, spec, args.aligner, language)
    if not tasks:
        raise AudioFaceError(f"nothing to score in {args.corpus}: no item has reference phones")
    bar = progress_bar(args.quiet, "scoring", "item")
    try:
        results = run(tasks, args.jobs, bar.update if bar else None)
    finally:
        if bar:
            bar.close()
    if args.json == "-":
        sys.stdout.write(to_json(results, args.by))
    else:
        print(table(results, args.by))
        if args.json:
            write_atomic(args.json, to_json(results, args.by))
    if args.report:
        write_report(results, args.report, by=args.by)
        if not args.quiet:
            print(f"audioface: wrote {args.report}", file=sys.stderr)
    return 0
