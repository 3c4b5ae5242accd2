"""Timing one piece of audio: the work each parallel worker does.

Every function here takes one :class:`PieceJob` (picklable, so it can go to a
worker process) and returns finished :class:`Word` objects in absolute time.
The fallback chain for a transcript is: align the whole piece; if that fails,
cut it at its inner pauses and align the parts; whatever still fails is spread
over the voiced time and marked ``aligned=False``.
"""

from __future__ import annotations

from dataclasses import dataclass

from audioface.audio.load import SAMPLE_RATE
from audioface.language import lexicon, sphinx
from audioface.language.estimate import spread
from audioface.language.pieces import Piece, assign_tokens, expected_duration
from audioface.phones import split_stress
from audioface.track import Phone, Word

MIN_INNER_PAUSE = 0.08


@dataclass(frozen=True)
class PieceJob:
    piece: Piece
    pcm: bytes  # int16 PCM of exactly piece.start..piece.end
    tokens: tuple[tuple[str, bool], ...] = ()  # (word, pause_after)


def align_job(job: PieceJob) -> list[Word]:
    words = _align_or_split(job.piece, job.pcm, list(job.tokens), job.piece.start, depth=0)
    return words


def recognize_job(job: PieceJob) -> list[Word]:
    """Recognise the words, then align them for phone times."""
    heard = sphinx.recognize(job.pcm)
    return _align_or_split(job.piece, job.pcm, [(w, False) for w in heard], job.piece.start, 1)


def phonetic_job(job: PieceJob) -> list[Word]:
    """Phone recognition: one pseudo-word (empty text) per run of touching phones."""
    words: list[Word] = []
    run: list[Phone] = []
    for name, start, end in sphinx.recognize_phones(job.pcm):
        ph = Phone(split_stress(name)[0], job.piece.start + start, job.piece.start + end)
        if run and ph.start - run[-1].end > 0.02:
            words.append(Word("", run[0].start, run[-1].end, tuple(run)))
            run = []
        run.append(ph)
    if run:
        words.append(Word("", run[0].start, run[-1].end, tuple(run)))
    return words


def _align_or_split(
    piece: Piece, pcm: bytes, tokens: list[tuple[str, bool]], offset: float, depth: int
) -> list[Word]:
    if not tokens:
        return []
    words = [w for w, _ in tokens]
    prons = {w: _pron(w) for w in set(words)}
    try:
        raw = sphinx.align(pcm, words, {w: tuple(split_stress(p)[0] for p in prons[w]) for w in prons})
        return [_finish(w, offset, tokens[i][1]) for i, w in enumerate(raw)]
    except RuntimeError:
        pass
    parts = _inner_parts(piece)
    if depth == 0 and len(parts) > 1:
        starts = assign_tokens(parts, [expected_duration(prons[w]) for w in words], [p for _, p in tokens])
        out: list[Word] = []
        for k, part in enumerate(parts):
            sub = tokens[starts[k] : starts[k + 1] if k + 1 < len(parts) else len(tokens)]
            a = int(round((part.start - piece.start) * SAMPLE_RATE)) * 2
            b = int(round((part.end - piece.start) * SAMPLE_RATE)) * 2
            out += _align_or_split(part, pcm[a:b], sub, part.start, depth + 1)
        return out
    return spread([(w, prons[w]) for w in words], list(piece.regions), piece.start, piece.end)


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


def _pron(word: str) -> tuple[str, ...]:
    found = lexicon.pronunciations(word)
    return found[0] if found else ("AH0",)


def _finish(raw: sphinx.RawWord, offset: float, pause_after: bool) -> Word:
    name, start, end, phones = raw
    stresses = _stress_pattern(name, [p[0] for p in phones])
    timed = tuple(
        Phone(p, offset + s, offset + e, stress) for (p, s, e), stress in zip(phones, stresses, strict=True)
    )
    return Word(name, offset + start, offset + end, timed, True, pause_after)


def _stress_pattern(word: str, phones: list[str]) -> list[int | None]:
    """Stress digits for the aligned phones, from the dictionary variant that matches."""
    variants = lexicon.pronunciations(word)
    for v in variants:
        if [split_stress(p)[0] for p in v] == phones:
            return [split_stress(p)[1] for p in v]
    vowel_stress = [split_stress(p)[1] for p in (variants[0] if variants else ()) if p[-1].isdigit()]
    out: list[int | None] = []
    for p in phones:
        out.append(vowel_stress.pop(0) if vowel_stress and p in _VOWEL_SET else None)
    return out


_VOWEL_SET = {
    "AA",
    "AE",
    "AH",
    "AO",
    "AW",
    "AY",
    "EH",
    "ER",
    "EY",
    "IH",
    "IY",
    "OW",
    "OY",
    "UH",
    "UW",
}
