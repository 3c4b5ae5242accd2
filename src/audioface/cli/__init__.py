"""The ``audioface`` command: one module per command (its parser and its handler), the option
groups several commands share in ``options``, and ``program`` (the parser, ``main``, error
printing). A command only parses, calls the library and prints.

``entry`` (the installed command) first lets Whisper's model start loading where ``animate``
will need it (:mod:`audioface.cli.warm`), then imports the parser: its option groups import
the whole pipeline, which takes as long as the load."""

from __future__ import annotations

import sys


def entry() -> int:
    from audioface.cli.warm import whisper_load_ahead

    whisper_load_ahead(sys.argv[1:])
    from audioface.cli.program import entry as run

    return run()


def main(argv: list[str] | None = None) -> int:
    from audioface.cli.program import main as run

    return run(argv)


def build_parser():
    from audioface.cli.program import build_parser as build

    return build()


__all__ = ["build_parser", "entry", "main"]
