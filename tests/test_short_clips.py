"""Short clips without a transcript: where the default recogniser was not sure of the words it
wrote for a word or two, the phones heard animate the clip instead (``recognizers.doubted``);
a language given, Whisper named, a longer file or words it was sure of keep the words."""

from pathlib import Path

import numpy as np
import pytest
from conftest import SHARED

import audioface
from audioface.audio import Activity, detect_activity, load_audio
from audioface.language.recognize.recognizers import SHORT_SPEECH_S, SURE_LOGPROB, choose, doubted
from audioface.language.recognize.segments import Segment, mean_logprob

CORPUS = SHARED / "multilingual-speech"
FILES = Path(__file__).parent / "files"
needs_corpus = pytest.mark.skipif(
    not (CORPUS / "manifest.tsv").is_file(), reason="multilingual-speech is not in ../shared"
)


def _speech(seconds: float) -> Activity:
    """An activity with one stretch of speech ``seconds`` long, a second of silence either side."""
    n = int(round((seconds + 2) * 100))
    speech = np.zeros(n, bool)
    speech[100 : n - 100] = True
    return Activity(np.zeros(n), np.zeros(n), speech)


def _said(logprob: float | None) -> list[Segment]:
    return [] if logprob is None else [Segment(1.0, 1.5, "annulé", avg_logprob=logprob)]


def test_only_the_defaults_unsure_words_of_a_short_clip_give_way():
    auto, short, unsure, sure = (
        choose(),
        _speech(SHORT_SPEECH_S - 0.2),
        SURE_LOGPROB - 0.3,
        SURE_LOGPROB + 0.3,
    )
    assert doubted(auto, short, _said(unsure)) and doubted(auto, short, _said(None))  # nothing written
    assert not doubted(auto, short, _said(sure))
    assert not doubted(auto, _speech(SHORT_SPEECH_S + 0.2), _said(unsure))  # a longer file keeps its words
    assert not doubted(choose(language="fr"), short, _said(unsure))  # a language given
    assert not doubted(choose("whisper"), short, _said(unsure))  # Whisper asked for by name


def test_the_mean_log_probability_weighs_segments_by_their_length():
    segments = [Segment(0.0, 3.0, "a", avg_logprob=-0.2), Segment(3.0, 4.0, "b", avg_logprob=-1.0),
                Segment(4.0, 9.0, "", avg_logprob=-5.0)]  # fmt: skip
    assert mean_logprob(segments) == pytest.approx(-0.4)
    assert mean_logprob([Segment(0.0, 1.0, "", avg_logprob=-3.0)]) is None


@needs_corpus
def test_a_one_word_command_whisper_mishears_is_animated_from_its_phones():
    """ "pause" (0.35 s of speech): Whisper writes English ("Does") and is unsure of it."""
    sound = load_audio(CORPUS / "fr" / "speech_to_phrase_tests" / "s2p_fr_034.flac")
    assert sum(b - a for a, b in detect_activity(sound).regions()) < SHORT_SPEECH_S
    default = audioface.animate(sound, jobs=1)
    assert default.track.source == "phonetic" and default.track.phones()
    assert audioface.animate(sound, jobs=1, language="fr").track.source != "phonetic"
    assert audioface.animate(sound, jobs=1, asr="whisper").track.source != "phonetic"


@needs_corpus
def test_a_one_word_command_whisper_is_sure_of_keeps_its_word():
    sound = load_audio(CORPUS / "fr" / "speech_to_phrase_tests" / "s2p_fr_041.flac")
    words = [w.word.lower() for w in audioface.animate(sound, jobs=1).track.words]
    assert words == ["suivant"], words


def test_speech_whisper_keeps_no_words_of_is_animated_from_its_phones():
    """espeak-ng's robotic Catalan (tools/make_wordless_speech.py), 1.8 s of speech: every segment
    Whisper writes for it is dropped as invented. The phones heard animate it; before, the track
    was empty and the face stayed at rest on a whole sentence."""
    from audioface.language.recognize.recognizers import recognize_segments

    sound = load_audio(FILES / "catalan_espeak.wav")
    activity = detect_activity(sound)
    assert sum(b - a for a, b in activity.regions()) > SHORT_SPEECH_S  # not the short-clip rule
    assert recognize_segments(sound, activity, choose()) == []  # no words kept
    anim = audioface.animate(sound, jobs=1)
    assert anim.track.source == "phonetic" and len(anim.track.phones()) > 10
    assert anim.weights[:, anim.names.index("jawOpen")].max() > 0.2
