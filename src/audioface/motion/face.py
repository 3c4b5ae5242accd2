"""Assembling the face: the mouth first, then what speech does to the rest of the face.

Every behaviour is switchable through :class:`FaceOptions`, and seeded, so the
same input gives the same face. The rest of the face never changes the lip
channels the mouth generator set, so closures stay closed under any emotion.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from audioface import arkit
from audioface.frames import check_fps
from audioface.motion import blinks, brows, emotion, gaze, head
from audioface.motion.mouth import enforce_weights, mouth_params
from audioface.motion.shapes import at_frames, bump
from audioface.motion.style import Style, apply_style
from audioface.motion.targets import PhoneTable, to_arkit
from audioface.track import PhoneTrack

EYE_YAW, EYE_PITCH = 0.35, 0.25  # rad at full gaze


@dataclass(frozen=True)
class FaceOptions:
    blinks: bool = True
    brows: bool = True
    gaze: bool = True
    head: bool = True
    cheeks: bool = True
    emotion: str = "neutral"
    intensity: float = 0.6
    seed: int = 0
    phone_table: PhoneTable | None = None  # a user's articulatory table (motion/phone_table.py)
    style: Style = field(default_factory=Style)  # gains, JA/LI, smoothing, hold (motion/style.py)


@dataclass(frozen=True)
class Prosody:
    """What the audio stage measured, per 10 ms frame."""

    loudness: np.ndarray | None = None
    speech: np.ndarray | None = None
    f0: np.ndarray | None = None
    hop: float = 0.01


def animate_face(
    track: PhoneTrack,
    fps: float = 60.0,
    prosody: Prosody | None = None,
    options: FaceOptions | None = None,
    mouth: np.ndarray | None = None,
    moods: list[tuple[float, float, str]] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """(frames x 52 ARKit weights in [0, 1], frames x 9 rotations in radians, columns as
    :data:`audioface.animation.ROTATION_NAMES`).

    ``mouth`` is a mouth from another generator (the learned one), frames at
    ``fps``; without it the rules make the mouth from the phone track.
    ``moods`` are (start, end, emotion) spans for ``emotion="auto"``."""
    fps = check_fps(fps)
    prosody = prosody or Prosody()
    options = options or FaceOptions()
    mood = emotion.preset(options.emotion, options.intensity)
    phones = track.phones()
    if mouth is None:
        weights = to_arkit(mouth_params(phones, track.duration, fps, prosody.loudness, prosody.hop,
                                        options.phone_table, options.style.coarticulation))  # fmt: skip
    else:
        weights = np.array(mouth, dtype=np.float32)
    n = len(weights)
    times = np.arange(n) / fps
    rotations = np.zeros((n, 9), dtype=np.float32)
    rng = np.random.default_rng(options.seed)

    def raise_to(name: str, curve: np.ndarray) -> None:
        col = arkit.INDEX[name]
        weights[:, col] = np.clip(np.maximum(weights[:, col], curve), 0, 1)

    for name, value in mood.items():
        raise_to(name, np.full(n, value))
    if options.emotion == "auto" and moods:
        for name, curve in emotion.mood_curves(times, moods, options.intensity).items():
            raise_to(name, curve)
    if options.blinks and n:
        curve = blinks.blink_curve(times, blinks.blink_times(phones, track.duration, rng), rng)
        raise_to("eyeBlinkLeft", curve)
        raise_to("eyeBlinkRight", curve * 0.97)
    if options.brows:
        lift = brows.brow_curve(times, phones, prosody.f0, prosody.hop)
        for name in ("browInnerUp", "browOuterUpLeft", "browOuterUpRight"):
            raise_to(name, lift + mood.get(name, 0.0))
    if options.gaze and n:
        x, y = gaze.gaze_directions(times, fps, rng)
        # looking to the character's right: right eye out, left eye in
        raise_to("eyeLookOutRight", np.clip(x, 0, 1))
        raise_to("eyeLookInLeft", np.clip(x, 0, 1))
        raise_to("eyeLookOutLeft", np.clip(-x, 0, 1))
        raise_to("eyeLookInRight", np.clip(-x, 0, 1))
        for side in ("Left", "Right"):
            raise_to(f"eyeLookUp{side}", np.clip(y, 0, 1))
            raise_to(f"eyeLookDown{side}", np.clip(-y, 0, 1) + mood.get(f"eyeLookDown{side}", 0.0))
        rotations[:, [3, 6]] = (x * EYE_YAW)[:, None]
        rotations[:, [4, 7]] = (-y * EYE_PITCH)[:, None]
    if options.head and n:
        rotations[:, :3] = head.head_rotations(
            times, fps, phones, prosody.speech, prosody.loudness, prosody.f0, prosody.hop, rng
        )
    if options.cheeks and n:
        _cheeks(weights, times, phones, prosody, raise_to)
    if not options.style.is_default:
        apply_style(weights, rotations, fps, options.style)
        if track.words:  # the guarantees again, over whatever the style did
            weights = enforce_weights(weights, phones, fps, options.phone_table,
                                      min(options.style.lips, 1.0)).astype(np.float32)  # fmt: skip
    return weights, rotations


def _cheeks(weights, times, phones, prosody: Prosody, raise_to) -> None:
    """Strong articulation reaches the cheeks and nose: squint on loud open vowels,
    a puff of air pressure before a P or B release, a sneer on forceful F/V."""
    loud = np.zeros_like(times)
    if prosody.loudness is not None:
        loud = at_frames(prosody.loudness, prosody.hop, times)
    jaw = weights[:, arkit.INDEX["jawOpen"]]
    squint = 0.25 * np.clip(loud - 0.5, 0, 1) * jaw / 0.5
    for side in ("Left", "Right"):
        raise_to(f"cheekSquint{side}", squint)
    puff = np.zeros_like(times)
    sneer = np.zeros_like(times)
    for ph in phones:
        if ph.phone in ("P", "B") and ph.duration > 0.05:
            puff = np.maximum(puff, 0.15 * bump(times, ph.end - 0.01, ph.duration * 0.7, 0.04))
        if ph.phone in ("F", "V"):
            level = float(np.interp((ph.start + ph.end) / 2, times, loud)) if len(times) else 0.0
            sneer = np.maximum(sneer, 0.12 * level * bump(times, (ph.start + ph.end) / 2, 0.06, 0.1))
    raise_to("cheekPuff", puff)
    raise_to("noseSneerLeft", sneer)
    raise_to("noseSneerRight", sneer)
