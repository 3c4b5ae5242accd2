"""The ``audioface`` program: the parser made of the command modules, and the one place
that turns a user's mistake into a one-line error and an exit code."""

from __future__ import annotations

import argparse
import gc
import os
import sys

from audioface import __version__
from audioface.cli import (
    animate,
    batch,
    blender_addon,
    check_rig,
    evaluate,
    languages,
    live,
    phone_table,
    preview,
    serve,
    train,
)
from audioface.errors import AudioFaceError

# In the order `audioface --help` lists them; each module has add_parser(sub) and run(args).
COMMANDS = (
    animate,
    preview,
    evaluate,
    train,
    serve,
    live,
    batch,
    languages,
    phone_table,
    check_rig,
    blender_addon,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="audioface",
        description="Speech to facial animation (ARKit-52 blendshapes, visemes, mouth cues), "
        "guided by the phonemes spoken. Offline, on the CPU. Run 'audioface COMMAND --help' for details.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=animate.EXAMPLES,
    )
    parser.add_argument("--version", action="version", version=f"audioface {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        command.add_parser(sub)
    return parser


# The library names the setting at fault (AudioFaceError.setting); here is the flag that sets it.
FLAGS = {
    "fps": "--fps", "asr": "--asr", "max_duration": "--max-duration", "format": "--format",
    "dat_fps": "--dat-fps", "size": "--size", "generator": "--generator", "chunk_ms": "--chunk-ms",
    "data": "--data", "text": "--text", "asr_model": "--asr-model", "asr_url": "--asr-url",
    "address": "--livelink/--vmc", "phone_table": "--phone-table", "jaw": "--jaw", "lips": "--lips",
    "smoothing": "--smoothing", "min_hold": "--min-hold", "coarticulation": "--coarticulation",
    "language": "--language",
    "smile": "--gain", "cheeks": "--gain", "brows": "--gain", "eyes": "--gain", "head": "--gain",
}  # fmt: skip


def _message(exc: AudioFaceError) -> str:
    flag = FLAGS.get(exc.setting or "")
    return f"{exc} (see {flag})" if flag else str(exc)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return args.run(args)
    except AudioFaceError as exc:
        print(f"audioface: error: {_message(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("audioface: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader stopped early (`| head`): nothing to say, nowhere to say it
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except OSError as exc:
        print(
            f"audioface: error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "),
            file=sys.stderr,
        )
        return 1


def entry() -> int:
    """The ``audioface`` command: :func:`main`, then the heap frozen before the interpreter
    exits. Its last garbage collection walks every object the imports made (numba's and scipy's
    registries are large): about half a second of a preview's whole process, for memory the
    operating system takes back anyway. Outputs are written and closed by then, and standard
    streams are flushed at exit whatever the collector does."""
    code = main()
    gc.freeze()
    return code
