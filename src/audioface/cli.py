"""The ``audioface`` command: a thin layer over :func:`audioface.animate`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from audioface import __version__
from audioface.errors import AudioFaceError

EXAMPLES = """\
examples:
  audioface animate speech.wav --text "Peter bought a muffin." -o speech.csv
  audioface animate speech.mp3 --text-file speech.txt -o speech.json --phones-out speech.TextGrid
  audioface animate speech.wav -o speech.tsv                 # no transcript: words are recognised
  audioface animate speech.wav --asr phonetic --format ovr -o visemes.csv
  audioface animate speech.wav --format rhubarb-json -o cues.json
  audioface animate speech.wav --text-file speech.txt --emotion happy --no-head -o happy.csv

output formats (from --format, else the extension of -o):
  livelink      .csv   Live Link Face CSV (ARKit 52 + head/eye rotations), the default
  json          .json  names, fps, frames and the timed words and phones
  rhubarb-tsv   .tsv   Rhubarb Lip Sync mouth cues; also rhubarb-json, rhubarb-xml, rhubarb-dat (.xml, .dat)
  ovr                  Oculus/Meta 15-viseme weights per frame (CSV)
  vrm                  VRM 5-viseme (aa ih ou ee oh) weights per frame (CSV)
  glb, gltf     .glb   morph-target animation on AudioFace's own face, or baked onto --mesh AVATAR.glb
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="audioface",
        description="Speech to facial animation (ARKit-52 blendshapes, visemes, mouth cues), "
        "guided by the phonemes spoken. Offline, on the CPU. Run 'audioface COMMAND --help' for details.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=EXAMPLES,
    )
    parser.add_argument("--version", action="version", version=f"audioface {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    anim = sub.add_parser(
        "animate",
        help="animate a face from a speech recording",
        description="Animate a face from a speech recording (WAV, FLAC, OGG or MP3).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=EXAMPLES,
    )
    anim.add_argument("audio", help="speech recording: WAV, FLAC, OGG or MP3, any rate and channels")
    anim.add_argument("-o", "--output", help="output file (default: AUDIO's name with .csv, here)")
    text = anim.add_mutually_exclusive_group()
    text.add_argument("--text", help="what is said (improves lip sync a lot)")
    text.add_argument("--text-file", help="UTF-8 text file with what is said")
    anim.add_argument(
        "--asr",
        choices=("words", "phonetic"),
        default="words",
        help="without a transcript: recognise words, then align them (default), or recognise phones directly",
    )
    anim.add_argument("--fps", type=float, default=60.0, help="frames per second (default 60)")
    anim.add_argument("-f", "--format", help="output format (see below); default from the extension")
    anim.add_argument("--phones-out", help="also write the timed words and phones (.json or .TextGrid)")
    anim.add_argument(
        "--extended-shapes",
        default="GHX",
        help="Rhubarb formats: which extended shapes to use, as Rhubarb's option (default GHX)",
    )
    anim.add_argument("--dat-fps", type=int, default=24, help="rhubarb-dat frame rate, 24-100")
    anim.add_argument(
        "--mesh", help="glb/gltf formats: your avatar (.glb) to bake onto (default: AudioFace's own face)"
    )
    anim.add_argument(
        "--gltf-targets",
        choices=("arkit", "visemes", "both"),
        default="arkit",
        help="glb/gltf: drive the avatar's ARKit-named morph targets (default), viseme_* targets, or both",
    )
    anim.add_argument("-j", "--jobs", type=int, default=None, help="worker processes (default: cores)")
    anim.add_argument(
        "--max-duration", type=float, default=180.0, help="refuse audio longer than this, minutes"
    )
    face = anim.add_argument_group("the rest of the face (all on by default)")
    for part, what in (("blinks", "blinks"), ("brows", "brow raises on prominent syllables"),
                       ("gaze", "eye drift and saccades"), ("head", "head motion from prosody"),
                       ("cheeks", "cheek and nose involvement")):  # fmt: skip
        face.add_argument(f"--no-{part}", action="store_true", help=f"no {what}")
    face.add_argument(
        "--emotion", default="neutral", help="neutral, happy, sad, angry or surprised (default neutral)"
    )
    face.add_argument("--emotion-intensity", type=float, default=0.6, help="0..1 (default 0.6)")
    face.add_argument("--seed", type=int, default=0, help="seed for blinks, gaze and sway (default 0)")
    anim.add_argument("-q", "--quiet", action="store_true", help="no progress bar or messages")
    _add_evaluate(sub)
    return parser


EVALUATE_EXAMPLES = """\
examples:
  audioface evaluate corpus/dev                                  # all three modes, table
  audioface evaluate corpus/dev --mode transcript --report report.md
  audioface evaluate my_corpus --pred rhubarb_out/ --json scores.json   # score another tool's output
  audioface evaluate ../shared/data/emur-ae --phoneset sampa

A corpus is a folder (searched recursively) of NAME.wav with NAME.txt (transcript), reference phones
(NAME.phones.json, NAME.TextGrid or NAME.lab) and optionally a face capture NAME.csv (ARKit columns).
Predictions for --pred are NAME.json (ours or Rhubarb's), NAME.csv (ARKit columns), NAME.tsv or NAME.xml.
"""


def _add_evaluate(sub) -> None:
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
        help="pipeline modes to run, comma-separated (default: all three)",
    )
    ev.add_argument("--pred", help="score existing predictions from this folder instead of running")
    ev.add_argument("--json", help="write all figures as JSON to this file ('-' for standard output)")
    ev.add_argument("--report", help="write a report with plots: .md or .html")
    ev.add_argument("--phoneset", default="auto", help="reference labels: auto, arpabet, radio, timit, sampa")
    ev.add_argument("--fps", type=float, default=60.0, help="frame rate for the pipeline's curves")
    ev.add_argument("--mesh", help="ARKit reference mesh folder, for lip vertex error against captures")
    ev.add_argument("-j", "--jobs", type=int, default=None, help="worker processes (default: cores)")
    ev.add_argument("-q", "--quiet", action="store_true", help="no progress bar")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return _animate(args) if args.command == "animate" else _evaluate(args)
    except AudioFaceError as exc:
        print(f"audioface: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("audioface: interrupted", file=sys.stderr)
        return 130
    except OSError as exc:
        print(
            f"audioface: error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "),
            file=sys.stderr,
        )
        return 1


def _read_text(args: argparse.Namespace) -> str | None:
    if args.text is not None:
        return args.text
    if args.text_file is None:
        return None
    path = Path(args.text_file)
    if not path.is_file():
        raise AudioFaceError(f"transcript file not found: {path}")
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise AudioFaceError(f"transcript file is not UTF-8 text: {path}") from None


def _animate(args: argparse.Namespace) -> int:
    from audioface.api import animate
    from audioface.output import resolve_format, save, save_phones

    output = args.output or Path(args.audio).with_suffix(".csv").name
    fmt = resolve_format(output, args.format)  # fail on a bad format before the work
    if args.mesh and not Path(args.mesh).is_file():
        raise AudioFaceError(f"avatar not found: {args.mesh}")
    if args.jobs is not None and args.jobs < 1:
        raise AudioFaceError("--jobs must be at least 1")
    text = _read_text(args)
    from audioface.motion import FaceOptions
    from audioface.motion.emotion import preset

    preset(args.emotion, args.emotion_intensity)  # fail on a bad emotion before the work
    face = FaceOptions(
        blinks=not args.no_blinks, brows=not args.no_brows, gaze=not args.no_gaze, head=not args.no_head,
        cheeks=not args.no_cheeks, emotion=args.emotion, intensity=args.emotion_intensity, seed=args.seed,
    )  # fmt: skip
    bar = _progress_bar(args.quiet)
    try:
        anim = animate(
            args.audio,
            text,
            fps=args.fps,
            asr=args.asr,
            jobs=args.jobs,
            max_duration=args.max_duration * 60.0,
            progress=bar.update if bar else None,
            face=face,
        )
    finally:
        if bar:
            bar.close()
    options = {
        "extended_shapes": args.extended_shapes.upper(),
        "dat_fps": args.dat_fps,
        "mesh": args.mesh,
        "gltf_targets": args.gltf_targets,
    }
    save(anim, output, fmt, **options)
    if args.phones_out:
        save_phones(anim, args.phones_out)
    if not args.quiet:
        _report(anim, output, text is not None)
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from audioface.evaluate import find_items, load_reference_mesh
    from audioface.evaluate.report import table, to_json, write_report
    from audioface.evaluate.runner import MODES, plan, run
    from audioface.output.atomic import write_atomic

    modes = [m.strip() for m in args.mode.split(",") if m.strip()]
    unknown = [m for m in modes if m not in MODES]
    if unknown:
        raise AudioFaceError(f"unknown --mode {', '.join(unknown)}; choose from {', '.join(MODES)}")
    pred = Path(args.pred) if args.pred else None
    if pred is not None and not pred.is_dir():
        raise AudioFaceError(f"prediction folder not found: {pred}")
    if args.report and Path(args.report).suffix.lower() not in (".md", ".html", ".htm"):
        raise AudioFaceError("--report must end in .md or .html")
    for out in (args.report, None if args.json == "-" else args.json):
        if out and not Path(out).resolve().parent.is_dir():
            raise AudioFaceError(f"output folder does not exist: {Path(out).parent}")
    mesh = load_reference_mesh(args.mesh) if args.mesh else None
    tasks = plan(find_items(args.corpus), modes, pred, args.phoneset, args.fps, mesh)
    if not tasks:
        raise AudioFaceError(f"nothing to score in {args.corpus}: no item has reference phones")
    bar = _progress_bar(args.quiet, "scoring", "item")
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


class _Bar:
    """tqdm over pieces of audio, created on the first report (short files have one piece)."""

    def __init__(self, desc: str = "aligning", unit: str = "piece") -> None:
        self._bar = None
        self._desc, self._unit = desc, unit

    def update(self, done: int, total: int) -> None:
        if total < 2:
            return
        if self._bar is None:
            from tqdm import tqdm

            self._bar = tqdm(total=total, unit=self._unit, desc=self._desc, file=sys.stderr, leave=False)
        self._bar.n = done
        self._bar.refresh()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def _progress_bar(quiet: bool, desc: str = "aligning", unit: str = "piece") -> _Bar | None:
    return None if quiet or not sys.stderr.isatty() else _Bar(desc, unit)


def _report(anim, output: str, had_text: bool) -> None:
    words = anim.track.words
    estimated = sum(not w.aligned for w in words)
    print(
        f"audioface: wrote {output} ({anim.n_frames} frames at {anim.fps:g} fps, "
        f"{len(words)} words from {anim.track.source})",
        file=sys.stderr,
    )
    if not words:
        print("audioface: no speech found: the face stays at rest", file=sys.stderr)
    elif had_text and estimated > 0.3 * len(words):
        print(
            f"audioface: warning: {estimated} of {len(words)} words could not be aligned and "
            "were spread over the speech: does the transcript match the audio?",
            file=sys.stderr,
        )
