"""Audio stage: read any common file into 16 kHz mono and find where speech is."""

from audioface.audio.activity import Activity, detect_activity, split_points
from audioface.audio.load import SAMPLE_RATE, Audio, load_audio

__all__ = ["SAMPLE_RATE", "Activity", "Audio", "detect_activity", "load_audio", "split_points"]
