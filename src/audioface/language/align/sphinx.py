"""pocketsphinx on one piece of audio: forced alignment, word and phone recognition.

Each function takes 16 kHz int16 PCM of one piece (a few seconds to tens of
seconds, cut at pauses) and returns times in seconds relative to the piece. The
settings follow what is known to work (shared/reference/tooling.md): no
bestpath and wide beams for alignment, otherwise the phone pass fails on some
audio. Every call makes a fresh decoder: a reused pocketsphinx decoder carries
state from one utterance into the next, so results would depend on what a
worker process happened to decode before. An alignment decoder is cheap to make
(10 ms, not 150): it loads a dictionary of just the words it aligns, with every
pronunciation the model's own dictionary gives them, since loading all 135k
entries is most of what a fresh decoder costs and alignment looks at no other word.
"""

from __future__ import annotations

import bisect
import os
import tempfile
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where a decoder is made: `import audioface` stays light
    from pocketsphinx import Decoder

from audioface.audio.load import SAMPLE_RATE
from audioface.language.pronounce import lookup

FRAME = 0.01  # pocketsphinx frame period, seconds

RawPhone = tuple[str, float, float]  # (ARPAbet without stress, start, end)
RawWord = tuple[str, float, float, list[RawPhone], float]  # ..., acoustic score per frame


def _model(*parts: str) -> str:
    from pocketsphinx import get_model_path

    return os.path.join(get_model_path(), *parts)


def _decoder(**settings) -> Decoder:
    """The shipped US-English acoustic model, 16 kHz, quiet, and batch CMN so that each
    piece is normalised on its own."""
    from pocketsphinx import Decoder

    base = {"hmm": _model("en-us", "en-us"), "samprate": SAMPLE_RATE, "cmn": "batch", "loglevel": "FATAL"}
    return Decoder(**base, **settings)


def _align_decoder(words: list[str], prons: dict) -> Decoder:
    """A decoder that knows ``words`` (the model's pronunciations, else ``prons``) and no other."""
    entries = []
    for w in sorted(set(words)):
        own = _entries(w) if lookup.is_english() else []  # its dictionary is English
        if own:
            entries += own
        elif prons.get(w):
            entries.append(f"{w} {' '.join(prons[w])}")
        else:
            raise RuntimeError(f"no pronunciation for {w!r}")
    fd, path = tempfile.mkstemp(prefix="audioface-align-", suffix=".dict")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write("\n".join(entries) + "\n")
        return _decoder(dict=path, lm=None, bestpath=False, beam=1e-80, wbeam=1e-60, pbeam=1e-80)
    finally:
        os.unlink(path)


@lru_cache(maxsize=1)
def _model_dictionary() -> tuple[list[str], list[str]]:
    """The model's dictionary as (sorted head words, their lines); the file lists each word's
    variants, ``word(2)`` and on, right after it, in the order of the head words."""
    with open(_model("en-us", "cmudict-en-us.dict"), encoding="utf-8") as fh:
        lines = [line.rstrip("\n") for line in fh if line.strip()]
    return [line.split(" ", 1)[0].split("(", 1)[0] for line in lines], lines


def _entries(word: str) -> list[str]:
    heads, lines = _model_dictionary()
    i = bisect.bisect_left(heads, word)
    out = []
    while i < len(heads) and heads[i] == word:
        out.append(lines[i])
        i += 1
    return out


def _asr_decoder() -> Decoder:
    return _decoder(dict=_model("en-us", "cmudict-en-us.dict"), lm=_model("en-us", "en-us.lm.bin"))


def _decode(decoder: Decoder, pcm: bytes) -> None:
    decoder.start_utt()
    decoder.process_raw(pcm, full_utt=True)
    decoder.end_utt()


def align(pcm: bytes, words: list[str], prons: dict[str, tuple[str, ...]]) -> list[RawWord]:
    """Force-align ``words`` to the audio; raises RuntimeError when it cannot.

    ``prons`` gives a stress-free pronunciation for words the model's own
    dictionary lacks. Returned words drop the ``(2)`` variant suffix.
    """
    if not words:
        return []
    decoder = _align_decoder(words, prons)
    decoder.set_align_text(" ".join(words))
    _decode(decoder, pcm)
    if decoder.hyp() is None:
        raise RuntimeError("word pass found no path")
    decoder.set_alignment()
    _decode(decoder, pcm)
    alignment = decoder.get_alignment()
    if alignment is None:
        raise RuntimeError("phone pass found no path")
    out: list[RawWord] = []
    for w in alignment.words():
        name = w.name.split("(")[0]
        if name.startswith("<") or name.startswith("["):
            continue
        phones = [(p.name, p.start * FRAME, (p.start + p.duration) * FRAME) for p in w]
        score = sum(p.score for p in w) / max(w.duration, 1)
        out.append((name, w.start * FRAME, (w.start + w.duration) * FRAME, phones, score))
    if [w[0] for w in out] != words:
        raise RuntimeError("alignment did not cover the transcript")
    return out


def choose_span(pcm: bytes, words: list[str], free_head: int, free_tail: int, prons: dict) -> tuple[int, int]:
    """Which stretch of ``words`` is spoken in the piece: (start, end) indices.

    The piece may start at any of the first ``free_head + 1`` positions and end at
    any of the last ``free_tail + 1``: a grammar with nested optional words at both
    ends lets the audio decide where the cut falls in the text. Raises RuntimeError
    when no path through the grammar fits.
    """
    core = words[free_head : len(words) - free_tail]
    if not core:
        raise RuntimeError("no required words")
    decoder = _align_decoder(words, prons)
    head = _nest_left(words[:free_head])
    tail = _nest_right(words[len(words) - free_tail :])
    body = " ".join(_quote(w) for w in core)
    try:
        decoder.add_jsgf_string("span", f"#JSGF V1.0;\ngrammar span;\npublic <s> = {head} {body} {tail};\n")
    except ValueError as exc:
        raise RuntimeError(f"span grammar rejected: {exc}") from None
    decoder.activate_search("span")
    _decode(decoder, pcm)
    hyp = decoder.hyp()
    if hyp is None:
        raise RuntimeError("no path through the span grammar")
    heard = [w.split("(")[0] for w in hyp.hypstr.split()]
    for used_head in range(free_head + 1):
        start = free_head - used_head
        if heard[used_head : used_head + len(core)] == core and heard[:used_head] == words[start:free_head]:
            return start, start + len(heard)
    raise RuntimeError("span grammar result does not match the words")


def _quote(word: str) -> str:
    """A JSGF token (pocketsphinx's parser takes no quoted tokens)."""
    if not all(c.isalnum() or c in "'-." for c in word):
        raise RuntimeError(f"word {word!r} cannot go into a grammar")
    return word


def _nest_left(words: list[str]) -> str:
    """[ [ [ w0 ] w1 ] w2 ]: any suffix of the words, including none."""
    out = ""
    for w in words:
        out = f"[ {out} {_quote(w)} ]"
    return out


def _nest_right(words: list[str]) -> str:
    """[ w0 [ w1 [ w2 ] ] ]: any prefix of the words, including none."""
    out = ""
    for w in reversed(words):
        out = f"[ {_quote(w)} {out} ]"
    return out


def recognize(pcm: bytes) -> list[str]:
    """Words heard in the piece by the 3-gram language model, fillers dropped."""
    decoder = _asr_decoder()
    _decode(decoder, pcm)
    words = []
    for seg in decoder.seg():
        name = seg.word.split("(")[0]
        if not name.startswith(("<", "[", "+")):
            words.append(name)
    return words
