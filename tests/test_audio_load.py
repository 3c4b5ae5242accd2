import numpy as np
import pytest
import soundfile as sf

from audioface.audio import SAMPLE_RATE, Audio, load_audio
from audioface.errors import AudioFaceError


@pytest.mark.parametrize(
    "fmt,subtype,ext",
    [
        ("WAV", "PCM_16", "wav"),
        ("WAV", "PCM_24", "wav"),
        ("WAV", "FLOAT", "wav"),
        ("FLAC", "PCM_16", "flac"),
        ("OGG", "VORBIS", "ogg"),
        ("MP3", "MPEG_LAYER_III", "mp3"),
    ],
)
def test_formats_rates_and_channels_become_16k_mono(tmp_path, speech, fmt, subtype, ext):
    data, rate = speech
    stereo = np.stack([data, 0.5 * data], axis=1)
    import soxr

    up = soxr.resample(stereo, rate, 44100)
    path = tmp_path / f"x.{ext}"
    sf.write(path, up, 44100, format=fmt, subtype=subtype)
    audio = load_audio(path)
    assert audio.sample_rate == SAMPLE_RATE
    assert audio.samples.ndim == 1 and audio.samples.dtype == np.float32
    # lossy codecs may pad a little at the ends
    assert abs(audio.duration - len(data) / rate) < 0.1
    # the content survives: correlates with the original mixed to mono
    ref = 0.75 * data
    n = min(len(ref), len(audio.samples))
    lag = np.argmax(np.correlate(audio.samples[:n], ref[:n], "full")[n - 2000 : n + 2000]) - 2000
    shifted = np.roll(audio.samples[:n], -lag)
    assert np.corrcoef(shifted[2000:-2000], ref[2000 : n - 2000])[0, 1] > 0.9


def test_int_array_input_and_rate():
    x = (np.sin(np.linspace(0, 2000, 8000)) * 20000).astype(np.int16)
    audio = load_audio(x, 8000)
    assert audio.duration == pytest.approx(1.0, abs=1e-3)
    assert np.abs(audio.samples).max() <= 1.0


def _errors(tmp_path):
    cases = {}
    cases["missing"] = (tmp_path / "nope.wav", "not found")
    (tmp_path / "text.wav").write_text("this is not audio at all\n" * 50)
    cases["not audio"] = (tmp_path / "text.wav", "not a readable audio file")
    (tmp_path / "empty.wav").write_bytes(b"")
    cases["empty file"] = (tmp_path / "empty.wav", "empty")
    sf.write(tmp_path / "zero.wav", np.zeros((0,), np.float32), 16000)
    cases["zero length"] = (tmp_path / "zero.wav", "zero length")
    sf.write(tmp_path / "short.wav", np.zeros(800, np.float32), 16000)
    cases["too short"] = (tmp_path / "short.wav", "shorter than")
    sf.write(tmp_path / "full.wav", np.random.default_rng(0).normal(0, 0.1, 32000), 16000)
    raw = (tmp_path / "full.wav").read_bytes()
    (tmp_path / "truncated.wav").write_bytes(raw[: len(raw) // 3])
    cases["truncated"] = (tmp_path / "truncated.wav", "truncated")
    (tmp_path / "corrupt.flac").write_bytes(b"fLaC" + bytes(range(256)) * 8)
    cases["corrupt"] = (tmp_path / "corrupt.flac", "audio file")
    cases["directory"] = (tmp_path, "directory")
    return cases


@pytest.mark.parametrize(
    "case",
    [
        "missing",
        "not audio",
        "empty file",
        "zero length",
        "too short",
        "truncated",
        "corrupt",
        "directory",
    ],
)
def test_bad_input_gives_one_clear_error(tmp_path, case):
    path, words = _errors(tmp_path)[case]
    with pytest.raises(AudioFaceError) as err:
        load_audio(path)
    assert words in str(err.value)
    assert "\n" not in str(err.value)


def test_too_long_is_refused_before_reading(tmp_path):
    sf.write(tmp_path / "long.wav", np.zeros(16000 * 3, np.float32), 16000)
    with pytest.raises(AudioFaceError, match="limit"):
        load_audio(tmp_path / "long.wav", max_duration=2.0)


def test_dc_offset_and_rumble_are_removed(speech):
    from audioface.audio import detect_activity

    data, rate = speech
    hum = 0.3 + 0.1 * np.sin(2 * np.pi * 8 * np.arange(len(data)) / rate)  # offset plus slow rumble
    audio = load_audio((0.5 * data + hum).astype(np.float32), rate)
    assert abs(float(audio.samples[rate // 2 :].mean())) < 0.01
    clean = detect_activity(load_audio(data, rate))
    shifted = detect_activity(audio)
    assert shifted.has_speech
    assert np.mean(shifted.speech == clean.speech) > 0.9


@pytest.mark.parametrize("samples", [0, 100, 1500])
def test_an_audio_object_too_short_to_animate_is_refused_cleanly(samples):
    """An :class:`Audio` goes into the pipeline as it is, but its length is checked as a file's is:
    under 100 ms the face's gaze filters broke with a ValueError."""
    from audioface import animate

    with pytest.raises(AudioFaceError, match="shorter than"):
        animate(Audio(np.zeros(samples, np.float32)), jobs=1)
    assert load_audio(Audio(np.zeros(1600, np.float32))).duration == pytest.approx(0.1)
