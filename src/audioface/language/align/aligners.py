"""Which forced aligner times the words: the one place that decides.

``auto`` (the default) is ``learned``: the phone model's posteriors with a Viterbi pass
(:mod:`audioface.language.align.learned_aligner`), one network pass and a short loop per piece,
several times faster than pocketsphinx. Where it doubts a stretch of words (their mean log
posterior is low: the transcript may not be what was said, or the voice is unlike any it
learned from), the piece goes to pocketsphinx, whose acoustic scores then drive the check that
replaces words the audio does not hold by the phones heard there. ``sphinx`` times every piece
with pocketsphinx; on a long file the learned aligner still decides which words each piece holds
(:func:`choose_span`), and it is asked again before pocketsphinx's check replaces a stretch
(:func:`sure_of`).

Why the learned aligner is the default (BENCHMARKS.md, ``bench/bench_aligners.py``): on the
hand-labelled real speech of emur-ae its phone starts are within 20 / 50 ms of the labels for
0.822 / 0.984 of phones against pocketsphinx's 0.767 / 0.984, on corpus/dev's exact timings
0.939 / 0.990 against 0.783 / 0.956, with the same or better lip sync on both; a minute with its
transcript takes about half the time. It became the default once it matched pocketsphinx on
both sets (issue 12's rule), which it did when its vowels were pooled (learned_aligner.VOWEL_SHARE).
With Whisper's words on held-out real speakers (125 utterances) it scored 0.953 (closures 0.925)
against pocketsphinx's 0.943 (0.904) at an earlier stop.
"""

from __future__ import annotations

from audioface.errors import AudioFaceError
from audioface.language.align import acoustic, learned_aligner, sphinx
from audioface.language.pronounce import lookup
from audioface.phones import split_stress

AUTO, LEARNED, SPHINX = "auto", "learned", "sphinx"
ALIGNERS = (AUTO, LEARNED, SPHINX)
DEFAULT_ALIGNER = AUTO
# The learned aligner doubts a piece when some stretch of its words (at least STRETCH_S long,
# so a short word's few frames do not decide alone) averages a log posterior per frame below
# CONFIDENT. The posteriors are those the path was found on, vowels pooled
# (learned_aligner.VOWEL_SHARE), so a vowel the accent changed costs no confidence. On 100
# held-out real utterances (bench_aligners.py part 5) 97% with their true transcripts stay above
# it, and 41% with two of their words swapped for others of the set fall below; the plain
# posteriors at the old -3.3 gave 96% and 33%.
STRETCH_S = 0.4
CONFIDENT = -2.4


def check(name: str) -> str:
    if name not in ALIGNERS:
        raise AudioFaceError(f"unknown aligner {name!r} (choose from {', '.join(ALIGNERS)})", "aligner")
    return name


def resolve(name: str) -> str:
    """The aligner that times the words: ``auto`` is the learned aligner."""
    return LEARNED if name == AUTO else name


def prepare(name: str, spans: bool = False) -> None:
    """Load the phone model now, before workers fork, so they share it: the learned aligner
    needs it, and so does every piece of a long file (``spans``), whichever aligner then times it."""
    if name == LEARNED or spans:
        acoustic.load()


def align(name: str, pcm: bytes, words: list[str]) -> tuple[list[sphinx.RawWord], bool]:
    """(raw word timings, whether their scores are pocketsphinx's: only those feed the mismatch
    check). Raises RuntimeError when no aligner can place the words."""
    if name == LEARNED and (raw := _learned(pcm, words)) is not None:
        return raw, False
    return sphinx.align(pcm, words, sphinx_prons(words)), True


def choose_span(pcm: bytes, words: list[str], free_head: int, free_tail: int) -> tuple[int, int]:
    """Which stretch of ``words`` the piece holds: (start, end) indices.

    The learned aligner decides for every aligner, sure of the words or not: which words a
    piece holds is a coarse question, and its path answers it where pocketsphinx's span grammar
    took a third of pocketsphinx's work on a long file (BENCHMARKS.md has both side by side). The
    grammar stays for a piece where the learned aligner finds no path at all."""
    try:
        return learned_aligner.align(pcm, words, free_head, free_tail)[1]
    except RuntimeError:
        return sphinx.choose_span(pcm, words, free_head, free_tail, sphinx_prons(words))


def word_times(pcm: bytes, words: list[str]) -> list[tuple[float, float]] | None:
    """(start, end) of each word in the learned aligner's path through all of them, seconds
    from the audio's start; None where no path fits. Sure or not: this only says where words fall."""
    raw = _path(pcm, words)
    return None if raw is None else [(start, end) for _, start, end, _, _ in raw]


def _path(pcm: bytes, words: list[str]) -> list[sphinx.RawWord] | None:
    """The learned aligner's raw words, or None where it finds no path."""
    try:
        return learned_aligner.align(pcm, words)[0]
    except RuntimeError:
        return None


def _learned(pcm: bytes, words: list[str]) -> list[sphinx.RawWord] | None:
    """The learned aligner's raw words, or None where it finds no path or doubts one."""
    raw = _path(pcm, words)
    return raw if raw is not None and weakest_stretch(raw) >= CONFIDENT else None


def sure_of(pcm: bytes, words: list[str]) -> bool:
    """Whether the learned aligner finds ``words`` in the audio and is sure of all of them."""
    return _learned(pcm, words) is not None


def weakest_stretch(raw: list[sphinx.RawWord], span: float = STRETCH_S) -> float:
    """The lowest duration-weighted mean score over runs of consecutive words ``span`` long."""
    worst = 0.0
    for i in range(len(raw)):
        total = length = 0.0
        for _, start, end, _, score in raw[i:]:
            total += score * (end - start)
            length += end - start
            if length >= span:
                break
        if length >= span or i == 0:
            worst = min(worst, total / max(length, 1e-6))
    return worst


def sphinx_prons(words: list[str]) -> dict[str, tuple[str, ...]]:
    """Stress-free pronunciations, as pocketsphinx's dictionary wants them."""
    return {w: tuple(split_stress(p)[0] for p in lookup.first_pronunciation(w)) for w in set(words)}
