"""Language stage: transcript (given, or heard by a recogniser) -> phonemes -> phones aligned in time."""

from audioface.language.recognizers import ASR_MODES, DEFAULT_ASR, Recognizer, check_asr, choose
from audioface.language.track_builder import build_track

__all__ = ["ASR_MODES", "DEFAULT_ASR", "Recognizer", "build_track", "check_asr", "choose"]
