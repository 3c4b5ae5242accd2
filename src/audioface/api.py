"""The Python API: one call runs audio -> language -> motion and returns an Animation."""

from __future__ import annotations

import os
from collections.abc import Callable

import numpy as np

from audioface.animation import Animation
from audioface.audio import Activity, Audio, detect_activity, load_audio
from audioface.audio.load import DEFAULT_MAX_DURATION
from audioface.audio.pitch import pitch_track
from audioface.errors import AudioFaceError
from audioface.language import ASR_MODES, build_track
from audioface.motion import FaceOptions, Prosody, animate_face
from audioface.motion.learned import gate_to_speech, learned_mouth, load_model
from audioface.track import PhoneTrack


def animate(
    audio: str | os.PathLike | np.ndarray | Audio,
    text: str | None = None,
    *,
    fps: float = 60.0,
    asr: str = "words",
    sample_rate: int | None = None,
    jobs: int | None = None,
    max_duration: float = DEFAULT_MAX_DURATION,
    progress: Callable[[int, int], None] | None = None,
    face: FaceOptions | None = None,
    generator: str = "learned",
    audio_only: bool = False,
) -> Animation:
    """Animate a face from speech.

    ``audio`` is a path (WAV, FLAC, OGG, MP3), an :class:`Audio`, or an array with
    ``sample_rate``. With ``text`` the transcript is aligned to the audio;
    without it, words (``asr="words"``) or phones (``asr="phonetic"``) are
    recognised. ``jobs`` caps the worker processes (default: one per core).
    ``face`` switches the rest of the face (blinks, brows, gaze, head, cheeks)
    and sets an emotion; by default all are on and the emotion is neutral.
    ``generator`` makes the mouth: "learned" (the default: the shipped model,
    hearing the audio and the phone track), "rules" (the articulatory table), "learned-audio"
    (the same model on the audio alone: no language stage), "stream" (the causal
    live model, audio alone) or the path of an ``.onnx`` model from ``audioface train``.
    ``audio_only`` runs a learned model without the language stage.
    """
    if not fps or fps <= 0 or fps > 1000:
        raise AudioFaceError(f"fps must be between 0 and 1000, got {fps}")
    if asr not in ASR_MODES:
        raise AudioFaceError(f"unknown --asr mode {asr!r}; choose one of {', '.join(ASR_MODES)}")
    if text is not None and not text.strip():
        raise AudioFaceError("the transcript is empty")
    model = None
    if generator != "rules":
        model = load_model("learned" if generator == "learned-audio" else generator)
    audio_only = model is not None and (audio_only or generator == "learned-audio" or not model.info.phones)
    sound = load_audio(audio, sample_rate, max_duration=max_duration)
    activity = detect_activity(sound)
    if audio_only:
        track = PhoneTrack([], sound.duration, "none")
    else:
        track = build_track(sound, activity, text, asr=asr, jobs=jobs, progress=progress)
    mouth = None
    if model is not None:
        sentence = None
        if model.info.sentence and text and not audio_only:
            from audioface.language.meaning import embed

            sentence = embed([text])[0]
        cues_track = None if audio_only else track
        mouth = learned_mouth(sound.samples, fps, track.duration, model, cues_track, sentence)
        mouth = gate_to_speech(mouth, fps, activity.speech, activity.hop)
    face = face or FaceOptions()
    moods = None
    if face.emotion == "auto":
        from audioface.language.meaning import emotion_spans

        meaning_text = text if text is not None else " ".join(w.word for w in track.words)
        moods = emotion_spans(meaning_text, track)
    return assemble_face(sound, activity, track, fps, face, mouth, moods)


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
    f0 = pitch_track(sound) if (face.brows or face.head) else None
    prosody = Prosody(activity.loudness, activity.speech, f0, activity.hop)
    weights, rotations = animate_face(track, fps, prosody, face, mouth, moods)
    return Animation(weights=weights, fps=float(fps), track=track, source=sound.source, rotations=rotations)
