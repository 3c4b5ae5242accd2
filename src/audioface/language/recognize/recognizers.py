"""Which recogniser hears the words when there is no transcript: the one place that decides.

| mode | what |
|---|---|
| ``auto`` (default) | ``whisper``; a short clip's words it is unsure of give way to ``phonetic`` |
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
from audioface.language.recognize.segments import Segment, keep_real, mean_logprob

ASR_MODES = ("auto", "whisper", "openai", "words", "phonetic")
DEFAULT_ASR = "auto"
TEXT_MODELS = ("whisper", "openai")  # recognisers whose text is aligned like a transcript
# With ``auto`` and no language given, a clip with under SHORT_SPEECH_S of speech (the activity
# detection's regions together) whose words Whisper was not sure of (mean log-probability per
# token under SURE_LOGPROB, or no words) is heard as phones instead: on a word or two Whisper often
# cannot tell the language, and tiny.en invents English ("allume" -> "I will"). Held-out real
# speech (bench/bench_short_clips.py), events shown of those scored: words cut out of utterances
# (161 clips in 7 languages) 288 with Whisper's words, 293 with the phones heard, 301 this way;
# whole recordings with under 1.5 s of speech (30) 166, 152, 166 (-0.7: 163, -0.9: 166)
SHORT_SPEECH_S = 1.5
SURE_LOGPROB = -0.8


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
    doubts_short: bool = False  # ``auto`` chose Whisper: a short clip's unsure words give way (doubted)


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
        rec = replace(rec, mode="whisper", doubts_short=True)
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


def doubted(rec: Recognizer, activity: Activity, segments: list[Segment]) -> bool:
    """Whether the phones heard are to replace the words a recogniser wrote: where ``auto``
    chose Whisper and no language is given, on a clip with under :data:`SHORT_SPEECH_S` of speech
    whose words Whisper was not sure of (a language given, or Whisper asked for by name, keeps
    the words; so does a longer file, whose words outscore its phones: BENCHMARKS.md)."""
    if not rec.doubts_short or rec.language is not None:
        return False
    speech = sum(end - start for start, end in activity.regions())
    sure = mean_logprob(segments)
    return speech < SHORT_SPEECH_S and (sure is None or sure < SURE_LOGPROB)


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
