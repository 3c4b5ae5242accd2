"""The head that hears in tiny.en's encoder that a file is plainly not English: it tells real
recordings it never learnt from apart (FACEGOOD's Mandarin takes, EMU's Australian English), a
long file it flags never has tiny.en decode a word, and one it passes is heard as before."""

import numpy as np
import pytest
from conftest import EXAMPLES, SHARED

from audioface.audio import Audio, detect_activity, load_audio
from audioface.language.recognize import whisper, whisper_english
from audioface.training import whisper_english as training

MANDARIN = SHARED / "facegood-capture" / "wav" / "1114_2_01.wav"
AUSTRALIAN = sorted((SHARED / "emur-ae" / "wavFiles").glob("*.wav"))
needs_data = pytest.mark.skipif(
    not MANDARIN.is_file() or not AUSTRALIAN, reason="../shared/data (facegood-capture, emur-ae) is not here"
)


def _joined(paths, pause: float = 0.5) -> np.ndarray:
    gap = np.zeros(int(pause * 16000), np.float32)
    return np.concatenate([x for p in paths for x in (load_audio(p).samples, gap)])


def _mandarin(seconds: float) -> np.ndarray:
    return load_audio(MANDARIN).samples[: int(seconds * 16000)]


def _english() -> np.ndarray:
    """Over 29 s of real English none of the heads learnt from: two of Whisper's windows."""
    return _joined([*AUSTRALIAN, EXAMPLES / "hello.wav"])


def _foreign(samples: np.ndarray) -> float:
    speech = detect_activity(Audio(samples)).regions()
    return whisper_english.foreign_probability(whisper.load(), samples, speech)


@needs_data
def test_the_head_tells_unheard_english_from_unheard_mandarin():
    head = whisper_english.load()
    assert _foreign(_mandarin(20)) >= head.threshold
    assert _foreign(_english()) < 0.2
    assert _foreign(load_audio(EXAMPLES / "hello.wav").samples) < 0.2


def _decodes(monkeypatch) -> list[tuple[bool, str]]:
    """Which model decodes in which language, the decoding itself left out."""
    calls: list[tuple[bool, str]] = []

    def decode(model, samples, speech=None, language="en", spans=None):
        calls.append((model.is_multilingual, language))
        return []

    monkeypatch.setattr(whisper, "decode", decode)
    return calls


@needs_data
def test_a_long_file_plainly_not_english_is_never_decoded_by_tiny_en(monkeypatch):
    x = _mandarin(45)
    speech = detect_activity(Audio(x)).regions()
    assert len(whisper.spans_of(x, speech)) > 1
    calls = _decodes(monkeypatch)
    whisper.transcribe(x, speech=speech)
    assert calls == [(True, "zh")]


@needs_data
def test_a_long_english_file_is_heard_by_tiny_en_first(monkeypatch):
    x = _english()
    speech = detect_activity(Audio(x)).regions()
    assert len(whisper.spans_of(x, speech)) > 1
    calls = _decodes(monkeypatch)
    whisper.transcribe(x, speech=speech)
    assert calls[0] == (False, "en")


def test_the_regression_learns_what_separates_the_classes():
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(0, 1, (200, 6)), rng.normal(0, 1, (60, 6)) + [3, 0, 0, 0, 0, -3]])
    y = np.r_[np.zeros(200), np.ones(60)]
    head = training.fit(x, y)
    p = training.foreign(head, x)
    assert (p[y > 0] >= 0.5).mean() > 0.9 and (p[y == 0] >= 0.5).mean() < 0.1
    assert abs(head["weights"][0]) > 5 * abs(head["weights"][2])


@needs_data
def test_the_command_judges_a_long_file_ahead_and_the_pipeline_takes_that_verdict(monkeypatch, tmp_path):
    """What the load-ahead thread asks (cli/warm.py) is asked once: the pipeline reuses it."""
    import soundfile as sf

    x = _mandarin(45)
    sf.write(tmp_path / "take.wav", x, 16000)
    whisper.hear_ahead(str(tmp_path / "take.wav"))
    monkeypatch.setattr(whisper_english, "plainly_foreign", lambda *a: pytest.fail("judged twice"))
    calls = _decodes(monkeypatch)
    samples = load_audio(tmp_path / "take.wav").samples
    whisper.transcribe(samples, speech=detect_activity(Audio(samples)).regions())
    assert calls == [(True, "zh")]
    assert not whisper._VERDICTS  # taken, not kept: a long-running process holds none


def test_a_language_given_is_not_judged_ahead(monkeypatch, tmp_path):
    """Told the language, the command has nothing to detect: the load-ahead thread asks no head."""
    import soundfile as sf

    sf.write(tmp_path / "line.wav", load_audio(EXAMPLES / "hello.wav").samples, 16000)
    monkeypatch.setattr(whisper_english, "plainly_foreign", lambda *a: pytest.fail("judged"))
    monkeypatch.setattr(whisper, "_AHEAD", {})  # the line it decodes ahead stays this test's
    whisper.hear_ahead(str(tmp_path / "line.wav"), language="en")
    assert not whisper._VERDICTS


@needs_data
def test_a_line_whose_english_the_encoder_disbelieves_goes_to_base():
    """One window: tiny.en wrote English for this Mandarin line ("Thank you for watching, and
    I'll see you in the next video.") with confidence enough to be taken; the head is sure it is
    not English, so base hears it in Mandarin. (A speaker the head trained on: its held-out
    figures are in models/whisper-english.json.)"""
    audio = load_audio(SHARED / "multilingual-speech" / "zh" / "aishell3_codex_tts" / "SSB06710128.flac")
    segments = whisper.transcribe(audio.samples, speech=detect_activity(audio).regions())
    text = " ".join(s.text for s in segments).lower()
    assert {s.language for s in segments} == {"zh"} and "thank" not in text
