"""Timing one piece of audio: the work each parallel worker does.

Every function here takes one :class:`PieceJob` (picklable, so it can go to a
worker process) and returns finished :class:`Word` objects in absolute time.

The chain for a transcript is:
1. force-align the whole piece (:mod:`audioface.language.align.aligners`: the learned aligner,
   or pocketsphinx where it doubts a word or was asked for);
2. compare every word's pocketsphinx score with the piece's typical word: a run of
   words that scores far below it may not match the audio; unless the learned aligner
   is sure of those words there, the stretch takes the phones heard in it instead
   ("recognized" pseudo-words, empty text);
3. if alignment fails outright, cut the piece at its inner pauses and align
   the parts;
4. whatever still fails is spread over the voiced time ("estimated").
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from audioface.audio.load import SAMPLE_RATE
from audioface.language.align import aligners, sphinx
from audioface.language.align.estimate import spread
from audioface.language.align.pieces import Piece, assign_tokens, expected_duration
from audioface.language.pronounce import lookup
from audioface.language.recognize import phone_loop
from audioface.phones import VOWELS, split_stress
from audioface.track import Phone, Word

MIN_INNER_PAUSE = 0.08
HEARING_CONTEXT = 0.5  # s of audio each side of a stretch whose phones are heard
# Acoustic score per 10 ms frame relative to the piece's median word. On the test
# recordings, matching words measured -42..+16, words not in the audio -25..-115:
# a word below SEED starts a mismatched stretch, which grows through neighbours below GROW.
MISMATCH_SEED = -45.0
MISMATCH_GROW = -20.0

WordCue = tuple[str, bool]  # (word, pause after it): a normalised Token in the picklable form workers take


@dataclass(frozen=True)
class PieceJob:
    piece: Piece
    pcm: bytes  # int16 PCM of exactly piece.start..piece.end
    tokens: tuple[WordCue, ...] = ()
    # For span_job: the piece may start within the first free_head + 1 tokens and end
    # within the last free_tail + 1; ``first`` is the index of tokens[0] in the transcript.
    free_head: int = 0
    free_tail: int = 0
    first: int = 0
    # Score every aligned word against the piece's typical word and re-recognise stretches that
    # do not match the audio. Worth its cost (about half the alignment time) for a user's
    # transcript, which may not be what was said; not for words a recogniser just heard.
    check: bool = True
    aligner: str = aligners.SPHINX  # see audioface.language.align.aligners
    # For phonetic_job: Whisper's encoder's log posteriors of the piece (10 ms frames), or None
    whisper_heard: np.ndarray | None = None
    # the tokens' language: how they become phones (see lookup); for phonetic_job, the speech's
    # where known ("auto" where not), which picks the live phone model
    language: str = lookup.ENGLISH


def align_job(job: PieceJob) -> list[Word]:
    with lookup.speaking(job.language):
        return _align_or_split(job, job.piece, job.pcm, list(job.tokens), depth=0, verify=True)


def span_job(job: PieceJob) -> tuple[tuple[int, int], list[Word] | None]:
    """Let the audio decide which stretch of the tokens the piece holds: the transcript
    indices [start, end); where no stretch fits, the estimated tokens (without the free ones).
    The learned aligner also times the stretch's words: its span pass already found their path
    (:func:`audioface.language.align.learned_aligner.align` keeps it). Pocketsphinx aligns later,
    once the neighbours' cuts are settled."""
    words = [w for w, _ in job.tokens]
    with lookup.speaking(job.language):
        try:
            a, b = aligners.choose_span(job.pcm, words, job.free_head, job.free_tail)
        except RuntimeError:
            a, b = job.free_head, len(words) - job.free_tail
        timed = None
        if job.aligner == aligners.LEARNED:
            timed = _align_or_split(job, job.piece, job.pcm, list(job.tokens[a:b]), depth=0, verify=True)
    return (job.first + a, job.first + b), timed


def recognize_job(job: PieceJob) -> list[Word]:
    """Recognise the words, then align them for phone times."""
    heard = [(w, False) for w in sphinx.recognize(job.pcm)]
    aligned = _align(job.aligner, job.pcm, heard, job.piece.start, origin="recognized")
    if aligned is not None:
        return aligned[1]
    return _align_or_split(job, job.piece, job.pcm, heard, depth=1, verify=False)


def phonetic_job(job: PieceJob) -> list[Word]:
    """Phone recognition: one pseudo-word (empty text) per run of touching phones."""
    heard = phone_loop.recognize_phones(job.pcm, job.whisper_heard, job.language)
    return _phone_words(
        [Phone(split_stress(n)[0], job.piece.start + s, job.piece.start + e) for n, s, e in heard]
    )


def _phone_words(phones: list[Phone]) -> list[Word]:
    """Phones heard as pseudo-words (empty text, "recognized"), one per run of touching phones."""
    words: list[Word] = []
    run: list[Phone] = []
    for ph in phones:
        if run and ph.start - run[-1].end > 0.02:
            words.append(Word("", run[0].start, run[-1].end, tuple(run), "recognized"))
            run = []
        run.append(ph)
    if run:
        words.append(Word("", run[0].start, run[-1].end, tuple(run), "recognized"))
    return words


def _align_or_split(
    job: PieceJob, piece: Piece, pcm: bytes, tokens: list[WordCue], depth: int, verify: bool
) -> list[Word]:
    if not tokens:
        return []
    words = [w for w, _ in tokens]
    prons = {w: lookup.first_pronunciation(w) for w in set(words)}
    aligned = _align(job.aligner, pcm, tokens, piece.start, origin="transcript" if verify else "recognized")
    if aligned is not None:
        raw, timed = aligned
        return _verify(piece, pcm, raw, timed) if verify and job.check and raw else timed
    parts = _inner_parts(piece)
    if depth == 0 and len(parts) > 1:
        starts = assign_tokens(parts, [expected_duration(prons[w]) for w in words], [p for _, p in tokens])
        out: list[Word] = []
        for k, part in enumerate(parts):
            sub = tokens[starts[k] : starts[k + 1] if k + 1 < len(parts) else len(tokens)]
            out += _align_or_split(
                job, part, _slice(pcm, piece, part.start, part.end), sub, depth + 1, verify
            )
        return out
    return spread([(w, prons[w]) for w in words], list(piece.regions), piece.start, piece.end)


def _align(aligner: str, pcm: bytes, tokens: list[WordCue], offset: float, origin: str):
    """(raw pocketsphinx words, finished Words), or None when alignment fails. The raw words
    are empty when the learned aligner placed them surely: nothing left to check."""
    words = [w for w, _ in tokens]
    try:
        raw, scored = aligners.align(aligner, pcm, words)
    except RuntimeError:
        return None
    return raw if scored else [], [_finish(r, offset, tokens[i][1], origin) for i, r in enumerate(raw)]


def _verify(piece: Piece, pcm: bytes, raw: list[sphinx.RawWord], timed: list[Word]) -> list[Word]:
    """Replace runs of words that do not match the audio by what is heard there."""
    scores = np.array([r[4] for r in raw])
    relative = scores - np.median(scores)
    bad = relative < MISMATCH_SEED
    if not bad.any():
        return timed
    for i in np.flatnonzero(bad):  # grow each seed through weakly matching neighbours
        for step in (-1, 1):
            j = i + step
            while 0 <= j < len(bad) and not bad[j] and relative[j] < MISMATCH_GROW:
                bad[j] = True
                j += step
    out: list[Word] = []
    i = 0
    while i < len(timed):
        if not bad[i]:
            out.append(timed[i])
            i += 1
            continue
        j = i
        while j < len(timed) and bad[j]:
            j += 1
        stretch = timed[i:j]
        out += stretch if _heard_as_written(piece, pcm, stretch) else _hear_stretch(piece, pcm, stretch)
        i = j
    return out


def _heard_as_written(piece: Piece, pcm: bytes, words: list[Word]) -> bool:
    """A second opinion on a stretch pocketsphinx scored low: the learned aligner's, which is
    sure of its words on most real speech where pocketsphinx's scores dip (a voice unlike its
    models'), and doubts words that are not in the audio (the threshold's figures:
    :mod:`audioface.language.align.aligners`). Asking costs a few milliseconds; hearing its phones
    instead, a few tens."""
    chunk = _slice(pcm, piece, words[0].start, words[-1].end)
    return aligners.sure_of(chunk, [w.word for w in words])


def _hear_stretch(piece: Piece, pcm: bytes, words: list[Word]) -> list[Word]:
    """The phones heard over the stretch, as pseudo-words: what the mouth must say there.

    The learned phone loop hears them (:mod:`audioface.language.recognize.phone_loop`), with
    ``HEARING_CONTEXT`` of the audio each side, since its models listen about 0.6 s each way.
    Recognising words there instead (pocketsphinx's language model, then aligning them) took
    0.4 s or more a stretch, most of it making the decoder; the mouth needs the phones."""
    start, end = words[0].start, words[-1].end
    lo, hi = max(piece.start, start - HEARING_CONTEXT), min(piece.end, end + HEARING_CONTEXT)
    heard = phone_loop.recognize_phones(_slice(pcm, piece, lo, hi), language=lookup.current())
    phones = [
        Phone(split_stress(n)[0], max(lo + s, start), min(lo + e, end))
        for n, s, e in heard
        if start <= lo + (s + e) / 2 < end
    ]
    return _phone_words(phones) or [replace(w, origin="estimated") for w in words]


def _slice(pcm: bytes, piece: Piece, start: float, end: float) -> bytes:
    a = int(round((start - piece.start) * SAMPLE_RATE)) * 2
    b = int(round((end - piece.start) * SAMPLE_RATE)) * 2
    return pcm[max(a, 0) : b]


def _inner_parts(piece: Piece) -> list[Piece]:
    regions = list(piece.regions)
    cuts = [
        (e + s2) / 2
        for (_, e), (s2, _) in zip(regions, regions[1:], strict=False)
        if s2 - e >= MIN_INNER_PAUSE
    ]
    bounds = [piece.start, *cuts, piece.end]
    return [
        Piece(a, b, tuple((max(s, a), min(e, b)) for s, e in regions if e > a and s < b))
        for a, b in zip(bounds, bounds[1:], strict=False)
    ]


def _finish(raw: sphinx.RawWord, offset: float, pause_after: bool, origin: str = "transcript") -> Word:
    name, start, end, phones, _ = raw
    stresses = _stress_pattern(name, [p[0] for p in phones])
    timed = tuple(
        Phone(p, offset + s, offset + e, stress) for (p, s, e), stress in zip(phones, stresses, strict=True)
    )
    return Word(name, offset + start, offset + end, timed, origin, pause_after)


def _stress_pattern(word: str, phones: list[str]) -> list[int | None]:
    """Stress digits for the aligned phones, from the dictionary variant that matches."""
    variants = lookup.pronunciations(word)
    for v in variants:
        if [split_stress(p)[0] for p in v] == phones:
            return [split_stress(p)[1] for p in v]
    vowel_stress = [split_stress(p)[1] for p in (variants[0] if variants else ()) if p[-1].isdigit()]
    return [vowel_stress.pop(0) if vowel_stress and p in VOWELS else None for p in phones]


__all__ = ["PieceJob", "align_job", "phonetic_job", "recognize_job"]
