"""The Python API: the stages composed. audio -> language -> motion, for files and for the live path.

The CLI and any service are shells over these calls: whatever a user can do on
the command line, a Python caller does with the same call and gets the same face.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from audioface.animation import Animation
from audioface.audio import Activity, Audio, detect_activity, load_audio
from audioface.audio.load import DEFAULT_MAX_DURATION
from audioface.errors import AudioFaceError
from audioface.frames import check_fps
from audioface.language import (
    AUTO_LANGUAGE,
    DEFAULT_ALIGNER,
    DEFAULT_ASR,
    Recognizer,
    build_track,
    check_aligner,
    check_language,
    choose,
)
from audioface.motion import FaceOptions, Prosody, animate_face
from audioface.motion.generators import DEFAULT, LIVE, GeneratorSpec, live, resolve
from audioface.motion.learned import gate_to_speech, learned_mouth, load_model
from audioface.streaming import StreamAnimator
from audioface.track import PhoneTrack

AudioInput = str | os.PathLike | np.ndarray | Audio


def animate(
    audio: AudioInput,
    text: str | None = None,
    *,
    language: str = AUTO_LANGUAGE,
    fps: float = 60.0,
    asr: str | Recognizer = DEFAULT_ASR,
    asr_model: str | None = None,
    asr_url: str | None = None,
    aligner: str = DEFAULT_ALIGNER,
    sample_rate: int | None = None,
    jobs: int | None = None,
    max_duration: float = DEFAULT_MAX_DURATION,
    progress: Callable[[int, int], None] | None = None,
    face: FaceOptions | None = None,
    generator: str | GeneratorSpec = DEFAULT,
) -> Animation:
    """Animate a face from speech.

    ``audio`` is a path (WAV, FLAC, OGG, MP3), an :class:`Audio`, or an array with
    ``sample_rate``. With ``text`` the transcript is aligned to the audio;
    without it, the words are recognised by ``asr``: ``"auto"`` and ``"whisper"`` (Whisper,
    in the core install: tiny.en for English, base for the rest; ``asr_model``: another
    CTranslate2 Whisper folder), ``"openai"`` (an OpenAI-compatible endpoint at ``asr_url``,
    ``asr_model`` its model name; the key from ``AUDIOFACE_ASR_KEY``), ``"words"``
    (pocketsphinx), or phones are (``"phonetic"``).
    ``language`` is the language spoken, a code such as ``"fr"``, ``"zh"`` or ``"pt-BR"`` (see
    :data:`audioface.language.LANGUAGES`), or ``"auto"``: the transcript's script or words say, else
    the recogniser hears it. It decides how words become phones (its route).
    ``aligner`` times the words: ``"auto"`` (the default) is ``"learned"`` (the phone model and a
    Viterbi pass, about twice as fast as a whole; pocketsphinx where it is unsure), ``"sphinx"``
    is pocketsphinx throughout.
    ``jobs`` caps the worker processes (default: one per core).
    ``face`` switches the rest of the face (blinks, brows, gaze, head, cheeks)
    and sets an emotion; by default all are on and the emotion is neutral.
    ``generator`` makes the mouth: a name from :data:`audioface.motion.generators.NAMES`
    ("learned", the default, hears the audio and the phone track; "learned-audio" the audio
    and the phones the language stage recognises in it, never a transcript or a word
    recogniser; "stream" the audio alone; "rules" is the articulatory table), the path of an
    ``.onnx`` model from ``audioface train``, or a resolved spec. A model without phone cues
    skips the language stage.
    """
    fps = check_fps(fps)
    rec = choose(asr, asr_model, asr_url)
    aligner = check_aligner(aligner)
    language = check_language(language)
    if text is not None and not text.strip():
        raise AudioFaceError("the transcript is empty", "text")
    spec = resolve(generator)
    face = face or FaceOptions()
    sound = load_audio(audio, sample_rate, max_duration=max_duration)
    activity = detect_activity(sound)
    if not spec.phones:
        track = PhoneTrack([], sound.duration, "none")
    else:  # learned-audio hears no words: the language stage recognises phones in the audio
        heard = spec.phones_heard
        track = build_track(sound, activity, None if heard else text, asr="phonetic" if heard else rec,
                            aligner=aligner, jobs=jobs, progress=progress, language=language)  # fmt: skip
    mouth = None
    if spec.model is not None:
        sentence = None
        if spec.sentence and text and not spec.audio_only:
            from audioface.language.meaning import embed

            sentence = embed([text])[0]
        cues_track = track if spec.phones else None
        model = load_model(spec.model)
        mouth = learned_mouth(sound.samples, fps, track.duration, model, cues_track, sentence,
                              face.phone_table)  # fmt: skip
        mouth = gate_to_speech(mouth, fps, activity.speech, activity.hop)
    moods = None
    if face.emotion == "auto":
        from audioface.language.meaning import emotion_spans

        meaning_text = text if text is not None else " ".join(w.word for w in track.words)
        moods = emotion_spans(meaning_text, track)
    return assemble_face(sound, activity, track, fps, face, mouth, moods)


@dataclass
class StreamRun:
    """A recording animated as live audio, with what a live caller would have measured."""

    animation: Animation
    latency: float  # s of audio after a frame's time before the frame came out
    compute: float  # s of compute per second of audio, the live mouth alone
    chunk: int  # samples per chunk fed, at the recording's rate


def animate_stream(
    audio: AudioInput,
    *,
    fps: float = 60.0,
    chunk_ms: float = 20.0,
    sample_rate: int | None = None,
    max_duration: float = DEFAULT_MAX_DURATION,
    face: FaceOptions | None = None,
    generator: str | GeneratorSpec = LIVE,
    text: str | None = None,
    hear_phones: bool = True,
    language: str = AUTO_LANGUAGE,
) -> StreamRun:
    """The live path on a file or an array: the audio fed in ``chunk_ms`` chunks to the causal
    model, frames taken as they become final, then the rest of the face around that mouth.
    ``hear_phones``: the language stage recognises phones as they are spoken and the mouth is
    held to them (off: the model's mouth alone). ``text``: the words being said, known ahead
    as a voice agent knows its TTS's; they are aligned as the audio arrives instead, and the
    mouth follows their phones, with the same look-ahead. ``language``: how ``text``'s words
    become phones (as for :func:`animate`).

    ``generator``: any registry name runs the shipped stream model; a model path runs
    that model, hearing the audio alone. The curves equal what :class:`StreamAnimator`
    (with its live speech gate on, as a microphone needs) gives a live caller fed the same chunks.
    """
    fps = check_fps(fps)
    if not chunk_ms > 0:
        raise AudioFaceError(f"the chunk length must be positive, got {chunk_ms} ms", "chunk_ms")
    spec = live(generator)
    sound = load_audio(audio, sample_rate, max_duration=max_duration)
    stream = StreamAnimator(spec, fps=fps, gate=True, text=text, hear_phones=hear_phones, language=language)
    chunk = max(1, int(round(chunk_ms / 1000 * sound.sample_rate)))
    started = time.perf_counter()
    mouth = stream.run(sound.samples, chunk)
    compute = (time.perf_counter() - started) / max(sound.duration, 1e-9)
    track = PhoneTrack([], sound.duration, "none")
    anim = assemble_face(sound, detect_activity(sound), track, fps, face or FaceOptions(), mouth)
    return StreamRun(anim, stream.latency, compute, chunk)


def assemble_face(
    sound: Audio,
    activity: Activity,
    track: PhoneTrack,
    fps: float,
    face: FaceOptions,
    mouth: np.ndarray | None = None,
    moods: list[tuple[float, float, str]] | None = None,
) -> Animation:
    """The whole face around a mouth (the rules' from the track when ``mouth`` is None),
    with the prosody the rest of the face needs: shared by files and the live path."""
    f0 = activity.pitch if (face.brows or face.head) else None  # detect_activity's track
    prosody = Prosody(activity.loudness, activity.speech, f0, activity.hop)
    weights, rotations = animate_face(track, fps, prosody, face, mouth, moods)
    return Animation(weights=weights, fps=float(fps), track=track, source=sound.source, rotations=rotations)
