"""The live speech gate: the live path rests on steady noise and keeps every event on speech,
clean or in noise, synthetic and real."""

import numpy as np
import pytest
from conftest import DATA, EMU, reference_phones

from audioface import StreamAnimator, arkit
from audioface.audio import load_audio
from audioface.audio.live_activity import LiveActivity
from audioface.evaluate import score_lipsync
from audioface.formats.phones import read_phones

JAW = arkit.INDEX["jawOpen"]
N = 16000 * 4


def shaped_noise(alpha: float, level: float, n: int = N, seed: int = 0) -> np.ndarray:
    """Gaussian noise with a 1/f**alpha power spectrum: white 0, pink 1, brown 2."""
    rng = np.random.default_rng(seed)
    spectrum = np.fft.rfft(rng.normal(0, 1, n))
    f = np.fft.rfftfreq(n, 1 / 16000)
    f[0] = 1.0
    x = np.fft.irfft(spectrum / f ** (alpha / 2), n)
    return (level * x / np.std(x)).astype(np.float32)


def noises() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(1)
    hum = 0.1 * np.sin(2 * np.pi * 120 * np.arange(N) / 16000) + rng.normal(0, 0.01, N)
    t = np.arange(N) / 16000
    buzz = 0.05 * sum(np.sin(2 * np.pi * 100 * k * t) / k for k in range(1, 40)) + rng.normal(0, 0.005, N)
    return {"white": shaped_noise(0, 0.05), "pink": shaped_noise(1, 0.05), "brown": shaped_noise(2, 0.05),
            "fan hum": hum.astype(np.float32), "mains buzz": buzz.astype(np.float32)}  # fmt: skip


def live(samples: np.ndarray, gate: bool) -> np.ndarray:
    return StreamAnimator("stream", fps=60, gate=gate).run(samples, 320)


def test_steady_noise_gives_a_mouth_at_rest():
    ungated = {name: live(x, False)[:, JAW].max() for name, x in noises().items()}
    assert max(ungated.values()) > 0.1  # the model alone mouths along with noise, visibly
    for name, x in noises().items():
        mouth = live(x, True)
        assert mouth[:, JAW].max() < 0.02, name
        assert np.abs(mouth).max() < 0.02, name


@pytest.mark.parametrize("name", ["flite_slt_01", "festival_slt_07", "flite_awb_04", "espeak_en-us_11"])
def test_speech_keeps_its_events_clean_and_in_noise(name):
    sound = load_audio(DATA / f"{name}.wav")
    ref = reference_phones(name)
    noisy = sound.samples + shaped_noise(1, 0.01, len(sound.samples), seed=2)
    for samples in (sound.samples, noisy):
        plain = score_lipsync(live(samples, False), 60, ref).score
        gated = score_lipsync(live(samples, True), 60, ref).score
        assert gated >= plain - 0.02, (name, plain, gated)


@pytest.mark.skipif(not EMU.is_dir(), reason="../shared/data/emur-ae is not beside the project")
def test_real_speech_keeps_its_events():
    plain, gated = [], []
    for wav in sorted((EMU / "wavFiles").glob("*.wav")):
        sound = load_audio(wav)
        ref = read_phones(EMU / "annotationFiles" / f"{wav.stem}.lab", "sampa")
        plain.append(score_lipsync(live(sound.samples, False), 60, ref).score)
        gated.append(score_lipsync(live(sound.samples, True), 60, ref).score)
    assert np.mean(gated) >= np.mean(plain) - 0.02, (plain, gated)


def test_the_gate_is_causal_and_bounded():
    """Asked about a time, the gate answers from the audio heard so far, and keeps only recent
    frames however long the stream runs."""
    speech = load_audio(DATA / "flite_slt_01.wav").samples
    act = LiveActivity()
    act.push(np.zeros(16000, np.float32))
    assert act.gate(np.array([0.5]))[0] == 0.0
    act.push(speech)
    t = np.arange(0, act.heard, 0.01)
    g = act.gate(t)
    assert g[:90].max() == 0.0 and g.max() == 1.0  # silence shut, speech open
    for _ in range(50):
        act.push(np.zeros(16000, np.float32))
        act.forget_before(act.heard)
    assert len(act._speech) < 1000 and len(act._levels) <= 600


def gate_share(samples: np.ndarray) -> float:
    """The share of a clip's 10 ms frames the live gate, fed 20 ms chunks, holds open."""
    gate = LiveActivity()
    for k in range(0, len(samples), 320):
        gate.push(samples[k : k + 320])
    return float(gate.gate(np.arange(len(samples) // 160) / 100).mean())


def test_the_gate_opens_on_voice_without_a_pause():
    """A stream that starts inside voice has no quiet for its floor: voicing with a moving
    pitch opens the gate (a vowel run 0.37-0.50 open before), real speech cut inside its
    voicing too; real room tone and a buzz keep it shut."""
    from test_activity import FILES, MULTI, room_tones, voiced_windows

    for name in ("vowel_run_ja.wav", "vowel_run_fr.wav"):
        assert gate_share(load_audio(FILES / name).samples) > 0.75
    if MULTI.is_dir():
        windows = voiced_windows()
        assert np.mean([gate_share(w.samples) > 0.5 for w in windows]) >= 0.9
        shut = [gate_share(t.samples) < 0.05 for t in room_tones()]  # two of 16 hold a breath's rise
        assert np.mean(shut) >= 0.85
