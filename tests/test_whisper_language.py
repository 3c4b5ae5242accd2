"""Whisper in any language: the runner against faster-whisper, which model hears which language
(tiny.en for English, base for the rest, base's detection behind tiny.en's confidence),
Simplified script for Mandarin, and the language carried on each segment."""

import numpy as np
import pytest
from conftest import EXAMPLES, SHARED

from audioface.audio import detect_activity, load_audio
from audioface.errors import AudioFaceError
from audioface.language.recognize import openai_asr, whisper, whisper_language
from audioface.language.recognize.recognizers import Recognizer, choose, recognize_segments
from audioface.language.recognize.whisper_runner import mel_filters

MULTI = SHARED / "multilingual-speech"
FRENCH = MULTI / "fr" / "picovoice_leopard_testdata" / "picovoice_leopard_test_fr.flac"
CHINESE = MULTI / "zh" / "cv_zh_flyai_demo" / "common_voice_zh-CN_18536155.flac"  # 从来都不是停止练习的借口
CHINESE_2 = CHINESE.parent / "common_voice_zh-CN_18536460.flac"  # 比如生活的意义 上帝 真理等
ACCENTED = SHARED / "real-english" / "speechocean762" / "so762_1042" / "010420143.flac"  # a non-native reader
needs_clips = pytest.mark.skipif(
    not FRENCH.is_file(), reason="../shared/data/multilingual-speech is not here"
)


def _samples(path):
    return load_audio(path).samples


def test_the_runner_decodes_as_faster_whisper_does():
    """Same features, same segments, same confidence figures, token for token (faster-whisper
    is in the test extra only: the core install runs CTranslate2 without its PyAV and hub)."""
    fw = pytest.importorskip("faster_whisper")
    x = _samples(EXAMPLES / "hello.wav")
    ref = fw.WhisperModel(str(whisper.bundled_model()), device="cpu", compute_type="int8", cpu_threads=2)
    ours = whisper.load()
    assert np.abs(ref.feature_extractor(x) - ours.feature_extractor(x)).max() < 1e-4
    assert np.allclose(mel_filters(80), ref.feature_extractor.mel_filters, atol=1e-6)
    segs, _ = ref.transcribe(x, language="en", beam_size=1, temperature=0.0, condition_on_previous_text=False,
                             vad_filter=False)  # fmt: skip
    want = [(s.start, s.end, s.text, s.avg_logprob, s.no_speech_prob, s.compression_ratio) for s in segs]
    got = [(h.start, h.end, h.text, h.avg_logprob, h.no_speech_prob, h.compression_ratio)
           for h in ours.transcribe(x, "en")]  # fmt: skip
    assert [g[2] for g in got] == [w[2] for w in want]
    assert np.allclose([g[:2] + g[3:] for g in got], [w[:2] + w[3:] for w in want], atol=1e-4)


def test_the_mandarin_prompt_is_what_the_tokenizer_makes():
    tokenizers = pytest.importorskip("tokenizers")
    files = whisper.base_files()
    folder = whisper._package_dir(whisper.BASE_PARTS[0]) / "data"
    tok = tokenizers.Tokenizer.from_file(str(folder / "tokenizer.json"))
    assert tok.encode(" 以下是普通话的句子。", add_special_tokens=False).ids == whisper.PROMPTS["zh"]
    assert "model.bin" in files and "vocabulary.txt" in files


def test_language_codes_and_tags():
    check = whisper_language.check_language
    tags = [check(x) for x in (None, "", "auto", "FR", "pt-BR", "zh_Hans")]
    assert tags == [None, None, None, "fr", "pt-BR", "zh-Hans"]
    assert whisper_language.whisper_code("pt-BR") == "pt" and whisper_language.whisper_code("cmn") == "zh"
    with pytest.raises(AudioFaceError, match="code such as"):
        check("français")
    assert (
        choose("auto", language="auto").language is None and choose("whisper", language="fr").language == "fr"
    )
    with pytest.raises(AudioFaceError, match="does not know"):
        whisper.transcribe(np.zeros(16000, np.float32), language="xx")


def test_english_given_or_detected_is_heard_by_tiny_en_alone(monkeypatch):
    """English costs no more with the language check: tiny.en is sure of English, so base is never
    loaded (its load alone is over a second)."""
    x = _samples(EXAMPLES / "hello.wav")
    given = whisper.transcribe(x, language="en")
    monkeypatch.setattr(whisper, "load_base", lambda: pytest.fail("base was loaded for English"))
    heard = whisper.transcribe(x)
    assert [s.text for s in heard] == [s.text for s in given] and "avatars" in heard[0].text.lower() + heard[
        1
    ].text
    assert {s.language for s in heard} == {"en"}


@needs_clips
def test_french_told_and_detected():
    x = _samples(FRENCH)
    told = whisper.transcribe(x, language="fr")
    text = " ".join(s.text for s in told).lower()
    assert {"consulat", "conservateur", "forêts"} <= set(text.replace(",", " ").replace(".", " ").split()), (
        text
    )
    assert {s.language for s in told} == {"fr"}
    detected = whisper.transcribe(x)  # tiny.en is unsure, base hears French
    assert {s.language for s in detected} == {"fr"} and [s.text for s in detected] == [s.text for s in told]


@needs_clips
def test_mandarin_is_written_in_simplified_characters():
    heard = "".join(s.text for s in whisper.transcribe(_samples(CHINESE), language="zh"))
    said = "从来都不是停止练习的借口"
    assert sum(ch in heard for ch in said) >= 0.7 * len(said), heard
    assert not set(heard) & set("從來練習藉"), heard  # the traditional forms of its characters
    detected = whisper.transcribe(_samples(CHINESE_2))
    assert {s.language for s in detected} == {"zh"} and "生活" in "".join(s.text for s in detected)


@pytest.mark.skipif(not ACCENTED.is_file(), reason="../shared/data/real-english is not here")
def test_accented_english_stays_english(monkeypatch):
    """Base hears this Mandarin speaker's English as Mandarin (P(en) 0.05): tiny.en's confidence
    keeps it English, and base is never loaded."""
    monkeypatch.setattr(whisper, "load_base", lambda: pytest.fail("base was loaded for English"))
    heard = whisper.transcribe(_samples(ACCENTED))
    assert {s.language for s in heard} == {"en"} and "january" in heard[0].text.lower()


@needs_clips
def test_the_recogniser_carries_the_language_to_its_segments():
    sound = load_audio(FRENCH)
    segs = recognize_segments(sound, detect_activity(sound), Recognizer("whisper", language="fr"))
    assert segs and {s.language for s in segs} == {"fr"}
    segs = recognize_segments(sound, detect_activity(sound), Recognizer("whisper", language="fr-CA"))
    assert {s.language for s in segs} == {"fr-CA"}  # the tag asked for, for the pronunciations


def test_the_endpoint_is_told_the_language_and_reads_it_back(monkeypatch):
    sent = []

    def capture(fields, filename, data):
        sent.append(dict(fields))
        raise AudioFaceError("stop here")

    monkeypatch.setattr(openai_asr, "_multipart", capture)
    for language in ("fr", None):
        with pytest.raises(AudioFaceError, match="stop here"):
            openai_asr.transcribe(np.zeros(1600, np.float32), "http://127.0.0.1:9", language=language)
    assert sent[0]["language"] == "fr" and "language" not in sent[1]
    reply = (
        b'{"text": "bonjour", "language": "french", "segments": [{"start": 0, "end": 1, "text": "bonjour"}]}'
    )
    assert openai_asr.parse_reply(reply, "http://x", 1.0)[0].language == "fr"
    assert openai_asr.parse_reply(b'{"text": "hola", "language": "es"}', "http://x", 1.0)[0].language == "es"
    assert openai_asr.parse_reply(b'{"text": "hi"}', "http://x", 1.0, "en")[0].language == "en"


def test_a_named_english_only_folder_hears_english(tmp_path):
    x = _samples(EXAMPLES / "hello.wav")
    segs = whisper.transcribe(x, str(whisper.bundled_model()), language="fr")  # tiny.en knows English only
    assert segs and {s.language for s in segs} == {"en"}
