"""Language stage: transcript (given, or heard by a recogniser) -> phonemes -> phones aligned in time.

The names below are loaded on first use (PEP 562): a module that needs one submodule (the
recogniser, say) does not import the whole stage with it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from audioface.lazy import lazy_names

_EXPORTS = {
    "ALIGNERS": ("audioface.language.align.aligners", "ALIGNERS"),
    "DEFAULT_ALIGNER": ("audioface.language.align.aligners", "DEFAULT_ALIGNER"),
    "check_aligner": ("audioface.language.align.aligners", "check"),
    "AUTO_LANGUAGE": ("audioface.language.pronounce", "AUTO_LANGUAGE"),
    "LANGUAGES": ("audioface.language.pronounce", "LANGUAGES"),
    "check_language": ("audioface.language.pronounce", "check_language"),
    "ASR_MODES": ("audioface.language.recognize.recognizers", "ASR_MODES"),
    "DEFAULT_ASR": ("audioface.language.recognize.recognizers", "DEFAULT_ASR"),
    "Recognizer": ("audioface.language.recognize.recognizers", "Recognizer"),
    "check_asr": ("audioface.language.recognize.recognizers", "check_asr"),
    "choose": ("audioface.language.recognize.recognizers", "choose"),
    "build_track": ("audioface.language.track_builder", "build_track"),
}
__all__ = [
    "ALIGNERS",
    "DEFAULT_ALIGNER",
    "check_aligner",
    "AUTO_LANGUAGE",
    "LANGUAGES",
    "check_language",
    "ASR_MODES",
    "DEFAULT_ASR",
    "Recognizer",
    "check_asr",
    "choose",
    "build_track",
]

if TYPE_CHECKING:
    from audioface.language.align.aligners import ALIGNERS, DEFAULT_ALIGNER
    from audioface.language.align.aligners import check as check_aligner
    from audioface.language.pronounce import AUTO_LANGUAGE, LANGUAGES, check_language
    from audioface.language.recognize.recognizers import ASR_MODES, DEFAULT_ASR, Recognizer, check_asr, choose
    from audioface.language.track_builder import build_track


__getattr__, __dir__ = lazy_names(__name__, _EXPORTS)
