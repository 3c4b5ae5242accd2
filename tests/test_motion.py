import numpy as np
import pytest

from audioface import arkit
from audioface.motion import FaceOptions, Prosody, targets
from audioface.motion import animate_face as animate_whole_face
from audioface.phones import PHONES
from audioface.signals import lip_gap, rounding, tuck
from audioface.track import Phone, PhoneTrack, Word

MOUTH_ONLY = FaceOptions(blinks=False, brows=False, gaze=False, head=False, cheeks=False)


def animate_face(track, fps, loudness=None):
    """The mouth alone, as the tests below examine it."""
    return animate_whole_face(track, fps, Prosody(loudness=loudness), MOUTH_ONLY)[0]


def track_of(*spec, lead=0.3, tail=0.3):
    """spec: (phone, duration) pairs, stress 1 on vowels."""
    t, phones = lead, []
    for ph, d in spec:
        phones.append(Phone(ph, t, t + d, 1 if ph in "AA AE AH AO EH IY UW OW".split() else None))
        t += d
    word = Word("w", phones[0].start, phones[-1].end, tuple(phones))
    return PhoneTrack([word], t + tail, "transcript"), phones


def at(weights, fps, t0, t1):
    return slice(int(np.ceil(t0 * fps)), int(np.floor(t1 * fps)) + 1)


def test_table_covers_every_arpabet_phone_and_silence():
    documented = {row[0] for row in targets.table_rows()} | set(targets.DIPHTHONGS)
    assert PHONES <= documented


@pytest.mark.parametrize("fps", [24, 30, 60, 100])
def test_short_bilabial_closes_fully_at_any_frame_rate(fps):
    track, ph = track_of(("AA", 0.15), ("M", 0.03), ("AA", 0.15))
    w = animate_face(track, fps)
    g = lip_gap(w)
    m = ph[1]
    assert g[at(w, fps, m.start - 0.02, m.end + 0.02)].min() <= 0.02
    assert g[at(w, fps, ph[0].start + 0.04, ph[0].end - 0.04)].max() > 0.3


def test_labiodental_tucks_and_rounding_rounds():
    track, ph = track_of(("AA", 0.12), ("F", 0.04), ("UW", 0.12), ("W", 0.05), ("IY", 0.1))
    w = animate_face(track, 60)
    assert tuck(w)[at(w, 60, ph[1].start, ph[1].end)].max() >= 0.5
    assert rounding(w)[at(w, 60, ph[2].start, ph[2].end)].max() >= 0.5
    assert rounding(w)[at(w, 60, ph[3].start, ph[3].end)].max() >= 0.4


def test_lips_anticipate_upcoming_rounding():
    rounded, ph_r = track_of(("S", 0.1), ("T", 0.08), ("UW", 0.2))
    spread, ph_s = track_of(("S", 0.1), ("T", 0.08), ("IY", 0.2))
    wr, ws = animate_face(rounded, 60), animate_face(spread, 60)
    t_mid = at(wr, 60, ph_r[1].start, ph_r[1].end)
    assert rounding(wr)[t_mid].mean() > rounding(ws)[t_mid].mean() + 0.2


def test_tongue_shows_on_th_and_rest_in_pauses():
    track, ph = track_of(("TH", 0.1), ("IH", 0.1), lead=1.0, tail=1.0)
    w = animate_face(track, 60)
    assert w[at(w, 60, ph[0].start, ph[0].end), arkit.INDEX["tongueOut"]].max() > 0.3
    assert lip_gap(w)[at(w, 60, 0.2, 0.7)].max() < 0.05
    assert w[:, arkit.INDEX["tongueOut"]][at(w, 60, 0.0, 0.5)].max() < 0.01


def test_curves_are_smooth_bounded_and_sized_by_fps():
    track, _ = track_of(*[(p, 0.08) for p in "HH AH L OW W ER L D P B M".split()])
    for fps in (25, 60):
        w = animate_face(track, fps)
        assert w.shape == (int(np.floor(track.duration * fps + 1e-9)) + 1, 52)
        assert w.min() >= 0 and w.max() <= 1
    w = animate_face(track, 60)
    # no jumps larger than a real jaw can make in one 60 fps frame (about 0.35)
    assert np.abs(np.diff(w, axis=0)).max() < 0.35


def test_loudness_opens_the_jaw_wider():
    track, ph = track_of(("AA", 0.3))
    quiet = animate_face(track, 60, np.full(200, 0.1))
    loud = animate_face(track, 60, np.full(200, 0.9))
    j = arkit.INDEX["jawOpen"]
    assert loud[:, j].max() > quiet[:, j].max() * 1.3


def test_empty_track_is_a_face_at_rest():
    w = animate_face(PhoneTrack([], 2.0, "none"), 30)
    assert w.shape == (61, 52) and lip_gap(w).max() < 0.05


def test_learned_curves_keep_the_rules_rounding_and_rest():
    """A generator's curves, held to the rules' guarantees: OO rounds at least as far as the
    rules round it, and the mouth rests in the middle of a pause of 0.3 s or more (a short
    pause is left alone, so the lips can still anticipate the next sound)."""
    from audioface.motion.mouth import enforce_weights

    fps = 100.0
    weights = np.zeros((200, 52))
    weights[:, arkit.INDEX["jawOpen"]] = 0.5  # a model that never closes, never rounds
    phones = [Phone("sil", 0.0, 1.0), Phone("UW", 1.0, 1.3), Phone("sil", 1.3, 1.5), Phone("AA", 1.5, 2.0)]
    out = enforce_weights(weights, phones, fps)
    gap = lip_gap(out, arkit.NAMES)
    assert gap[25:75].max() < 0.01 and gap[0] > 0.4 and gap[99] > 0.4  # held mid-pause, free at its ends
    rule = targets.to_arkit(targets.target("UW")[None])[0]
    want = max(rule[arkit.INDEX["mouthFunnel"]], rule[arkit.INDEX["mouthPucker"]])
    assert rounding(out, arkit.NAMES)[112:119].min() >= want - 1e-6
    assert np.allclose(out[130:150], weights[130:150])  # the 0.2 s pause is left alone
    assert np.allclose(out[150:], weights[150:])
