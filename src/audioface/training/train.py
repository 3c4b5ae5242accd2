"""``audioface train``: data, split, training loop, checkpoints, export and a held-out score.

Everything lands in the run folder: ``config.toml`` (a copy), ``data/`` (the
synthetic corpus), ``cache/`` (prepared examples), ``checkpoint.pt`` (after
every epoch: model, optimiser, schedule and random state, so ``--resume``
continues where it stopped), ``model.pt`` and ``model.onnx`` (the result) and
``report.md`` (held-out scores from the evaluator, against the rules).
"""

from __future__ import annotations

import json
import math
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import torch

from audioface import arkit
from audioface.errors import AudioFaceError
from audioface.evaluate.corpus import Item, find_items
from audioface.motion.learned.cues import N_CUES, PHONES, delayed
from audioface.motion.learned.generator import SHIPPED
from audioface.progress import progress_bar
from audioface.training import data as data_mod
from audioface.training.config import RunConfig, work_dir
from audioface.training.data import Example
from audioface.training.export import export_onnx
from audioface.training.model import SENTENCE_DIM, ModelConfig, MouthNet, parameter_count
from audioface.training.split import split

Log = Callable[[str], None]


def _stderr(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def gather_items(cfg: RunConfig, run_dir: Path, log: Log) -> list[Item]:
    from audioface.training.facegood import is_facegood, retarget_folder

    items: list[Item] = []
    if cfg.data.synthetic_per_voice > 0:
        from audioface.training.recipe import make_synthetic

        folder = work_dir(cfg, run_dir) / "data"
        log(f"synthesising {cfg.data.synthetic_per_voice} items per voice into {folder}")
        made = make_synthetic(folder, cfg.data.synthetic_per_voice, cfg.data.synthetic_seed,
                              jobs=cfg.train.threads,
                              progress=_bar("synthesis"))  # fmt: skip
        items += [it for it in find_items(folder) if it.name in set(made)]
    for corpus in cfg.data.corpora:
        folder = Path(corpus)
        if is_facegood(folder):
            converted = run_dir / "retargeted" / folder.name
            log(f"retargeting the FACEGOOD capture in {folder} to ARKit")
            retarget_folder(folder, converted)
            folder = converted
        found = [it for it in find_items(folder) if it.capture is not None or it.phones is not None
                 or it.text]  # fmt: skip
        if not found:
            raise AudioFaceError(f"{folder}: no item has a capture CSV, a phone file or a transcript "
                                 "to learn from")  # fmt: skip
        items += found
    if not items and not cfg.data.prepared:  # prepared examples alone are enough to train on
        raise AudioFaceError("no training data: set synthetic_per_voice or name corpora to train on",
                             "corpora")  # fmt: skip
    return items


def _bar(what: str) -> Callable[[int, int], None] | None:
    bar = progress_bar(False, what, "item")
    return bar.update if bar else None


@dataclass
class Batches:
    """Random fixed-length segments, drawn in proportion to each example's length."""

    examples: list[Example]
    segment: int
    lookahead: int
    n_mels: int
    n_cues: int
    cue_delay: int = 0  # the model's (ModelConfig.cue_delay): cues shown as a live aligner gives them
    _shown: dict = field(default_factory=dict, repr=False)

    def shown(self, k: int) -> np.ndarray:
        """Example ``k``'s cues as the model is shown them (delayed once, then kept)."""
        if k not in self._shown:
            self._shown[k] = delayed(self.examples[k].cues, self.cue_delay)
        return self._shown[k]

    def draw(
        self, batch: int, rng: np.random.Generator, dropout: float, freq_mask: int = 0, tilt: float = 0.0
    ):
        """A batch; ``freq_mask`` hides up to that many adjacent mel bands per segment and
        ``tilt`` tilts the spectrum by up to that many log units end to end (other microphones)."""
        lengths = np.array([len(e.mel) for e in self.examples], float)
        picks = rng.choice(len(self.examples), size=batch, p=lengths / lengths.sum())
        s, look = self.segment, self.lookahead
        mel = np.zeros((batch, s, self.n_mels), np.float32)
        cues = np.zeros((batch, s, self.n_cues), np.float32)
        target = np.zeros((batch, s, 52), np.float32)
        sentence = np.zeros((batch, SENTENCE_DIM), np.float32)
        weight = np.zeros((batch, s, 52), np.float32)
        phones = np.full((batch, s), -1, np.int64)  # each output frame's aligned phone; -1: none
        for b, k in enumerate(picks):
            e = self.examples[k]
            n = len(e.mel)
            start = int(rng.integers(0, max(n - s + look, 1)))
            span = min(s, n - start)
            mel[b, :span] = e.mel[start : start + span]
            mel[b, span:] = e.mel[-1]
            if tilt:
                mel[b] += rng.uniform(-tilt, tilt) * np.linspace(-0.5, 0.5, self.n_mels, dtype=np.float32)
            if freq_mask:
                width = int(rng.integers(0, freq_mask + 1))
                low = int(rng.integers(0, self.n_mels - width + 1))
                mel[b, :, low : low + width] = mel[b].mean()
            if e.cues is not None and rng.random() >= dropout:
                cues[b, :span] = self.shown(k)[start : start + span]
                if e.sentence is not None:
                    sentence[b] = e.sentence
            # output frame t answers input frame t - look
            out = min(s - look, n - start)
            target[b, look : look + out] = e.targets[start : start + out]
            weight[b, look : look + out] = e.mask[None, :]
            if e.frame_weight is not None:
                weight[b, look : look + out] *= e.frame_weight[start : start + out, None]
            if e.cues is not None:  # named whether or not this batch's cues were dropped
                phones[b, look : look + out] = e.cues[start : start + out, : len(PHONES)].argmax(1)
        return tuple(torch.from_numpy(a) for a in (mel, cues, sentence, target, weight, phones))


def add_sentences(examples: list[Example], texts: dict[str, str]) -> None:
    """Each example with a transcript gets that transcript's sentence embedding (augmented
    copies share their item's)."""
    from audioface.language.meaning import embed

    names = sorted({e.name.split("~")[0] for e in examples} & set(texts))
    vectors = dict(zip(names, embed([texts[n] for n in names]), strict=True))
    for e in examples:
        e.sentence = vectors.get(e.name.split("~")[0])


JAW, CLOSE = arkit.INDEX["jawOpen"], arkit.INDEX["mouthClose"]


def loss_fn(pred, target, weight, velocity_weight: float, closure_weight: float = 0.0):
    """Masked MSE, a velocity term, and extra weight on frames where the lips seal: a seal
    is brief and rare, so plain MSE lets the model hedge with a half-closed mouth."""
    if closure_weight:
        sealed = (target[..., CLOSE] > 0.5 * target[..., JAW]) & (target[..., JAW] > 0.02)
        weight = weight * (1.0 + closure_weight * sealed.float())[..., None]
    err = ((pred - target) ** 2 * weight).sum() / weight.sum().clamp(min=1)
    w = weight[:, 1:] * weight[:, :-1]
    step = (pred[:, 1:] - pred[:, :-1]) - (target[:, 1:] - target[:, :-1])
    vel = (step**2 * w).sum() / w.sum().clamp(min=1)
    return err + velocity_weight * 100 * vel  # velocities are ~10x smaller than values


def phone_loss(namer: torch.nn.Module, hidden: torch.Tensor, phones: torch.Tensor) -> torch.Tensor:
    """Cross-entropy of naming each frame's aligned phone from the hidden layer (B, C, T):
    the field's auxiliary task against a generator that learns loudness instead of phones.
    Frames with no aligned phone (-1) do not count."""
    if not (phones >= 0).any():
        return hidden.sum() * 0.0
    return torch.nn.functional.cross_entropy(namer(hidden), phones, ignore_index=-1)


def load_weights(init: str) -> tuple[ModelConfig, dict]:
    if init in SHIPPED:
        from importlib import resources

        init = str(resources.files("audioface") / "models" / f"{init}.pt")
    if not Path(init).is_file():
        raise AudioFaceError(f"weights to start from not found: {init}")
    saved = torch.load(init, map_location="cpu", weights_only=True)
    return ModelConfig(**saved["config"]), saved["state"]


def build_model(cfg: RunConfig, examples: list[Example]) -> MouthNet:
    if cfg.train.init:
        model_cfg, state = load_weights(cfg.train.init)
        if cfg.train.add_cues >= 0 and not model_cfg.phones:
            model_cfg = replace(model_cfg, phones=True, cue_delay=cfg.train.add_cues)
            state = dict(state, **{"proj.weight": _with_cue_inputs(state["proj.weight"])})
        cfg.model = model_cfg
        model = MouthNet(model_cfg)
        model.load_state_dict(state)
        return model
    model = MouthNet(cfg.model)
    mel = np.concatenate([e.mel for e in examples])
    model.mel_mean.copy_(torch.from_numpy(mel.mean(0)))
    model.mel_std.copy_(torch.from_numpy(mel.std(0) + 1e-3))
    return model


def _with_cue_inputs(weight: torch.Tensor) -> torch.Tensor:
    """The input projection of a model that heard audio alone, widened to take phone cues:
    the cues' weights start at zero, so training starts from exactly the model it was."""
    return torch.cat([weight, weight.new_zeros(weight.shape[0], N_CUES, *weight.shape[2:])], dim=1)


def validation_loss(
    model: MouthNet, examples: list[Example], use_cues: bool, velocity_weight: float
) -> float:
    if not examples:
        return float("nan")
    look = model.config.lookahead
    total = 0.0
    with torch.no_grad():
        for e in examples:
            mel = np.concatenate([e.mel, np.repeat(e.mel[-1:], look, 0)])
            cues = np.zeros((len(mel), N_CUES), np.float32)
            if use_cues and e.cues is not None:
                cues[: len(e.cues)] = delayed(e.cues, model.config.cue_delay)
            sentence = None
            if model.config.sentence:
                vec = np.zeros(SENTENCE_DIM, np.float32)
                if use_cues and e.sentence is not None:
                    vec = e.sentence
                sentence = torch.from_numpy(vec)[None]
            pred, _ = model(torch.from_numpy(mel)[None], torch.from_numpy(cues)[None], sentence,
                            model.initial_state())  # fmt: skip
            pred = pred[:, look:]
            target = torch.from_numpy(e.targets)[None]
            weight = np.broadcast_to(e.mask, e.targets.shape).astype(np.float32)
            if e.frame_weight is not None:
                weight = weight * e.frame_weight[:, None]
            weight = torch.from_numpy(weight)[None]
            total += float(loss_fn(pred, target, weight, velocity_weight))
    return total / len(examples)


def load_examples(cfg: RunConfig, run_dir: Path, log: Log) -> tuple[list[Example], list[Example]]:
    """(training examples, held-out examples): gathered, split by item, prepared and cached."""
    items = gather_items(cfg, run_dir, log)
    train_items, held_out = split(items, cfg.data.holdout, cfg.seed)
    (run_dir / "split.json").write_text(json.dumps({"train": [i.name for i in train_items],
                                                    "held_out": [i.name for i in held_out]}))  # fmt: skip
    log(f"{len(train_items)} training items, {len(held_out)} held out; preparing examples")
    cache = work_dir(cfg, run_dir) / "cache"
    paths = data_mod.prepare(train_items, cache, cfg.data.augment_copies, cfg.seed, cfg.augment,
                             cfg.data.use_text, cfg.train.threads, _bar("examples"))  # fmt: skip
    examples = [Example.load(p) for p in paths]
    for folder in cfg.data.prepared:  # examples prepared elsewhere: trained on, never held out
        found = sorted(p for p in Path(folder).glob("*.npz") if not p.name.endswith(".tmp.npz"))
        if not found:
            raise AudioFaceError(f"no prepared examples (.npz) in {folder}", "prepared")
        examples += [Example.load(p) for p in found]
    val_paths = data_mod.prepare(held_out, cache, 0, cfg.seed, cfg.augment, cfg.data.use_text,
                                 cfg.train.threads) if held_out else []  # fmt: skip
    validation = [Example.load(p) for p in val_paths]
    if cfg.train.live_cues:
        from audioface.training.live_cues import with_live_cues

        texts = {it.name: it.text for it in items if it.text}
        with_live_cues(examples + validation, texts, work_dir(cfg, run_dir) / "live-cues", cfg.train.threads,
                       _bar("live cues"))  # fmt: skip
    if cfg.model.sentence:
        add_sentences(examples + validation, {it.name: it.text for it in items if it.text})
    return examples, validation


def restore(
    checkpoint: Path, model, optimiser, schedule, rng: np.random.Generator, namer=None
) -> tuple[int, list]:
    """Put a run back as its last checkpoint left it; (epochs done, loss history)."""
    saved = torch.load(checkpoint, map_location="cpu", weights_only=False)
    model.load_state_dict(saved["model"])
    if namer is not None and saved.get("namer") is not None:
        namer.load_state_dict(saved["namer"])
    optimiser.load_state_dict(saved["optimiser"])
    schedule.load_state_dict(saved["schedule"])
    rng.bit_generator.state = saved["rng"]
    torch.set_rng_state(saved["torch_rng"])
    return saved["epoch"], saved["history"]


def train(cfg: RunConfig, run_dir: Path, resume: bool = False, log: Log = _stderr) -> Path:
    """Run the whole recipe; the path of the exported ONNX model."""
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / "config.toml").write_text(cfg.to_toml())
    seed_everything(cfg.seed)
    torch.set_num_threads(max(1, cfg.train.threads))
    started = time.perf_counter()
    examples, validation = load_examples(cfg, run_dir, log)
    model = build_model(cfg, examples)
    look = model.config.lookahead
    frames = sum(len(e.mel) for e in examples)
    log(
        f"{len(examples)} examples, {frames / 100 / 60:.1f} min; "
        f"model {parameter_count(model) / 1e3:.0f}k parameters"
    )
    # the auxiliary phone namer reads the last hidden layer; it is trained, never exported
    namer = torch.nn.Conv1d(model.config.hidden, len(PHONES), 1) if cfg.train.phone_loss > 0 else None
    params = list(model.parameters()) + (list(namer.parameters()) if namer is not None else [])
    optimiser = torch.optim.AdamW(params, lr=cfg.train.lr, weight_decay=cfg.train.weight_decay)
    steps_per_epoch = max(1, frames // (cfg.train.segment_frames * cfg.train.batch))
    total_steps = steps_per_epoch * cfg.train.epochs
    warmup = max(1, min(100, total_steps // 10))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser,
        lambda s: min(1.0, (s + 1) / warmup) * 0.5 * (1 + math.cos(math.pi * min(s / total_steps, 1.0))),
    )
    rng = np.random.default_rng(cfg.seed)
    first_epoch, history = 0, []
    checkpoint = run_dir / "checkpoint.pt"
    if resume and checkpoint.is_file():
        first_epoch, history = restore(checkpoint, model, optimiser, schedule, rng, namer)
        log(f"resuming after epoch {first_epoch}")
    batches = Batches(
        examples, cfg.train.segment_frames + look, look, model.config.n_mels, N_CUES, model.config.cue_delay
    )
    from tqdm import tqdm

    for epoch in range(first_epoch, cfg.train.epochs):
        model.train()
        bar = tqdm(range(steps_per_epoch), desc=f"epoch {epoch + 1}/{cfg.train.epochs}", file=sys.stderr,
                   leave=False, unit="step", disable=None)  # fmt: skip
        running = naming = 0.0
        for step in bar:
            mel, cues, sentence, target, weight, phones = batches.draw(
                cfg.train.batch, rng, cfg.train.phone_dropout, cfg.train.freq_mask, cfg.train.spectral_tilt
            )
            pred, _, hidden = model.hidden(mel, cues, sentence, model.initial_state(len(mel)))
            loss = loss_fn(pred, target, weight, cfg.train.velocity_weight, cfg.train.closure_weight)
            if namer is not None:
                named = phone_loss(namer, hidden, phones)
                naming += named.item()
                loss = loss + cfg.train.phone_loss * named
            optimiser.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimiser.step()
            schedule.step()
            running += loss.item()
            bar.set_postfix(loss=f"{running / (step + 1):.4f}")
        model.eval()
        val = validation_loss(model, validation, True, cfg.train.velocity_weight)
        history.append({"epoch": epoch + 1, "train_loss": running / steps_per_epoch, "val_loss": val})
        if namer is not None:
            history[-1]["phone_loss"] = naming / steps_per_epoch
        held = f", held-out loss {val:.4f}" if validation else " (nothing held out)"
        log(f"epoch {epoch + 1}: train loss {running / steps_per_epoch:.4f}{held}")
        torch.save({"model": model.state_dict(), "optimiser": optimiser.state_dict(),
                    "schedule": schedule.state_dict(), "rng": rng.bit_generator.state,
                    "torch_rng": torch.get_rng_state(), "epoch": epoch + 1, "history": history,
                    "namer": namer.state_dict() if namer is not None else None},
                   checkpoint.with_suffix(".tmp"))  # fmt: skip
        checkpoint.with_suffix(".tmp").replace(checkpoint)
    model.eval()
    torch.save({"config": model.config.to_dict(), "state": model.state_dict()}, run_dir / "model.pt")
    info = {"name": cfg.name, "history": history, "train_seconds": round(time.perf_counter() - started, 1)}
    onnx_path = export_onnx(model, run_dir / "model.onnx", info)
    (run_dir / "history.json").write_text(json.dumps(history, indent=1))
    log(f"trained in {time.perf_counter() - started:.0f} s; model in {onnx_path}")
    return onnx_path
