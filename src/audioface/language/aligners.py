"""Which forced aligner times the words: the one place that decides.

``auto`` (the default) is ``sphinx`` for a transcript and ``learned`` for the words a
recogniser heard (Whisper, an endpoint). ``sphinx`` times the words with pocketsphinx; on a long
file the learned aligner still decides which words each piece holds (:func:`choose_span`), and
it is asked again before pocketsphinx's check replaces a stretch (:func:`sure_of`). ``learned`` is the phone
model's posteriors with a Viterbi pass (:mod:`audioface.language.learned_aligner`):
one network pass and a short loop per piece, several times faster than
pocketsphinx. Where it doubts a stretch
of words (their mean log posterior is low: the transcript may not be what was
said, or the voice is unlike any it learned from), the piece goes to
pocketsphinx, whose acoustic scores then drive the check that replaces words the
audio does not hold by the phones heard there.

The learned aligner is far more exact than pocketsphinx on synthetic voices (TTS) and as good
within 20 ms on hand-labelled real speech, but places a few more phones of real speech over 50 ms
off (BENCHMARKS.md), so it is not the default for transcripts yet: it becomes the default
when it matches pocketsphinx on both. For a recogniser's words it is: with Whisper's words on
held-out real speakers (125 utterances) it scored 0.952, closures 0.952, against pocketsphinx's
0.943 and 0.904, and it takes a fraction of the time.
"""

from __future__ import annotations

from audioface.errors import AudioFaceError
from audioface.language import acoustic, learned_aligner, lexicon, sphinx
from audioface.phones import split_stress

AUTO, LEARNED, SPHINX = "auto", "learned", "sphinx"
ALIGNERS = (AUTO, LEARNED, SPHINX)
DEFAULT_ALIGNER = AUTO
# The learned aligner doubts a piece when some stretch of its words (at least STRETCH_S long,
# so a short word's few frames do not decide alone) averages a log posterior per frame below
# CONFIDENT. On held-out real speakers with their true transcripts 98% of utterances stay above
# it; with two words of the transcript swapped for others, 90% fall below.
STRETCH_S = 0.4
CONFIDENT = -3.3


def check(name: str) -> str:
    if name not in ALIGNERS:
        raise AudioFaceError(f"unknown aligner {name!r} (choose from {', '.join(ALIGNERS)})", "aligner")
    return name


def resolve(name: str, heard: bool) -> str:
    """The aligner that times the words: ``heard`` when a recogniser gave them."""
    if name != AUTO:
        return name
    return LEARNED if heard else SPHINX


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
    return {w: tuple(split_stress(p)[0] for p in lexicon.first_pronunciation(w)) for w in set(words)}
