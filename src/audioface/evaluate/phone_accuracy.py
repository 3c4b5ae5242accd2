"""How close the pipeline's phone boundaries are to a reference transcription.

Phones are paired by a minimum-edit alignment of the two label sequences
(silences left out), so one inserted or missing phone does not shift every
later pair; only identical labels are compared.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from audioface.evaluate.lipsync import RefPhone


@dataclass(frozen=True)
class AlignmentAccuracy:
    median_error_ms: float
    within_20ms: float
    within_50ms: float
    matched: int
    reference: int

    def to_dict(self) -> dict:
        return self.__dict__.copy()


def alignment_accuracy(predicted: list[RefPhone], reference: list[RefPhone]) -> AlignmentAccuracy:
    """Phone-start errors over label-matched pairs."""
    pred = [p for p in predicted if p.phone != "sil"]
    ref = [p for p in reference if p.phone != "sil"]
    pairs = _match(pred, ref)
    errors = np.array([abs(pred[i].start - ref[j].start) for i, j in pairs])
    if errors.size == 0:
        return AlignmentAccuracy(float("nan"), 0.0, 0.0, 0, len(ref))
    return AlignmentAccuracy(
        median_error_ms=float(np.median(errors) * 1000),
        within_20ms=float(np.mean(errors <= 0.020 + 1e-9)),
        within_50ms=float(np.mean(errors <= 0.050 + 1e-9)),
        matched=len(pairs),
        reference=len(ref),
    )


def _match(a: list[RefPhone], b: list[RefPhone]) -> list[tuple[int, int]]:
    n, m = len(a), len(b)
    cost = np.zeros((n + 1, m + 1), dtype=np.int32)
    cost[:, 0] = np.arange(n + 1)
    cost[0, :] = np.arange(m + 1)
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            sub = cost[i - 1, j - 1] + (0 if a[i - 1].phone == b[j - 1].phone else 1)
            cost[i, j] = min(sub, cost[i - 1, j] + 1, cost[i, j - 1] + 1)
    pairs, i, j = [], n, m
    while i > 0 and j > 0:
        same = a[i - 1].phone == b[j - 1].phone
        if cost[i, j] == cost[i - 1, j - 1] + (0 if same else 1):
            if same:
                pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif cost[i, j] == cost[i - 1, j] + 1:
            i -= 1
        else:
            j -= 1
    return pairs[::-1]
