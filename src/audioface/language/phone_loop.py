"""Phones heard without words: a free phone loop over the learned aligner's posteriors.

The phone model that times a transcript (:mod:`audioface.language.acoustic`) was trained on
real read speech, so it also hears which phone is being spoken when there are no words to
align. Any phone may follow any other, each lasts at least ``MIN_FRAMES``, and one Viterbi pass
(the forced aligner's own recursion, :func:`audioface.language.forced.viterbi`) finds the best
sequence. No language model and no insertion penalty: on held-out real speakers both only cost
closures (see docs/learned-model.md, "Phones heard without words").
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from audioface.language import acoustic
from audioface.language.forced import FRAME, MIN_FRAMES, Graph, viterbi

# How much of the class prior to divide out of the posteriors. Alignment divides out less
# (acoustic.PRIOR_SCALE): there the words already say which phones come. Free recognition needs
# more, or the common classes (silence, schwa) swallow the short rare ones: held-out real
# speakers scored 0.904 with none divided out, 0.919 with 0.6, 0.916 with all of it.
PRIOR_SCALE = 0.6
SILENCE = "sil"

RawPhone = tuple[str, float, float]  # ARPAbet name (no stress), start s, end s


@lru_cache(maxsize=4)
def loop_graph(n_phones: int, min_frames: int = MIN_FRAMES) -> Graph:
    """Every phone a chain of ``min_frames`` states whose last one loops; any phone's last
    state leads into any phone's first (the same phone again included)."""
    first = np.arange(n_phones) * min_frames
    last = first + min_frames - 1
    width = max(n_phones, 2)
    preds = np.full((n_phones * min_frames, width), -1, np.int64)
    for c in range(n_phones):
        for j in range(min_frames):
            s = first[c] + j
            if j == 0:
                preds[s, :n_phones] = last
            else:
                preds[s, :2] = (s - 1, s) if j == min_frames - 1 else (s - 1, -1)
    cls = np.repeat(np.arange(n_phones), min_frames)
    phone = np.tile(np.arange(min_frames), n_phones)
    return Graph(cls, np.full(len(cls), -1), phone, preds, first, last)


def recognize(log_posteriors: np.ndarray, phones: tuple[str, ...], log_priors: np.ndarray) -> list[RawPhone]:
    """The best phone sequence of (frames, phones) log posteriors, silence left out."""
    if len(log_posteriors) == 0:
        return []
    scores = log_posteriors - PRIOR_SCALE * log_priors
    graph = loop_graph(len(phones))
    path = viterbi(scores.astype(np.float64), graph)
    # a phone said twice running scores as one said long (no penalty tells them apart): one run
    cls = graph.cls[path]
    bounds = np.r_[0, np.flatnonzero(cls[1:] != cls[:-1]) + 1, len(path)]
    return [(phones[cls[a]], float(a * FRAME), float(b * FRAME))
            for a, b in zip(bounds[:-1], bounds[1:], strict=True) if phones[cls[a]] != SILENCE]  # fmt: skip


def recognize_phones(pcm: bytes) -> list[RawPhone]:
    """Phones heard in int16 PCM at 16 kHz (a piece of a recording), times from its start."""
    model = acoustic.load()
    return recognize(acoustic.pcm_log_posteriors(pcm, model), model.phones, model.log_priors)
