"""The rest of the face: blinks, brows, gaze, head, cheeks and emotions."""

import numpy as np
import pytest
from conftest import DATA, FIXTURES, reference_phones, transcript

from audioface import animate, arkit
from audioface.audio import Audio, load_audio
from audioface.errors import AudioFaceError
from audioface.evaluate import score_lipsync
from audioface.motion import FaceOptions, Prosody, animate_face
from audioface.motion.brows import brow_curve
from audioface.motion.emotion import LIP_CHANNELS, PRESETS
from audioface.track import Phone, PhoneTrack, Word


@pytest.fixture(scope="module")
def minute():
    """About 60 s of speech with its transcript, animated once."""
    samples, text, t = [], [], 0.0
    for name in FIXTURES * 2:
        a = load_audio(DATA / f"{name}.wav")
        samples.append(a.samples)
        text.append(transcript(name))
        t += a.duration
        if t >= 60:
            break
    anim = animate(Audio(np.concatenate(samples)), " ".join(text))
    return anim


def _onsets(curve, level=0.5):
    above = curve > level
    return int(np.sum(above[1:] & ~above[:-1]))


def test_blink_rate_is_like_peoples(minute):
    blinks = _onsets(minute.curve("eyeBlinkLeft"))
    per_minute = blinks / (minute.duration / 60)
    assert 8 <= per_minute <= 25, per_minute
    # both eyes blink together (the right lid closes to 97% of the left: faces are not symmetric)
    assert np.allclose(minute.curve("eyeBlinkLeft") > 0.5, minute.curve("eyeBlinkRight") > 0.5 * 0.97)


def test_blinks_favour_pauses(minute):
    times = minute.times()
    blink = minute.curve("eyeBlinkLeft") > 0.5
    starts = times[1:][blink[1:] & ~blink[:-1]]
    pauses = [p.start for p in minute.track.phones() if p.phone == "sil" and p.duration >= 0.3]
    near = np.mean([any(0 <= s - p <= 0.4 for p in pauses) for s in starts])
    chance = len(pauses) * 0.4 / minute.duration
    assert near > 2 * chance


def test_gaze_and_head_move_a_little_and_smoothly(minute):
    rot = minute.rotations
    assert rot.shape == (minute.n_frames, 9)
    assert 0.005 < np.abs(rot[:, :3]).max() < 0.2  # a few degrees at most
    assert np.abs(np.diff(rot[:, :3], axis=0)).max() < 0.01  # no jerks at 60 fps
    look = minute.weights[:, [arkit.INDEX[n] for n in arkit.NAMES if n.startswith("eyeLook")]]
    assert look.max() > 0.05 and look.max() <= 0.6
    saccades = np.sum(np.abs(np.diff(rot[:, 3])) > 0.01)
    assert 10 <= saccades / (minute.duration / 60) <= 120


def test_brows_rise_on_a_stressed_high_syllable_only():
    hop, fps = 0.01, 60
    f0 = np.full(300, 120.0)
    f0[150:180] = 190.0  # the second stressed vowel is spoken high
    phones = [Phone("AA", 0.5, 0.8, 1), Phone("AA", 1.5, 1.8, 1), Phone("AA", 2.3, 2.6, 0)]
    times = np.arange(int(3 * fps)) / fps
    lift = brow_curve(times, phones, f0, hop)
    assert lift[int(1.65 * fps)] > 0.15
    assert lift[int(0.65 * fps)] == 0 and lift[int(2.45 * fps)] == 0


@pytest.mark.parametrize("mood", sorted(PRESETS))
def test_the_mouth_stays_correct_under_every_emotion(mood):
    name = "flite_slt_01"
    ref = reference_phones(name)
    anim = animate(DATA / f"{name}.wav", transcript(name), face=FaceOptions(emotion=mood, intensity=1.0))
    res = score_lipsync(anim.weights, anim.fps, ref)
    assert res.recall("closure") == 1.0 and res.recall("open_vowel") == 1.0
    for channel, value in PRESETS[mood].items():
        assert anim.curve(channel).min() >= value - 1e-6
    assert not LIP_CHANNELS & set(PRESETS[mood])


def test_cheek_puff_before_a_p_release():
    phones = (Phone("AA", 0.3, 0.5, 1), Phone("P", 0.5, 0.62), Phone("AA", 0.62, 0.8, 1))
    track = PhoneTrack([Word("apa", 0.3, 0.8, phones)], 1.2, "transcript")
    weights, _ = animate_face(track, 100, Prosody(), FaceOptions(blinks=False, gaze=False, head=False))
    puff = weights[:, arkit.INDEX["cheekPuff"]]
    assert puff[58:62].max() > 0.1 and puff[:40].max() == 0


def test_switches_and_seed():
    name = "flite_awb_04"
    off = FaceOptions(blinks=False, brows=False, gaze=False, head=False, cheeks=False)
    quiet = animate(DATA / f"{name}.wav", transcript(name), face=off)
    upper = [arkit.INDEX[n] for n in arkit.NAMES if n.startswith(("eye", "brow", "cheek", "nose"))]
    assert quiet.weights[:, upper].max() == 0 and np.abs(quiet.rotations).max() == 0
    a = animate(DATA / f"{name}.wav", transcript(name), face=FaceOptions(seed=3))
    b = animate(DATA / f"{name}.wav", transcript(name), face=FaceOptions(seed=3))
    c = animate(DATA / f"{name}.wav", transcript(name), face=FaceOptions(seed=4))
    assert np.array_equal(a.weights, b.weights) and not np.array_equal(a.weights, c.weights)
    mouth = [arkit.INDEX[n] for n in arkit.MOUTH_GROUP]
    assert np.array_equal(a.weights[:, mouth], quiet.weights[:, mouth])


def test_bad_emotion_is_a_clear_error():
    with pytest.raises(AudioFaceError, match="unknown emotion"):
        animate(DATA / "flite_awb_04.wav", face=FaceOptions(emotion="smug"))
    with pytest.raises(AudioFaceError, match="intensity"):
        animate(DATA / "flite_awb_04.wav", face=FaceOptions(emotion="happy", intensity=2))
