"""Which recogniser hears the words when there is no transcript: the one place that decides.

| mode | what |
|---|---|
| ``auto`` (default) | ``whisper`` when the whisper extra is installed, else ``words`` |
| ``whisper`` | Whisper on the CPU (faster-whisper; tiny.en bundled, or ``model`` = a folder) |
| ``openai`` | an OpenAI-compatible endpoint at ``url`` (``model`` = its model name) |
| ``words`` | pocketsphinx word recognition |
| ``phonetic`` | phone recognition, no words: a phone loop over the learned aligner's posteriors |

Large models only hear text here: their words go through the normaliser, the
dictionary and the forced aligner like a given transcript, so the mouth gets
phone timings from the acoustics, and each word records where it came from.
"""

from __future__ import annotations

from dataclasses import dataclass

from audioface.audio.activity import Activity
from audioface.audio.load import Audio
from audioface.errors import AudioFaceError
from audioface.language import openai_asr, whisper
from audioface.language.segments import Segment, keep_real

ASR_MODES = ("auto", "whisper", "openai", "words", "phonetic")
DEFAULT_ASR = "auto"
TEXT_MODELS = ("whisper", "openai")  # recognisers whose text is aligned like a transcript
HINT = (
    "note: recognising the words with pocketsphinx; for better lip sync without a transcript: "
    "pip install 'audioface[whisper]'"
)


@dataclass(frozen=True)
class Recognizer:
    """A recognition mode with its settings; plain data, so it travels to worker processes."""

    mode: str = DEFAULT_ASR
    model: str | None = None  # whisper: a CTranslate2 folder; openai: the endpoint's model name
    url: str | None = None  # openai: the endpoint's base URL
    timeout: float = openai_asr.TIMEOUT


def check_asr(asr: str) -> str:
    """``asr`` if it names a recognition mode, else an :class:`AudioFaceError` listing them."""
    if asr not in ASR_MODES:
        raise AudioFaceError(f"unknown recognition mode {asr!r}; choose one of {', '.join(ASR_MODES)}", "asr")
    return asr


def choose(
    asr: str | Recognizer = DEFAULT_ASR, model: str | None = None, url: str | None = None
) -> Recognizer:
    """The recogniser a request means, ``auto`` settled and its settings checked before any work."""
    rec = asr if isinstance(asr, Recognizer) else Recognizer(check_asr(asr), model, url)
    check_asr(rec.mode)
    if rec.mode == "auto":
        rec = Recognizer("whisper" if whisper.available() else "words", rec.model, rec.url, rec.timeout)
    if rec.mode == "whisper":
        if not whisper.available():
            raise AudioFaceError("Whisper needs the whisper extra: pip install 'audioface[whisper]'", "asr")
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
    """What a text recogniser heard, with invented segments dropped (see segments.keep_real)."""
    if rec.mode == "whisper":
        heard = whisper.transcribe(audio.samples, rec.model, activity.regions())
    elif rec.mode == "openai":
        heard = openai_asr.transcribe(audio.samples, rec.url or "", rec.model, rec.timeout)
    else:
        raise ValueError(f"{rec.mode} does not give text")
    return keep_real(heard, activity)
