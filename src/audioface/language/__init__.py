"""Language stage: transcript (given, or heard by a recogniser) -> phonemes -> phones aligned in time."""

from audioface.language.align.aligners import ALIGNERS, DEFAULT_ALIGNER
from audioface.language.align.aligners import check as check_aligner
from audioface.language.pronounce import AUTO_LANGUAGE, LANGUAGES, check_language
from audioface.language.recognize.recognizers import ASR_MODES, DEFAULT_ASR, Recognizer, check_asr, choose
from audioface.language.track_builder import build_track

__all__ = [
    "ALIGNERS", "ASR_MODES", "AUTO_LANGUAGE", "DEFAULT_ALIGNER", "DEFAULT_ASR", "LANGUAGES", "Recognizer",
    "build_track", "check_aligner", "check_asr", "check_language", "choose",
]  # fmt: skip
