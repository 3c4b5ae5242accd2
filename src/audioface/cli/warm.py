"""Whisper's model starts loading before the pipeline's modules import.

A line without a transcript spends about a third of its whole run importing and a fifth
loading tiny.en; CTranslate2 loads without holding the interpreter, so the two can overlap, but
only if the load starts before the imports, that is before the full parser (whose option
groups import the stages) can read the command line. So this reads the few options that say
whether ``animate`` will ask Whisper, with a parser of its own, and starts the load in a
thread; where the audio is a line (one of Whisper's windows), the thread decodes it too, so
that the encoder's work also overlaps the imports (a 5 s line: about 0.1 s less). It only
guesses: :func:`audioface.cli.options.recognizer` still decides, and a wrong guess costs a load
or a decoding that is not used (never a wrong result: the words are taken only for the same
samples, model, language and windows). It guesses only for ``animate``:
other commands fork workers (a child forked during a load inherits CTranslate2's locks held
by a thread it does not have) or hear no words.
"""

from __future__ import annotations

import argparse
import threading

_WHISPER_ASR = (None, "auto", "whisper")
_WORD_GENERATORS = (None, "learned", "rules")  # the others hear phones or the audio alone


def _guess() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    parser.add_argument("command", nargs="?")
    parser.add_argument("audio", nargs="?")
    for flag in ("--text", "--text-file", "--asr", "--asr-model", "--language", "--generator"):
        parser.add_argument(flag)
    # options that may come before the audio take their values, so that those are not taken for
    # it (a wrong guess would only decode a line for nothing)
    for flags in (("-o", "--output"), ("-f", "--format"), ("-j", "--jobs"), ("--fps",), ("--phones-out",),
                  ("--aligner",), ("--emotion",)):  # fmt: skip
        parser.add_argument(*flags)
    for flag in ("--stream", "-h", "--help"):
        parser.add_argument(flag, action="store_true")
    return parser


def hears_words(argv: list[str]) -> argparse.Namespace | None:
    """The options that matter where ``argv`` looks like an ``animate`` that will ask Whisper."""
    try:
        seen, _ = _guess().parse_known_intermixed_args(argv)
    except SystemExit:  # a malformed command line: the real parser says what is wrong
        return None
    if (seen.command != "animate" or seen.audio is None or seen.help or seen.h or seen.stream
            or seen.text is not None or seen.text_file is not None or seen.asr not in _WHISPER_ASR
            or seen.generator not in _WORD_GENERATORS):  # fmt: skip
        return None
    return seen


def whisper_load_ahead(argv: list[str]) -> bool:
    """Start loading the Whisper model that ``animate`` with ``argv`` will hear its words with,
    and decoding a line ahead (:func:`audioface.language.recognize.whisper.hear_ahead`); True
    where it was started."""
    seen = hears_words(argv)
    if seen is None:
        return False

    def load() -> None:
        from audioface.language.recognize import whisper

        whisper.hear_ahead(seen.audio, seen.asr_model, seen.language)

    # not a daemon: the interpreter waits for the load before it exits (a process that found no
    # speech ends sooner than the load; CTranslate2 aborts when torn down in the middle of one)
    threading.Thread(target=load, name="whisper-load-ahead").start()
    return True
