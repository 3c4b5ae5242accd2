"""Which recogniser hears the words when there is no transcript: the one place that decides.

| mode | what |
|---|---|
| ``auto`` (default) | ``whisper`` |
| ``whisper`` | Whisper on the CPU (tiny.en for English, base for the rest; or ``model``: a folder) |
| ``openai`` | an OpenAI-compatible endpoint at ``url`` (``model`` = its model name) |
| ``words`` | pocketsphinx word recognition |
| ``phonetic`` | phone recognition, no words: a phone loop over the learned aligner's posteriors |

Large models only hear text here: their words go through the normaliser, the
dictionary and the forced aligner like a given transcript, so the mouth gets
phone timings from the acoustics, and each word records where it came from.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from audioface.audio.activity import Activity
from audioface.audio.load import Audio
from audioface.errors import AudioFaceError
from audioface.language.recognize import openai_asr, whisper, whisper_language
from audioface.language.recognize.segments import Segment, keep_real

ASR_MODES = ("auto", "whisper", "openai", "words", "phonetic")
DEFAULT_ASR = "auto"
TEXT_MODELS = ("whisper", "openai")  # recognisers whose text is aligned like a transcript


@dataclass(frozen=True)
class Recognizer:
    """A recognition mode with its settings; plain data, so it travels to worker processes."""

    mode: str = DEFAULT_ASR
    model: str | None = None  # whisper: a CTranslate2 folder; openai: the endpoint's model name
    url: str | None = None  # openai: the endpoint's base URL
    timeout: float = openai_asr.TIMEOUT
    # the language spoken, an ISO 639-1 code ("en", "fr", "zh"); None: the recogniser detects it.
    # Whisper: English is heard by tiny.en, any other language by base (whisper_language.py)
    language: str | None = None


def check_asr(asr: str) -> str:
    """``asr`` if it names a recognition mode, else an :class:`AudioFaceError` listing them."""
    if asr not in ASR_MODES:
        raise AudioFaceError(f"unknown recognition mode {asr!r}; choose one of {', '.join(ASR_MODES)}", "asr")
    return asr


def choose(
    asr: str | Recognizer = DEFAULT_ASR, model: str | None = None, url: str | None = None,
    language: str | None = None,
) -> Recognizer:  # fmt: skip
    """The recogniser a request means, ``auto`` settled and its settings checked before any work.

    ``auto`` is Whisper: its models are part of the core install. ``language`` (or the
    :class:`Recognizer`'s own) is checked here, "auto" and "" meaning None (detect)."""
    rec = asr if isinstance(asr, Recognizer) else Recognizer(check_asr(asr), model, url, language=language)
    check_asr(rec.mode)
    rec = replace(rec, language=whisper_language.check_language(rec.language))
    if rec.mode == "auto":
        rec = replace(rec, mode="whisper")
    if rec.mode == "whisper":
        if not whisper.available():
            raise AudioFaceError(f"Whisper's models are missing: {whisper.REINSTALL}", "asr")
        if rec.model:
            whisper.check_model_dir(rec.model)
    if rec.mode == "openai":
        if not rec.url:
            raise AudioFaceError("the openai recogniser needs the endpoint's URL", "asr_url")
        openai_asr.endpoint(rec.url)
    return rec


def hears_text(rec: Recognizer) -> bool:
    """The recogniser gives text to align (Whisper, an endpoint), not pocketsphinx's own timings."""
    return rec.mode in TEXT_MODELS


def recognize_segments(audio: Audio, activity: Activity, rec: Recognizer) -> list[Segment]:
    """What a text recogniser heard, with invented segments dropped (see segments.keep_real); each
    segment says the language it was heard in where the recogniser tells."""
    if rec.mode == "whisper":
        heard = whisper.transcribe(audio.samples, rec.model, activity.regions(), rec.language)
    elif rec.mode == "openai":
        heard = openai_asr.transcribe(audio.samples, rec.url or "", rec.model, rec.timeout, rec.language)
    else:
        raise ValueError(f"{rec.mode} does not give text")
    return keep_real(heard, activity)
