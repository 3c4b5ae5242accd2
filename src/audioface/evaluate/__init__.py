"""Measuring lip sync: metrics (shared/reference/metrics.md), corpus readers, reports."""

from audioface.evaluate.capture import CaptureScores, load_reference_mesh, score_capture
from audioface.evaluate.corpus import Item, find_items
from audioface.evaluate.lipsync import LipSyncResult, RefPhone, score_lipsync
from audioface.evaluate.phone_accuracy import AlignmentAccuracy, alignment_accuracy
from audioface.evaluate.readers import read_capture, read_phones

__all__ = [
    "AlignmentAccuracy",
    "CaptureScores",
    "Item",
    "LipSyncResult",
    "RefPhone",
    "alignment_accuracy",
    "find_items",
    "load_reference_mesh",
    "read_capture",
    "read_phones",
    "score_capture",
    "score_lipsync",
]
