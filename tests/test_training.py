"""Training the learned generator: the network, export, a tiny run, fine-tuning on captures."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
import torch
from conftest import DATA, FACEGOOD, copy_corpus, reference_phones, transcript

from audioface import arkit
from audioface.api import animate
from audioface.audio import load_audio
from audioface.evaluate import score_lipsync
from audioface.motion.learned.cues import N_CUES
from audioface.motion.learned.generator import OnnxGenerator, to_fps
from audioface.training.config import load_config
from audioface.training.export import export_onnx
from audioface.training.model import ModelConfig, MouthNet
from audioface.training.train import load_weights, train

MODELS = Path(__file__).parent.parent / "src" / "audioface" / "models"


def tiny_config(**model) -> ModelConfig:
    return ModelConfig(hidden=16, dilations=[1, 2, 4], **{"lookahead": 3, **model})


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
    corpus = copy_corpus(tmp_path, ["flite_slt_01", "flite_awb_03", "festival_slt_07", "espeak_en-us_11"])
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

    corpus = copy_corpus(tmp_path, ["flite_slt_01", "flite_awb_03"])
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


def test_run_config_escapes_strings_in_toml(tmp_path):
    """A Windows path or a quote in a setting survives the run folder's config.toml."""
    cfg = load_config(text='name = "mine"\n')
    cfg.name = 'my "best" model'
    cfg.data.corpora = ["C:\\captures\\take 1", "plain/folder"]
    again = load_config(text=cfg.to_toml())
    assert again.name == 'my "best" model' and again.data.corpora == ["C:\\captures\\take 1", "plain/folder"]


def test_the_auxiliary_phone_loss_learns_to_name_phones_and_is_not_exported(tmp_path):
    corpus = copy_corpus(tmp_path, ["flite_slt_01", "flite_awb_03"])
    cfg = load_config(text=TINY)
    cfg.data.corpora, cfg.data.holdout, cfg.data.augment_copies = [str(corpus)], 0.0, 0
    cfg.train.epochs, cfg.train.phone_loss, cfg.train.phone_dropout = 5, 0.5, 1.0  # audio only
    onnx_path = train(cfg, tmp_path / "run", log=lambda _m: None)
    saved = torch.load(tmp_path / "run" / "checkpoint.pt", weights_only=False)
    named = [h["phone_loss"] for h in saved["history"]]
    assert named[0] < np.log(40) + 0.5 and named[-1] < 0.8 * named[0], named
    assert saved["namer"] is not None
    plain = torch.load(tmp_path / "run" / "model.pt", weights_only=True)
    assert not any(k.startswith("namer") for k in plain["state"])
    model = OnnxGenerator(onnx_path)
    sound = load_audio(DATA / "flite_slt_01.wav")
    assert model.run(sound.samples, None).shape[1] == arkit.N_SHAPES


def test_an_audio_only_model_starts_hearing_late_cues_exactly_as_it_was(tmp_path):
    """``add_cues`` widens an audio-only model to take live cues: it starts as the same model
    (the cues' weights are zero), and its output at frame t hears no cue after frame t."""
    from audioface.training.train import build_model

    torch.manual_seed(0)
    plain = MouthNet(tiny_config(phones=False)).eval()
    torch.save({"config": plain.config.to_dict(), "state": plain.state_dict()}, tmp_path / "plain.pt")
    cfg = load_config(text=TINY)
    cfg.train.init, cfg.train.add_cues = str(tmp_path / "plain.pt"), 3
    model = build_model(cfg, []).eval()
    assert cfg.model.phones and cfg.model.cue_delay == 3 and model.config.lookahead == 3
    mel, cues = torch.randn(1, 90, 40), torch.rand(1, 90, N_CUES)
    before, _ = plain(mel, None, None, plain.initial_state())
    after, _ = model(mel, cues, None, model.initial_state())
    torch.testing.assert_close(after, before)
    with torch.no_grad():  # as training will have made it: the cues matter
        model.proj.weight[:, 40:] = torch.randn_like(model.proj.weight[:, 40:])
    runtime = OnnxGenerator(export_onnx(model, tmp_path / "late.onnx"))
    assert runtime.info.cue_delay == 3
    samples = load_audio(DATA / "flite_slt_01.wav").samples[:16000]
    told = np.random.default_rng(1).random((100, N_CUES)).astype(np.float32)
    changed = told.copy()
    changed[50:] = 0.0
    a, b = runtime.run(samples, told), runtime.run(samples, changed)
    np.testing.assert_allclose(a[:50], b[:50], atol=1e-5)  # frame t hears the cues up to t only
    assert np.abs(a[50] - b[50]).max() > 1e-3


def test_live_cues_are_remade_by_the_live_aligner_once_and_trained_on(tmp_path):
    """``[train] live_cues``: every example's cues, augmented copies included, are remade by
    the live aligner from that example's own audio and its item's transcript, kept in the
    work folder (a second run reads them back), and those are the cues training reads."""
    from audioface.training.live_cues import live_cue_rows
    from audioface.training.train import load_examples

    names = ["flite_slt_01", "flite_awb_03"]
    corpus = copy_corpus(tmp_path, names)
    cfg = load_config(text=TINY + "live_cues = true\n")
    assert cfg.train.live_cues
    cfg.data.corpora, cfg.data.holdout, cfg.data.augment_copies = [str(corpus)], 0.0, 1
    (tmp_path / "run").mkdir()
    examples, _ = load_examples(cfg, tmp_path / "run", log=lambda _m: None)
    assert sorted(e.name for e in examples) == sorted([*names, *(f"{n}~0" for n in names)])
    kept = sorted((tmp_path / "run" / "live-cues").glob("*.npy"))
    assert [p.stem for p in kept] == sorted(e.name for e in examples)
    changed = 0
    for e in examples:
        np.testing.assert_array_equal(e.cues, live_cue_rows(e.mel, transcript(e.name.split("~")[0])))
        offline = np.load(tmp_path / "run" / "cache" / f"{e.name}.npz")["cues"]
        changed += int((e.cues[:, :40].argmax(1) != offline[:, :40].argmax(1)).sum())
    assert changed > 0  # the live aligner is not the offline one
    stamps = [p.stat().st_mtime_ns for p in kept]
    load_examples(cfg, tmp_path / "run", log=lambda _m: None)
    assert [p.stat().st_mtime_ns for p in kept] == stamps
