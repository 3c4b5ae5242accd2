"""Corpus-level figures per mode: the four numbers metrics.md asks for, and more."""

from __future__ import annotations

import math

import numpy as np

from audioface.evaluate.lipsync import EVENTS, movement_ratio
from audioface.evaluate.runner import ItemResult


def summarize(results: list[ItemResult]) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for mode in dict.fromkeys(r.mode for r in results):
        rs = [r for r in results if r.mode == mode]
        row = {
            "items": len(rs),
            "score": _mean([r.lipsync.score for r in rs]),
            "correlation": _mean([r.lipsync.correlation for r in rs]),
            "lag_ms": _mean([r.lipsync.lag_ms for r in rs]),
            "movement_ratio": movement_ratio([r.lipsync for r in rs]),
            "recalls": {e: _pooled(rs, e) for e in EVENTS},
        }
        aligned = [r.alignment for r in rs if r.alignment is not None and r.alignment.matched]
        if aligned:
            n = sum(a.matched for a in aligned)
            row["alignment"] = {
                "median_error_ms": _mean([a.median_error_ms for a in aligned]),
                "within_20ms": sum(a.within_20ms * a.matched for a in aligned) / n,
                "within_50ms": sum(a.within_50ms * a.matched for a in aligned) / n,
            }
        caps = [r.capture for r in rs if r.capture is not None]
        if caps:
            row["capture"] = {
                "mse": _mean([c.mse for c in caps]),
                "mse_mouth": _mean([c.mse_mouth for c in caps]),
                "lve": _mean([c.lve for c in caps if c.lve is not None]),
            }
        timed = [r for r in rs if r.mode not in ("pred", "capture") and r.duration > 0]
        if timed:
            row["rtf"] = sum(r.seconds for r in timed) / sum(r.duration for r in timed)
        out[mode] = row
    return out


GROUPS = ("language",)


def summarize_by(results: list[ItemResult], key: str) -> dict[str, dict[str, dict]]:
    """The same figures per value of an item's ``key`` (``"language"``: the corpus's language
    of each item, "-" where it names none), each a :func:`summarize` per mode."""
    values = [getattr(r, key) or "-" for r in results]
    return {
        v: summarize([r for r, w in zip(results, values, strict=True) if w == v]) for v in sorted(set(values))
    }


def _pooled(rs: list[ItemResult], event: str) -> float | None:
    scored = sum(r.lipsync.scored.get(event, 0) for r in rs)
    return sum(r.lipsync.hits.get(event, 0) for r in rs) / scored if scored else None


def _mean(values: list[float]) -> float:
    vals = [v for v in values if v is not None and not math.isnan(v)]
    return float(np.mean(vals)) if vals else float("nan")
