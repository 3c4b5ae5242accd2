"""Language stage: transcript -> phonemes -> phones aligned in time to the audio."""

from audioface.language.track_builder import ASR_MODES, build_track, check_asr

__all__ = ["ASR_MODES", "build_track", "check_asr"]
