"""Training the learned phone aligner's acoustic model: log-mel -> per-frame phone posteriors.

It learns from the examples the generator recipes already prepared (their
cache of log-mel frames): synthetic speech with the synthesizers' exact phone
timings, and real read speech labelled by the language stage (the transcript
force-aligned by pocketsphinx; words it could only estimate are left out).
Whole speakers held out by the generator's split stay held out here, so the
real-speech figures in BENCHMARKS are on voices neither model heard.

The network sees both sides of each frame (an aligner works offline), about
0.6 s each way, and is small enough to run over a minute of audio in a few
tens of milliseconds. The posteriors go to a Viterbi forced alignment
(:mod:`audioface.language.forced`); the class priors saved beside the model
turn them into scaled likelihoods there.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from audioface.audio.mel import N_MELS
from audioface.formats.phones import read_phones
from audioface.motion.learned.cues import PHONE_INDEX, PHONES, frame_range
from audioface.training.data import stretch_frames

N_PHONES = len(PHONES)
IGNORE = -100


@dataclass
class AlignerConfig:
    hidden: int = 128
    kernel: int = 5
    dilations: tuple[int, ...] = (1, 2, 4, 8, 1, 2, 4, 8)
    epochs: int = 10
    segment: int = 400
    batch: int = 32
    lr: float = 2e-3
    dropout: float = 0.1
    freq_masks: int = 2  # SpecAugment-style masks on the training log-mel: the real voices are few
    freq_mask_width: int = 6
    threads: int = 2
    seed: int = 0


class Block(nn.Module):
    def __init__(self, channels: int, kernel: int, dilation: int, dropout: float = 0.0):
        super().__init__()
        self.norm = nn.LayerNorm(channels)  # per frame: a block of audio sees what the whole file sees
        self.conv = nn.Conv1d(channels, channels, kernel, dilation=dilation, padding=dilation * (kernel // 2))
        self.mix = nn.Conv1d(channels, channels, 1)
        self.act = nn.GELU()
        self.drop = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.drop(self.mix(self.act(self.conv(self.norm(x.transpose(1, 2)).transpose(1, 2)))))


class PhoneNet(nn.Module):
    """(B, T, n_mels) log-mel -> (B, T, N_PHONES) log posteriors."""

    def __init__(self, cfg: AlignerConfig):
        super().__init__()
        self.register_buffer("mel_mean", torch.zeros(N_MELS))
        self.register_buffer("mel_std", torch.ones(N_MELS))
        self.proj = nn.Conv1d(N_MELS, cfg.hidden, 1)
        self.blocks = nn.Sequential(*(Block(cfg.hidden, cfg.kernel, d, cfg.dropout) for d in cfg.dilations))
        self.out = nn.Conv1d(cfg.hidden, N_PHONES, 1)

    def forward(self, mel: torch.Tensor) -> torch.Tensor:
        x = ((mel - self.mel_mean) / self.mel_std).transpose(1, 2)
        y = self.out(self.blocks(self.proj(x)))
        return torch.log_softmax(y, dim=1).transpose(1, 2)


def frame_labels(phones, n: int, rate: float = 100.0) -> np.ndarray:
    """Class per frame (frame i stands for time i / rate, as in the phone cues)."""
    labels = np.full(n, PHONE_INDEX["sil"], np.int64)
    for ph in phones:
        lo, hi = frame_range(ph.start, ph.end, n, rate)
        labels[lo:hi] = PHONE_INDEX.get(ph.phone, PHONE_INDEX["AH"])
    return labels


def load_example(path: Path, data_dir: Path) -> tuple[np.ndarray, np.ndarray] | None:
    """(mel, labels) for one cached example: exact timings where the item has a phone
    file, else the language stage's alignment carried in its cues."""
    with np.load(path) as z:
        mel = z["mel"].astype(np.float32)
        cues = z["cues"] if "cues" in z.files else None
        weight = z["frame_weight"] if "frame_weight" in z.files else None
    base = path.stem.split("~")[0]
    exact = data_dir / f"{base}.phones.json"
    if exact.is_file():
        clean = frame_labels(read_phones(exact), _clean_frames(path, mel))  # an augmented copy's rate differs
        labels = stretch_frames(clean, len(mel), len(mel) / len(clean), nearest=True)
    elif cues is not None:
        labels = cues[:, :N_PHONES].argmax(axis=1).astype(np.int64)
        if weight is not None:
            labels[weight < 0.99] = IGNORE  # estimated words: not a label to trust
    else:
        return None
    return mel, labels


def _clean_frames(path: Path, mel: np.ndarray) -> int:
    clean = path.with_name(path.stem.split("~")[0] + ".npz")
    if clean == path or not clean.is_file():
        return len(mel)
    with np.load(clean) as z:
        return len(z["mel"])


def load_set(cache: Path, data_dir: Path, names: set[str]) -> list[tuple[np.ndarray, np.ndarray]]:
    out = []
    for path in sorted(cache.glob("*.npz")):
        if path.stem.split("~")[0] in names:
            got = load_example(path, data_dir)
            if got is not None:
                out.append(got)
    return out


def batches(data, cfg: AlignerConfig, rng: np.random.Generator):
    """Random segments of ``cfg.segment`` frames, padded with ignored labels."""
    lengths = np.array([len(m) for m, _ in data], float)
    p = lengths / lengths.sum()
    for _ in range(batches_per_epoch(data, cfg)):
        mel = np.zeros((cfg.batch, cfg.segment, N_MELS), np.float32)
        lab = np.full((cfg.batch, cfg.segment), IGNORE, np.int64)
        for b, k in enumerate(rng.choice(len(data), cfg.batch, p=p)):
            m, y = data[k]
            s = int(rng.integers(0, max(1, len(m) - cfg.segment + 1)))
            seg = m[s : s + cfg.segment]
            mel[b, : len(seg)] = seg
            mel[b, len(seg) :] = m.min()
            lab[b, : len(seg)] = y[s : s + cfg.segment]
            for _ in range(cfg.freq_masks):
                width = int(rng.integers(0, cfg.freq_mask_width + 1))
                low = int(rng.integers(0, N_MELS - width + 1))
                mel[b, :, low : low + width] = seg.mean()
        yield torch.from_numpy(mel), torch.from_numpy(lab)


def batches_per_epoch(data, cfg: AlignerConfig) -> int:
    """As many segments as the data holds frames, in batches."""
    return int(sum(len(m) for m, _ in data) / cfg.segment) // cfg.batch


def evaluate(model: PhoneNet, data) -> tuple[float, float]:
    """(frame accuracy, mean cross-entropy) over whole utterances."""
    model.eval()
    hits = total = 0
    loss = 0.0
    with torch.no_grad():
        for m, y in data:
            logp = model(torch.from_numpy(m)[None])[0]
            keep = torch.from_numpy(y != IGNORE)
            target = torch.from_numpy(y)[keep]
            hits += int((logp[keep].argmax(1) == target).sum())
            loss += float(nn.functional.nll_loss(logp[keep], target, reduction="sum"))
            total += int(keep.sum())
    model.train()
    return hits / max(total, 1), loss / max(total, 1)


def train(cache: Path, data_dir: Path, split: Path, out: Path, cfg: AlignerConfig) -> Path:
    torch.manual_seed(cfg.seed)
    torch.set_num_threads(cfg.threads)
    rng = np.random.default_rng(cfg.seed)
    names = json.loads(split.read_text())
    train_set = load_set(cache, data_dir, set(names["train"]))
    held = load_set(cache, data_dir, set(names["held_out"]))
    held = held[::3] if len(held) > 150 else held  # clean and augmented copies: a sample is enough
    _log(f"{len(train_set)} training examples, {len(held)} held out")
    model = PhoneNet(cfg)
    every = np.concatenate([m for m, _ in train_set])
    model.mel_mean.copy_(torch.from_numpy(every.mean(0)))
    model.mel_std.copy_(torch.from_numpy(every.std(0) + 1e-3))
    counts = np.bincount(np.concatenate([y[y != IGNORE] for _, y in train_set]), minlength=N_PHONES)
    priors = (counts + 1) / (counts + 1).sum()
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=1e-3)
    steps = cfg.epochs * batches_per_epoch(train_set, cfg)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=cfg.lr, total_steps=steps, pct_start=0.1)
    out.mkdir(parents=True, exist_ok=True)
    history = []
    for epoch in range(cfg.epochs):
        t0 = time.perf_counter()
        running = []
        for mel, lab in batches(train_set, cfg, rng):
            logp = model(mel)
            loss = nn.functional.nll_loss(logp.reshape(-1, N_PHONES), lab.reshape(-1), ignore_index=IGNORE)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            running.append(float(loss))
        acc, ce = evaluate(model, held)
        history.append({"epoch": epoch + 1, "train_loss": float(np.mean(running)), "held_acc": acc,
                        "held_ce": ce, "seconds": time.perf_counter() - t0})  # fmt: skip
        _log(json.dumps(history[-1]))
        torch.save(model.state_dict(), out / "aligner.pt")
    (out / "history.json").write_text(json.dumps(history, indent=1))
    return export(model, priors, cfg, out)


def export(model: PhoneNet, priors: np.ndarray, cfg: AlignerConfig, out: Path) -> Path:
    """The ONNX model and its side file (class names and priors) the runtime reads."""
    model.eval()
    path = out / "aligner.onnx"
    dummy = torch.zeros(1, 200, N_MELS)
    torch.onnx.export(model, (dummy,), str(path), input_names=["mel"], output_names=["log_posteriors"],
                      dynamic_axes={"mel": {1: "frames"}, "log_posteriors": {1: "frames"}},
                      opset_version=17, dynamo=False)  # fmt: skip
    side = {"phones": list(PHONES), "priors": [float(p) for p in priors], "rate": 100.0,
            "config": {k: list(v) if isinstance(v, tuple) else v for k, v in vars(cfg).items()}}  # fmt: skip
    (out / "aligner.json").write_text(json.dumps(side, indent=1))
    return path


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m audioface.training.aligner",
        description="Train the learned phone aligner's acoustic model from a generator recipe's "
        "prepared examples (run `audioface train` with a recipe first to fill the cache).",
    )
    parser.add_argument("--work", type=Path, default=Path("runs/shared-data"),
                        help="the recipe's data folder (with cache/ and data/)")  # fmt: skip
    parser.add_argument("--split", type=Path, default=Path("runs/learned/split.json"),
                        help="the generator run's split, so held-out voices stay held out")  # fmt: skip
    parser.add_argument("--out", type=Path, default=Path("runs/aligner"))
    parser.add_argument("--epochs", type=int, default=AlignerConfig.epochs)
    parser.add_argument("--threads", type=int, default=AlignerConfig.threads)
    args = parser.parse_args(argv)
    cfg = AlignerConfig(epochs=args.epochs, threads=args.threads)
    path = train(args.work / "cache", args.work / "data", args.split, args.out, cfg)
    _log(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
