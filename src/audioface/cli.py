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

output formats (from --format, else the extension of -o):
  livelink      .csv   Live Link Face CSV (ARKit 52 + head/eye rotations), the default
  json          .json  names, fps, frames and the timed words and phones
  rhubarb-tsv   .tsv   Rhubarb Lip Sync mouth cues; also rhubarb-json, rhubarb-xml, rhubarb-dat (.xml, .dat)
  ovr                  Oculus/Meta 15-viseme weights per frame (CSV)
  vrm                  VRM 5-viseme (aa ih ou ee oh) weights per frame (CSV)
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="audioface",
        description="Speech to facial animation (ARKit-52 blendshapes, visemes, mouth cues), "
        "guided by the phonemes spoken. Offline, on the CPU.",
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
    anim.add_argument("-j", "--jobs", type=int, default=None, help="worker processes (default: cores)")
    anim.add_argument(
        "--max-duration", type=float, default=180.0, help="refuse audio longer than this, minutes"
    )
    anim.add_argument("-q", "--quiet", action="store_true", help="no progress bar or messages")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return _animate(args)
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
    if args.jobs is not None and args.jobs < 1:
        raise AudioFaceError("--jobs must be at least 1")
    text = _read_text(args)
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
        )
    finally:
        if bar:
            bar.close()
    options = {"extended_shapes": args.extended_shapes.upper(), "dat_fps": args.dat_fps}
    save(anim, output, fmt, **options)
    if args.phones_out:
        save_phones(anim, args.phones_out)
    if not args.quiet:
        _report(anim, output, text is not None)
    return 0


class _Bar:
    """tqdm over pieces of audio, created on the first report (short files have one piece)."""

    def __init__(self) -> None:
        self._bar = None

    def update(self, done: int, total: int) -> None:
        if total < 2:
            return
        if self._bar is None:
            from tqdm import tqdm

            self._bar = tqdm(total=total, unit="piece", desc="aligning", file=sys.stderr, leave=False)
        self._bar.n = done
        self._bar.refresh()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def _progress_bar(quiet: bool) -> _Bar | None:
    return None if quiet or not sys.stderr.isatty() else _Bar()


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
