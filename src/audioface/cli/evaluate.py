"""``audioface evaluate``: lip sync scored on a corpus with reference phone timings."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from audioface.cli.options import add_generator_option
from audioface.errors import AudioFaceError
from audioface.language.aligners import ALIGNERS, DEFAULT_ALIGNER
from audioface.motion.generators import resolve
from audioface.progress import progress_bar

EVALUATE_EXAMPLES = """\
examples:
  audioface evaluate corpus/dev                                  # three modes, table
  audioface evaluate corpus/dev --mode whisper                   # words recognised by Whisper
  audioface evaluate corpus/dev --mode transcript --report report.md
  audioface evaluate my_corpus --pred rhubarb_out/ --json scores.json   # score another tool's output
  audioface evaluate ../shared/data/emur-ae --phoneset sampa

A corpus is a folder (searched recursively) of NAME.wav with NAME.txt (transcript), reference phones
(NAME.phones.json, NAME.TextGrid or NAME.lab) and optionally a face capture NAME.csv (ARKit columns).
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
        "(needs the [whisper] extra), phonetic (default: transcript,recognized,phonetic)",
    )
    ev.add_argument("--pred", help="score existing predictions from this folder instead of running")
    ev.add_argument("--json", help="write all figures as JSON to this file ('-' for standard output)")
    ev.add_argument("--report", help="write a report with plots: .md or .html")
    ev.add_argument("--phoneset", default="auto", help="reference labels: auto, arpabet, radio, timit, sampa")
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
    tasks = plan(find_items(args.corpus), modes, pred, args.phoneset, args.fps, mesh, spec, args.aligner)
    if not tasks:
        raise AudioFaceError(f"nothing to score in {args.corpus}: no item has reference phones")
    bar = progress_bar(args.quiet, "scoring", "item")
    try:
        results = run(tasks, args.jobs, bar.update if bar else None)
    finally:
        if bar:
            bar.close()
    if args.json == "-":
        sys.stdout.write(to_json(results))
    else:
        print(table(results))
        if args.json:
            write_atomic(args.json, to_json(results))
    if args.report:
        write_report(results, args.report)
        if not args.quiet:
            print(f"audioface: wrote {args.report}", file=sys.stderr)
    return 0
