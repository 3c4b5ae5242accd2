"""The learned phone aligner: phone posteriors from the acoustic model, then a Viterbi pass.

It takes the same words and gives the same raw word timings as
:func:`audioface.language.align.sphinx.align`, so the timing chain does not care
which one ran; it also says how sure it is (each word's mean log posterior),
and a word it is unsure of sends the piece to pocketsphinx instead
(:mod:`audioface.language.align.aligners`).
"""

from __future__ import annotations

import hashlib

import numpy as np

from audioface.language.align import acoustic, forced
from audioface.language.pronounce import lookup
from audioface.phones import VOWELS, split_stress

MAX_VARIANTS = 3  # pronunciations tried per word, most common first
# The shortest phone a transcript's path may hold, in 10 ms frames. At 3 (pocketsphinx's
# floor) the path squeezed vowels against the sonorants beside them on real speech (W-AY, AY-L,
# AO-L: the vowel 50-110 ms short); at 4, phone starts within 20 / 50 ms of the hand labels of
# emur-ae went 0.742 / 0.943 -> 0.767 / 0.964, of pocketsphinx's on 80 held-out real utterances
# 0.723 / 0.861 -> 0.734 / 0.873, and corpus/dev's exact timings stayed at 0.939 / 0.990-0.991.
# At 5 emur-ae gains a little more but dev loses 0.02 within 20 ms. The phone loop and the live
# aligner keep forced.MIN_FRAMES.
MIN_FRAMES = 4
# Which vowel a speaker makes depends on the accent; that a vowel is being made hardly does. A
# vowel's score on a frame is (1 - VOWEL_SHARE) of its own posterior plus VOWEL_SHARE of all the
# vowels' together, so a diphthong the model hears as neighbouring vowels (Australian "while":
# AA and AW where the words say AY) keeps its frames instead of being squeezed by the consonants
# beside it, which the model names surely. The words still say which vowel comes; the path's
# choice between pronunciations still hears each vowel's own share. On emur-ae's hand labels,
# phone starts within 20 / 50 ms went 0.767 / 0.964 -> 0.823 / 0.984 (pocketsphinx: 0.767 /
# 0.984), 0.984 within 50 ms for any share from 0.3 to 0.7 (0.823-0.834 within 20 ms);
# corpus/dev's exact timings stayed at 0.938-0.939 / 0.990-0.991. Glides and nasals pooled the
# same way changed nothing within 50 ms.
VOWEL_SHARE = 0.5
_last: tuple[bytes, np.ndarray, np.ndarray] | None = None  # the last piece's posteriors (span, then align)
_chosen: tuple[bytes, tuple[str, ...], list] | None = None  # the words a span pass chose, aligned


def variants(word: str) -> list[tuple[str, ...]]:
    """Distinct stress-free pronunciations of ``word``, most common first."""
    out: list[tuple[str, ...]] = []
    for pron in lookup.pronunciations(word) or [lookup.first_pronunciation(word)]:
        plain = tuple(split_stress(p)[0] for p in pron)
        if plain and plain not in out:
            out.append(plain)
    return out[:MAX_VARIANTS] or [("AH",)]


def frame_scores(pcm: bytes) -> tuple[np.ndarray, np.ndarray]:
    """(log posteriors with the vowels pooled, scaled log likelihoods) per frame; the last
    piece's are kept, since a long file's piece is first placed (span) and then aligned."""
    global _last
    key = _key(pcm)
    if _last is None or _last[0] != key:
        model = acoustic.load()
        log_post = acoustic.pcm_log_posteriors(pcm, model)
        vowels = np.array([model.index[p] for p in sorted(VOWELS)])
        pooled = pool_class(log_post, vowels, VOWEL_SHARE)
        _last = (key, pooled, pooled - acoustic.PRIOR_SCALE * model.log_priors)
    return _last[1], _last[2]


def pool_class(log_post: np.ndarray, members: np.ndarray, share: float) -> np.ndarray:
    """Log posteriors where each of ``members`` gets ``share`` of the whole class's probability
    beside the rest of its own; the other phones keep theirs."""
    post = np.exp(log_post[:, members])
    pooled = (1.0 - share) * post + share * post.sum(axis=1, keepdims=True)
    out = log_post.copy()
    out[:, members] = np.log(np.maximum(pooled, 1e-30))
    return out


def align(pcm: bytes, words: list[str], free_head: int = 0, free_tail: int = 0):
    """(raw words as sphinx.align gives them, (first, end) word indices used). A piece whose
    span was just chosen gets that pass's alignment of the chosen words: the same path."""
    global _chosen
    key = _key(pcm)
    if not free_head and not free_tail and _chosen is not None and _chosen[:2] == (key, tuple(words)):
        return _chosen[2], (0, len(words))
    log_post, scores = frame_scores(pcm)
    prons = [variants(w) for w in words]
    index = acoustic.load().index
    raw, (a, b) = forced.align(log_post, scores, words, prons, index, free_head, free_tail, MIN_FRAMES)
    if free_head or free_tail:
        _chosen = (key, tuple(words[a:b]), raw)
    return raw, (a, b)


def _key(pcm: bytes) -> bytes:
    return hashlib.blake2b(pcm, digest_size=16).digest()
