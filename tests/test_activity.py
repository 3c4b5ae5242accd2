import numpy as np
import pytest
from conftest import DATA, reference_phones

from audioface.audio import Audio, detect_activity, load_audio, split_points


def test_silence_and_steady_noise_have_no_speech():
    rng = np.random.default_rng(1)
    assert not detect_activity(Audio(np.zeros(16000 * 2, np.float32))).has_speech
    noise = rng.normal(0, 0.05, 16000 * 3).astype(np.float32)
    assert not detect_activity(Audio(noise)).has_speech


def test_speech_regions_cover_the_reference_phones():
    audio = load_audio(DATA / "flite_slt_02.wav")
    act = detect_activity(audio)
    speech_phones = [p for p in reference_phones("flite_slt_02") if p.phone != "sil"]
    mid_frames = [int((p.start + p.end) / 2 / act.hop) for p in speech_phones]
    covered = np.mean([act.speech[min(i, len(act.speech) - 1)] for i in mid_frames])
    assert covered > 0.9
    # the 0.5 s pause between the sentences is not speech
    pause = [p for p in reference_phones("flite_slt_02") if p.phone == "sil" and p.end - p.start > 0.4][0]
    centre = int((pause.start + pause.end) / 2 / act.hop)
    assert not act.speech[centre]


def test_split_points_fall_in_pauses():
    audio = load_audio(DATA / "flite_slt_02.wav")
    act = detect_activity(audio)
    cuts = split_points(act, target=2.0)
    assert cuts
    regions = act.regions()
    for c in cuts:
        assert not any(s < c < e for s, e in regions)


def test_pitch_track_finds_f0_and_leaves_silence_unvoiced():
    from audioface.audio.pitch import pitch_track

    t = np.arange(32000) / 16000
    tone = 0.4 * np.sin(2 * np.pi * 140 * t) + 0.2 * np.sin(2 * np.pi * 280 * t)
    audio = Audio(np.concatenate([tone, np.zeros(16000)]).astype(np.float32))
    f0 = pitch_track(audio)
    assert len(f0) == len(detect_activity(audio).db)
    assert np.nanmedian(f0[20:180]) == pytest.approx(140, rel=0.02)
    assert np.isnan(f0[220:]).all()
