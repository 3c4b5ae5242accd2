"""``audioface batch``: a folder or a manifest of recordings into one output folder."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from audioface.cli.options import (
    add_face_options,
    add_generator_option,
    add_output_options,
    face_options,
    output_options,
)
from audioface.errors import AudioFaceError
from audioface.formats import FORMATS
from audioface.language import AUTO_LANGUAGE
from audioface.language.align.aligners import ALIGNERS, DEFAULT_ALIGNER
from audioface.language.recognize.recognizers import ASR_MODES, DEFAULT_ASR
from audioface.motion.generators import resolve
from audioface.progress import progress_bar

BATCH_EXAMPLES = """\
examples:
  audioface batch lines/ --out anim/                      # every recording, with its same-name .txt
  audioface batch lines/ --out anim/ --format rhubarb-tsv  # Rhubarb cues for a 2D pipeline
  audioface batch manifest.csv --out anim/ --force         # redo everything

A manifest is a CSV (with a header row) or JSONL with the columns audio, and optionally text or
text_file, name (the output's name) and any of format, fps, generator, asr, emotion, language per row; paths
are relative to the manifest. Outputs are OUT/NAME.EXT; files whose output is newer than the input
are skipped. OUT/batch-report.json says what happened to each file; the exit code is 1 if any failed.
"""


def add_parser(sub) -> None:
    bt = sub.add_parser(
        "batch",
        help="animate a folder or a manifest of recordings into one output folder",
        description="Animate many recordings; one bad file never stops the batch, and a rerun only does "
        "what is missing or older than its input.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=BATCH_EXAMPLES,
    )
    bt.add_argument("inputs", help="a folder of recordings (+ .txt transcripts), or a .csv/.jsonl manifest")
    bt.add_argument("--out", required=True, help="output folder (made if missing)")
    bt.add_argument(
        "-f",
        "--format",
        default="livelink",
        choices=list(FORMATS),
        help="output format for every file (default livelink: .csv)",
    )
    bt.add_argument("--fps", type=float, default=60.0, help="frames per second (default 60)")
    bt.add_argument("--asr", choices=ASR_MODES, default=DEFAULT_ASR, help="recogniser for files without text")
    bt.add_argument("--language", default=AUTO_LANGUAGE, metavar="CODE",
                    help="the language spoken in every file (a manifest's language column may say per row): "
                    "a code such as fr or zh, or auto (default)")  # fmt: skip
    bt.add_argument("--aligner", choices=ALIGNERS, default=DEFAULT_ALIGNER,
                    help="who times the words: auto (default) is learned, pocketsphinx where it is "
                    "unsure; sphinx is pocketsphinx throughout")  # fmt: skip
    bt.add_argument("--force", action="store_true", help="redo files whose output is up to date")
    bt.add_argument(
        "--ray",
        metavar="auto|ADDRESS|local",
        help="run on a Ray cluster (needs the [ray] extra): auto joins this machine's cluster",
    )
    add_output_options(bt)
    add_generator_option(bt)
    add_face_options(bt)
    bt.add_argument("-j", "--jobs", type=int, default=None, help="worker processes (default: cores)")
    bt.add_argument("-q", "--quiet", action="store_true", help="no progress bar or summary")
    bt.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from audioface.batch import REPORT, BatchOptions, from_folder, from_manifest, run_batch, summary

    if args.jobs is not None and args.jobs < 1:
        raise AudioFaceError("--jobs must be at least 1")
    resolve(args.generator)
    face = face_options(args)
    save_options = output_options(args)
    options = BatchOptions(format=args.format, fps=args.fps, generator=args.generator, asr=args.asr,
                           aligner=args.aligner, emotion=args.emotion, language=args.language, face=face,
                           save_options=save_options)  # fmt: skip
    source = Path(args.inputs)
    if source.is_dir():
        items = from_folder(source, options)
    elif source.is_file():
        items = from_manifest(source, options)
    else:
        raise AudioFaceError(f"inputs not found: {source}")
    bar = progress_bar(args.quiet, "animating", "file")
    try:
        reports = run_batch(items, args.out, force=args.force, jobs=args.jobs,
                            progress=bar.update if bar else None, ray=args.ray)  # fmt: skip
    finally:
        if bar:
            bar.close()
    failed = [r for r in reports if r.status == "failed"]
    if not args.quiet:
        counts = summary(reports)
        print(f"audioface: {counts['ok']} animated, {counts['skipped']} up to date, "
              f"{counts['failed']} failed; report in {Path(args.out) / REPORT}", file=sys.stderr)  # fmt: skip
        for r in failed:
            print(f"audioface: failed: {r.audio}: {r.reason}", file=sys.stderr)
    return 1 if failed else 0
