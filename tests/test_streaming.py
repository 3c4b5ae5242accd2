"""The live path: chunks in, final frames out, equal to the offline causal model."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from conftest import DATA, EXAMPLES, reference_phones

from audioface.audio import load_audio
from audioface.evaluate.lipsync import score_lipsync
from audioface.motion.learned import MOUTH_CHANNELS, learned_mouth
from audioface.motion.learned.generator import OnnxGenerator
from audioface.streaming import StreamAnimator

MODELS = Path(__file__).parent.parent / "src" / "audioface" / "models"


@pytest.mark.parametrize("chunking", ["random", 441, 160, 20000])
def test_streaming_equals_the_offline_causal_model(chunking):
    sound = load_audio(DATA / "flite_awb_03.wav")
    model = OnnxGenerator("stream")
    offline = learned_mouth(sound.samples, 60.0, sound.duration, model)
    stream = StreamAnimator("stream", fps=60.0, hear_phones=False)
    rng = np.random.default_rng(3)
    parts, at = [], 0
    while at < len(sound.samples):
        step = int(rng.choice([1, 37, 160, 320, 1000, 4800])) if chunking == "random" else chunking
        parts.append(stream.push(sound.samples[at : at + step]))
        at += step
    parts.append(stream.finish())
    online = np.concatenate(parts)
    assert online.shape == offline.shape
    np.testing.assert_allclose(online, offline, atol=1e-4)
    assert online[:, MOUTH_CHANNELS].max() > 0.2  # it does move


@pytest.mark.parametrize("name", ["flite_slt_01", "festival_slt_07"])
def test_hearing_phones_seals_the_live_lips_the_same_for_any_chunking(name):
    """The live phone loop under the mouth: closures the model alone misses are sealed, the
    look-ahead stays, and the frames do not depend on how the audio was cut."""
    sound = load_audio(DATA / f"{name}.wav")
    heard = StreamAnimator("stream", fps=60.0)
    assert heard.hears_phones and heard.latency <= 0.1
    frames = heard.run(sound.samples, 320)
    again = StreamAnimator("stream", fps=60.0).run(sound.samples, 4801)
    np.testing.assert_allclose(frames, again, atol=1e-5)
    alone = StreamAnimator("stream", fps=60.0, hear_phones=False).run(sound.samples, 320)
    ref = reference_phones(name)
    got, base = score_lipsync(frames, 60.0, ref), score_lipsync(alone, 60.0, ref)
    assert got.recall("closure") >= 0.9 and got.score >= base.score, (got.to_dict(), base.to_dict())


def test_stream_accepts_int16_at_another_rate():
    samples, rate = sf.read(EXAMPLES / "hello.wav", dtype="int16")
    stream = StreamAnimator("stream", fps=30.0, sample_rate=rate)
    parts = [stream.push(samples[i : i + 441]) for i in range(0, len(samples), 441)]
    frames = np.concatenate([*parts, stream.finish()])
    assert abs(len(frames) - (len(samples) / rate * 30 + 1)) <= 2


def test_cli_stream_and_bad_generator(tmp_path):
    run = [sys.executable, "-m", "audioface", "animate", str(EXAMPLES / "hello.wav")]
    res = subprocess.run([*run, "--stream", "-o", str(tmp_path / "s.csv")], capture_output=True, text=True,
                         timeout=300)  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert "look-ahead 92.5 ms" in res.stderr and "real time" in res.stderr
    res = subprocess.run([*run, "--generator", str(tmp_path / "nope.onnx"), "-o", str(tmp_path / "x.csv")],
                         capture_output=True, text=True, timeout=300)  # fmt: skip
    assert res.returncode == 2 and "Traceback" not in res.stderr and len(res.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x.csv").exists()
    (tmp_path / "bad.onnx").write_bytes(b"not a model")
    res = subprocess.run([*run, "--generator", str(tmp_path / "bad.onnx"), "-o", str(tmp_path / "x.csv")],
                         capture_output=True, text=True, timeout=300)  # fmt: skip
    assert res.returncode == 2 and "not an AudioFace generator model" in res.stderr
