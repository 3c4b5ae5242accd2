"""The learned generator: features, model, export, runtime, streaming, training and fine-tuning."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
import torch
from conftest import DATA, EXAMPLES, reference_phones, transcript

from audioface import arkit
from audioface.api import animate
from audioface.audio import load_audio
from audioface.audio.mel import MelStream, log_mel
from audioface.evaluate import score_lipsync
from audioface.motion.learned import MOUTH_CHANNELS, learned_mouth
from audioface.motion.learned.cues import N_CUES, PHONES, phone_cues
from audioface.motion.learned.generator import OnnxGenerator, to_fps
from audioface.streaming import StreamAnimator
from audioface.track import Phone, PhoneTrack, Word
from audioface.training.config import load_config
from audioface.training.export import export_onnx
from audioface.training.model import ModelConfig, MouthNet
from audioface.training.train import load_weights, train

MODELS = Path(__file__).parent.parent / "src" / "audioface" / "models"
FACEGOOD = Path(__file__).parent.parent.parent / "shared" / "data" / "facegood-capture"


def tiny_config(**model) -> ModelConfig:
    return ModelConfig(hidden=16, dilations=[1, 2, 4], **{"lookahead": 3, **model})


# ---------------------------------------------------------------- features


def test_mel_stream_gives_the_offline_frames_for_any_chunking():
    samples, _ = sf.read(DATA / "flite_slt_01.wav", dtype="float32")
    offline = log_mel(samples)
    rng = np.random.default_rng(1)
    stream, parts, at = MelStream(), [], 0
    while at < len(samples):
        step = int(rng.integers(1, 900))
        parts.append(stream.push(samples[at : at + step]))
        at += step
    parts.append(stream.finish())
    online = np.concatenate(parts)
    assert online.shape == offline.shape
    np.testing.assert_allclose(online, offline, atol=1e-4)


def test_phone_cues_mark_the_phone_under_each_frame():
    phones = (Phone("B", 0.10, 0.18), Phone("AA", 0.18, 0.32, 1), Phone("B", 0.32, 0.40))
    word = Word("bob", 0.10, 0.40, phones)
    cues = phone_cues(PhoneTrack([word], 0.6, "transcript"), 61)
    assert cues.shape == (61, N_CUES)
    ident = cues[:, : len(PHONES)].argmax(axis=1)
    assert PHONES[ident[5]] == "sil" and PHONES[ident[12]] == "B" and PHONES[ident[25]] == "AA"
    assert PHONES[ident[35]] == "B" and PHONES[ident[50]] == "sil"
    assert cues[:, -1].min() == 1.0  # the "cues present" flag
    assert cues[10, -2] == 1.0 and cues[11:, -2].sum() == 0  # one word start


# ---------------------------------------------------------------- model


def test_model_output_shapes_and_ranges():
    model = MouthNet(tiny_config()).eval()
    mel, cues = torch.randn(2, 50, 40) * 3, torch.rand(2, 50, N_CUES)
    with torch.no_grad():
        out, state = model(mel, cues, None, model.initial_state(2))
    assert out.shape == (2, 50, 52) and state.shape == model.initial_state(2).shape
    assert float(out.min()) >= 0.0 and float(out.max()) <= 1.0


def test_carried_state_makes_chunks_equal_one_pass():
    torch.manual_seed(0)
    model = MouthNet(tiny_config(phones=False)).eval()
    mel = torch.randn(1, 80, 40)
    whole, _ = model(mel, None, None, model.initial_state())
    state, parts = model.initial_state(), []
    for a, b in ((0, 7), (7, 8), (8, 50), (50, 80)):
        out, state = model(mel[:, a:b], None, None, state)
        parts.append(out)
    torch.testing.assert_close(torch.cat(parts, 1), whole, atol=1e-5, rtol=0)


def test_output_does_not_see_past_the_lookahead():
    torch.manual_seed(0)
    model = MouthNet(tiny_config(phones=False, lookahead=3)).eval()
    mel = torch.randn(1, 60, 40)
    changed = mel.clone()
    changed[:, 40:] += 5.0
    a, _ = model(mel, None, None, model.initial_state())
    b, _ = model(changed, None, None, model.initial_state())
    # output frame t answers input frame t - 3 and has seen inputs up to t only
    assert torch.allclose(a[:, :40], b[:, :40])
    assert not torch.allclose(a[:, 40:], b[:, 40:])


def test_save_load_and_onnx_parity(tmp_path):
    torch.manual_seed(0)
    cfg = tiny_config()
    model = MouthNet(cfg).eval()
    torch.save({"config": cfg.to_dict(), "state": model.state_dict()}, tmp_path / "m.pt")
    cfg2, state = load_weights(str(tmp_path / "m.pt"))
    again = MouthNet(cfg2).eval()
    again.load_state_dict(state)
    mel, cues = torch.randn(1, 123, 40), torch.rand(1, 123, N_CUES)
    ref, ref_state = model(mel, cues, None, model.initial_state())
    out, _ = again(mel, cues, None, again.initial_state())
    torch.testing.assert_close(out, ref)
    export_onnx(model, tmp_path / "m.onnx")
    runtime = OnnxGenerator(tmp_path / "m.onnx")
    assert runtime.info.lookahead == 3 and runtime.info.phones
    got, got_state = runtime.step(mel[0].numpy(), cues[0].numpy(), None, runtime.initial_state())
    assert np.abs(got - ref[0].detach().numpy()).max() < 1e-3
    assert np.abs(got_state - ref_state.detach().numpy()).max() < 1e-3


# ---------------------------------------------------------------- shipped models


def test_shipped_models_are_small_and_described():
    total = sum(p.stat().st_size for p in MODELS.iterdir() if p.suffix in (".onnx", ".pt"))
    assert total <= 20 * 2**20
    learned, stream = OnnxGenerator("learned"), OnnxGenerator("stream")
    assert learned.info.phones and not stream.info.phones
    assert stream.info.latency + 0.01 <= 0.1  # look-ahead, mel window and frame interpolation
    for name in ("learned", "stream"):
        assert (MODELS / f"{name}.toml").is_file() and load_config(MODELS / f"{name}.toml").name == name


@pytest.mark.parametrize("name", ["flite_slt_01", "festival_slt_07"])
def test_learned_mouth_closes_and_opens_on_dev_speech(name):
    ref = reference_phones(name)
    with_text = animate(DATA / f"{name}.wav", transcript(name), generator="learned", jobs=1)
    audio_only = animate(DATA / f"{name}.wav", generator="learned-audio", jobs=1)
    assert with_text.track.words and not audio_only.track.words
    scores = [score_lipsync(a.weights, a.fps, ref).score for a in (with_text, audio_only)]
    assert scores[0] >= 0.9 and scores[1] >= 0.7, scores


@pytest.mark.parametrize("chunking", ["random", 441, 160, 20000])
def test_streaming_equals_the_offline_causal_model(chunking):
    sound = load_audio(DATA / "flite_awb_03.wav")
    model = OnnxGenerator("stream")
    offline = learned_mouth(sound.samples, 60.0, sound.duration, model)
    stream = StreamAnimator("stream", fps=60.0)
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


def test_stream_accepts_int16_at_another_rate():
    samples, rate = sf.read(EXAMPLES / "hello.wav", dtype="int16")
    stream = StreamAnimator("stream", fps=30.0, sample_rate=rate)
    parts = [stream.push(samples[i : i + 441]) for i in range(0, len(samples), 441)]
    frames = np.concatenate([*parts, stream.finish()])
    assert abs(len(frames) - (len(samples) / rate * 30 + 1)) <= 2


NO_TORCH = """
import importlib.abc, sys
class NoTorch(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "torch" or name.startswith("torch."):
            raise ImportError("torch is not installed")
sys.meta_path.insert(0, NoTorch())
"""


def test_animating_with_the_learned_model_does_not_need_torch(tmp_path):
    code = NO_TORCH + (
        "from audioface.cli import main\n"
        f"code = main(['animate', r'{EXAMPLES / 'hello.wav'}', '--text-file', r'{EXAMPLES / 'hello.txt'}', "
        f"'--generator', 'learned', '-q', '-o', r'{tmp_path / 'out.csv'}'])\n"
        "assert 'torch' not in sys.modules\n"
        "sys.exit(code)\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "out.csv").stat().st_size > 0
    code = NO_TORCH + "from audioface.cli import main\nsys.exit(main(['train', '--data', '.']))\n"
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert res.returncode == 2 and "pip install 'audioface[train]'" in res.stderr


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


# ---------------------------------------------------------------- training


def _corpus(tmp_path: Path, names: list[str]) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in names:
        for suffix in (".wav", ".txt", ".phones.json"):
            shutil.copy(DATA / f"{name}{suffix}", folder / f"{name}{suffix}")
    return folder


TINY = """
name = "tiny"
seed = 3
[data]
augment_copies = 1
holdout = 0.25
[model]
hidden = 24
dilations = [1, 2, 4, 8]
lookahead = 5
[train]
epochs = 4
segment_frames = 200
batch = 8
lr = 0.003
closure_weight = 2.0
freq_mask = 6
spectral_tilt = 1.5
threads = 2
"""


def test_tiny_training_run_lowers_the_loss_and_resumes(tmp_path):
    corpus = _corpus(tmp_path, ["flite_slt_01", "flite_awb_03", "festival_slt_07", "espeak_en-us_11"])
    cfg = load_config(text=TINY)
    cfg.data.corpora = [str(corpus)]
    run = tmp_path / "run"
    onnx_path = train(cfg, run, log=lambda _m: None)
    saved = torch.load(run / "checkpoint.pt", weights_only=False)
    history = saved["history"]
    assert len(history) == 4
    assert history[-1]["train_loss"] < history[0]["train_loss"]
    assert OnnxGenerator(onnx_path).info.extra["name"] == "tiny"
    # resume: two more epochs continue the same history
    cfg.train.epochs = 6
    train(cfg, run, resume=True, log=lambda _m: None)
    assert len(torch.load(run / "checkpoint.pt", weights_only=False)["history"]) == 6
    # the held-out report scores the rules and both uses of the new model
    from audioface.training.report import evaluate_run

    report = evaluate_run(run, onnx_path, jobs=1, log=lambda _m: None).read_text()
    (held_out,) = json.loads((run / "split.json").read_text())["held_out"]
    rules = animate(corpus / f"{held_out}.wav", transcript(held_out), generator="rules", jobs=1)
    rules_corr = score_lipsync(rules.weights, rules.fps, reference_phones(held_out)).correlation
    rows = {line.split("|")[1].strip(): line for line in report.splitlines() if line.startswith("| ")}
    assert {"rules", "learned", "learned-audio"} <= set(rows)
    assert f"| {rules_corr:.3f} |" in rows["rules"]


def test_sentence_embedding_input_trains_and_exports(tmp_path):
    from audioface.language.meaning import embed

    corpus = _corpus(tmp_path, ["flite_slt_01", "flite_awb_03"])
    cfg = load_config(text=TINY)
    cfg.data.corpora, cfg.data.holdout, cfg.train.epochs = [str(corpus)], 0.0, 1
    cfg.model.sentence = True
    onnx_path = train(cfg, tmp_path / "run", log=lambda _m: None)
    model = OnnxGenerator(onnx_path)
    assert model.info.sentence
    vec = embed([transcript("flite_slt_01")])[0]
    sound = load_audio(DATA / "flite_slt_01.wav")
    a = model.run(sound.samples, None, vec)
    b = model.run(sound.samples, None, -vec)
    assert a.shape == b.shape and not np.allclose(a, b)  # the sentence reaches the output


# ---------------------------------------------------------------- captures


def test_facegood_mapping_reads_the_spreadsheet():
    if not FACEGOOD.is_dir():
        pytest.skip("../shared/data/facegood-capture is not here")
    from audioface.training.facegood import MAPPING, read_mapping, retarget

    mapping = read_mapping(FACEGOOD / MAPPING)
    assert mapping["jawOpen"] == ["mouth_stretch_c"] and mapping["mouthClose"] == ["mouth_chew_c"]
    assert len(mapping["mouthFunnel"]) == 4 and "eyeBlinkLeft" not in mapping  # eyes are marked invalid
    rig = ["a", "mouth_pucker_l", "mouth_pucker_r"]
    out = retarget(np.array([[0.0, 0.2, 0.7]]), rig, {"mouthPucker": ["mouth_pucker_l", "mouth_pucker_r"]})
    assert out.tolist() == [[0.7]]


def test_fine_tuning_on_a_small_capture_folder_fits_the_capture(tmp_path):
    if not FACEGOOD.is_dir():
        pytest.skip("../shared/data/facegood-capture is not here")
    from audioface.formats.livelink import read_capture
    from audioface.training.facegood import retarget_folder

    full = tmp_path / "full"
    retarget_folder(FACEGOOD, full)
    data = tmp_path / "captures"
    data.mkdir()
    for stem in ("1114_2_01", "1114_2_02"):  # 20 s of each: a small user capture folder
        audio, rate = sf.read(full / f"{stem}.wav", dtype="float32")
        sf.write(data / f"{stem}.wav", audio[: 20 * rate], rate)
        lines = (full / f"{stem}.csv").read_text().splitlines()
        (data / f"{stem}.csv").write_text("\n".join(lines[: 20 * 30 + 1]) + "\n")
    out = tmp_path / "run"
    res = subprocess.run(
        [sys.executable, "-m", "audioface", "train", "--data", str(data), "--out", str(out), "--epochs", "30",
         "--no-eval", "-q"], capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    cap = read_capture(data / "1114_2_01.csv")
    sound = load_audio(data / "1114_2_01.wav")
    mouth = [arkit.INDEX[n] for n in ("jawOpen", "mouthFunnel", "mouthPucker", "mouthStretchLeft")]

    def error(model: OnnxGenerator) -> float:
        pred = to_fps(model.run(sound.samples), 100.0, 30.0, sound.duration)[: len(cap.weights)]
        return float(np.mean((pred[:, mouth] - cap.weights[: len(pred), mouth]) ** 2))

    assert error(OnnxGenerator(out / "model.onnx")) < 0.8 * error(OnnxGenerator("learned"))


def test_evaluate_scores_a_learned_generator(tmp_path):
    import json

    corpus = _corpus(tmp_path, ["flite_rms_05", "festival_kal_diphone_09"])
    res = subprocess.run(
        [sys.executable, "-m", "audioface", "evaluate", str(corpus), "--mode", "transcript", "--generator",
         "stream", "--json", "-", "-q"], capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    assert len(doc["items"]) == 2 and doc["summary"]["transcript"]["score"] > 0.5
    assert all(item["alignment"] is None for item in doc["items"])  # audio only: no phone track to score
