"""The ``audioface`` command: one module per command (its parser and its handler), the option
groups several commands share in ``options``, and ``program`` (the parser, ``main``, error
printing). A command only parses, calls the library and prints."""

from audioface.cli.program import build_parser, entry, main

__all__ = ["build_parser", "entry", "main"]
