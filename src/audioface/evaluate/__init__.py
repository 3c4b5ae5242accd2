"""Scoring lip sync against reference phones (shared/reference/metrics.md)."""

from audioface.evaluate.lipsync import LipSyncResult, RefPhone, score_lipsync
from audioface.evaluate.phone_accuracy import AlignmentAccuracy, alignment_accuracy

__all__ = [
    "AlignmentAccuracy",
    "LipSyncResult",
    "RefPhone",
    "alignment_accuracy",
    "score_lipsync",
]
