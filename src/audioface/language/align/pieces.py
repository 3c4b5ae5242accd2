"""Cutting a recording at pauses and sharing the transcript out among the pieces.

Alignment and recognition cost grows with utterance length and runs on one core,
so long audio is cut at pauses and the pieces are processed in parallel. Each
piece must receive exactly the words spoken in it: a dynamic programme places
each cut in the transcript where the expected speaking time matches the voiced
time so far, preferring places with punctuation (speakers pause there).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from audioface.phones import VOWELS, split_stress

# Typical phone durations (s) in read English; only their ratios matter.
_VOWEL_S, _CONSONANT_S = 0.10, 0.07
PUNCTUATION_BONUS_S = 0.7  # how far from the ideal place a comma may pull a cut


@dataclass(frozen=True)
class Piece:
    start: float
    end: float
    regions: tuple[tuple[float, float], ...]  # voiced stretches inside, absolute times

    @property
    def voiced(self) -> float:
        return sum(e - s for s, e in self.regions)


def expected_duration(pron: tuple[str, ...]) -> float:
    return sum(_VOWEL_S if split_stress(p)[0] in VOWELS else _CONSONANT_S for p in pron)


def make_pieces(duration: float, cuts: list[float], regions: list[tuple[float, float]]) -> list[Piece]:
    bounds = [0.0, *cuts, duration]
    pieces = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        inside = tuple((max(s, a), min(e, b)) for s, e in regions if e > a and s < b)
        pieces.append(Piece(a, b, inside))
    return pieces


def assign_tokens(pieces: list[Piece], weights: list[float], pause_after: list[bool]) -> list[int]:
    """Token index where each piece begins (first is 0), monotone, one per piece.

    ``weights`` are expected durations of the tokens; the cut before piece i+1
    goes where the cumulative expected time best matches the cumulative voiced time.
    """
    n_tok, n_cut = len(weights), len(pieces) - 1
    if n_cut <= 0 or n_tok == 0:
        return [0] * len(pieces)
    voiced = np.array([p.voiced for p in pieces])
    total_voiced = voiced.sum() or 1.0
    cum_expected = np.concatenate([[0.0], np.cumsum(weights)])
    cum_expected *= total_voiced / max(cum_expected[-1], 1e-9)
    cum_voiced = np.cumsum(voiced)[:-1]
    bonus = np.zeros(n_tok + 1)
    bonus[1:] = np.where(pause_after, PUNCTUATION_BONUS_S, 0.0)
    bonus[-1] = 0.0

    # cost[i, b]: cut i placed before token b; DP with a running minimum keeps it monotone.
    cost = np.abs(cum_expected[None, :] - cum_voiced[:, None]) - bonus[None, :]
    total = cost[0].copy()
    back = np.zeros((n_cut, n_tok + 1), dtype=int)
    for i in range(1, n_cut):
        best_idx = np.maximum.accumulate(
            np.where(total == np.minimum.accumulate(total), np.arange(n_tok + 1), 0)
        )
        back[i] = best_idx
        total = cost[i] + total[best_idx]
    starts = [int(np.argmin(total))]
    for i in range(n_cut - 1, 0, -1):
        starts.append(int(back[i][starts[-1]]))
    return [0, *reversed(starts)]
