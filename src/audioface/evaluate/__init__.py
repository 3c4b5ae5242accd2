"""Measuring lip sync: the metrics (docs/metrics.md), corpus handling and reports.

Files are read by :mod:`audioface.formats` (reference phones, captures, other tools' output).
"""

from audioface.evaluate.capture import CaptureScores, load_reference_mesh, score_capture
from audioface.evaluate.corpus import Item, find_items
from audioface.evaluate.lipsync import LipSyncResult, RefPhone, score_lipsync
from audioface.evaluate.phone_accuracy import AlignmentAccuracy, alignment_accuracy

__all__ = [
    "AlignmentAccuracy",
    "CaptureScores",
    "Item",
    "LipSyncResult",
    "RefPhone",
    "alignment_accuracy",
    "find_items",
    "load_reference_mesh",
    "score_capture",
    "score_lipsync",
]
