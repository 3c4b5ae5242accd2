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
(:mod:`audioface.language.align.forced`); the class priors saved beside the model
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

from audioface.audio.mel import N_MELS, silence
from audioface.formats.phones import read_phones
from audioface.motion.learned.cues import PHONE_INDEX, PHONES, frame_range
from audioface.training.data import stretch_frames

N_PHONES = len(PHONES)
IGNORE = -100
SILENCE_MEL = torch.from_numpy(silence(1)[0].astype(np.float32))


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
    lookahead: int | None = None  # frames of future the live aligner hears; None: offline, both sides
    init: str = ""  # weights to go on from (an aligner's .onnx or .pt); "": random
    # live: the mean log posterior below which words told are judged not what is being said
    # (written to the side file; None: the runtime's own, online.MIN_FIT)
    min_fit: float | None = None


class Block(nn.Module):
    """Pre-norm residual block. Offline it hears both sides; causal (the live aligner) it
    hears only the past, with its history carried as a state as in the live mouth model."""

    def __init__(self, channels: int, kernel: int, dilation: int, dropout: float = 0.0, causal: bool = False):
        super().__init__()
        self.context = dilation * (kernel - 1) if causal else 0
        self.norm = nn.LayerNorm(channels)  # per frame: a block of audio sees what the whole file sees
        padding = 0 if causal else dilation * (kernel // 2)
        self.conv = nn.Conv1d(channels, channels, kernel, dilation=dilation, padding=padding)
        self.mix = nn.Conv1d(channels, channels, 1)
        self.act = nn.GELU()
        self.drop = nn.Dropout(dropout)

    def forward(
        self, x: torch.Tensor, state: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        h = self.norm(x.transpose(1, 2)).transpose(1, 2)
        if not self.context:
            return x + self.drop(self.mix(self.act(self.conv(h)))), None
        if state is None:
            state = h.new_zeros(h.shape[0], h.shape[1], self.context)
        full = torch.cat([state, h], dim=2)
        return x + self.drop(self.mix(self.act(self.conv(full)))), full[:, :, full.shape[2] - self.context :]


class PhoneNet(nn.Module):
    """(B, T, n_mels) log-mel -> (B, T, N_PHONES) log posteriors. With a look-ahead (the live
    aligner) every convolution is causal and output frame t belongs to input frame
    t - lookahead, so a stream fed in chunks gets what one pass over the file gets."""

    def __init__(self, cfg: AlignerConfig):
        super().__init__()
        self.lookahead = cfg.lookahead
        causal = cfg.lookahead is not None
        self.register_buffer("mel_mean", torch.zeros(N_MELS))
        self.register_buffer("mel_std", torch.ones(N_MELS))
        self.proj = nn.Conv1d(N_MELS, cfg.hidden, 1)
        self.blocks = nn.ModuleList(
            Block(cfg.hidden, cfg.kernel, d, cfg.dropout, causal) for d in cfg.dilations
        )
        self.out = nn.Conv1d(cfg.hidden, N_PHONES, 1)

    @property
    def state_frames(self) -> int:
        return sum(b.context for b in self.blocks)

    def step(
        self, mel: torch.Tensor, state: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Log posteriors and the next state (None offline); ``state``: (B, C, state_frames)."""
        x = self.proj(((mel - self.mel_mean) / self.mel_std).transpose(1, 2))
        states, at = [], 0
        for block in self.blocks:
            part = None if state is None or not block.context else state[:, :, at : at + block.context]
            x, s = block(x, part)
            at += block.context
            if s is not None:
                states.append(s)
        y = torch.log_softmax(self.out(x), dim=1).transpose(1, 2)
        return y, (torch.cat(states, dim=2) if states else None)

    def forward(self, mel: torch.Tensor) -> torch.Tensor:
        """Posteriors frame for frame with ``mel``: a live model's delayed outputs are moved
        back into place, the last ones hearing silence after the end."""
        if not self.lookahead:
            return self.step(mel)[0]
        tail = SILENCE_MEL.to(mel)[None, None].expand(mel.shape[0], self.lookahead, -1)  # a stream's end
        padded = torch.cat([mel, tail], dim=1)
        return self.step(padded)[0][:, self.lookahead :]


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
    if cfg.init:  # its input normalisation included: the weights were learned on that scale
        model.load_state_dict(initial_weights(Path(cfg.init)))
        _log(f"from {cfg.init}: held-out frame accuracy {evaluate(model, held)[0]:.3f}")
    else:
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
            running.append(loss.item())
        acc, ce = evaluate(model, held)
        history.append({"epoch": epoch + 1, "train_loss": float(np.mean(running)), "held_acc": acc,
                        "held_ce": ce, "seconds": time.perf_counter() - t0})  # fmt: skip
        _log(json.dumps(history[-1]))
        torch.save(model.state_dict(), out / "aligner.pt")
    (out / "history.json").write_text(json.dumps(history, indent=1))
    return export(model, priors, cfg, out)


def initial_weights(path: Path) -> dict[str, torch.Tensor]:
    """A trained aligner's weights: its ``.pt`` or the ``.onnx`` the package ships, whose
    initialisers keep the network's parameter names (only the ONNX files are shipped)."""
    if path.suffix == ".pt":
        return torch.load(path, map_location="cpu")
    import onnx
    from onnx import numpy_helper

    graph = onnx.load(str(path)).graph
    # the live aligner's graph wraps the network as "net" (_export_live)
    return {
        t.name.removeprefix("net."): torch.from_numpy(numpy_helper.to_array(t).copy())
        for t in graph.initializer
    }


def export(model: PhoneNet, priors: np.ndarray, cfg: AlignerConfig, out: Path) -> Path:
    """The ONNX model and its side file (class names and priors) the runtime reads."""
    model.eval()
    path = out / "aligner.onnx"
    dummy = torch.zeros(1, 200, N_MELS)
    if cfg.lookahead is None:
        torch.onnx.export(model, (dummy,), str(path), input_names=["mel"], output_names=["log_posteriors"],
                          dynamic_axes={"mel": {1: "frames"}, "log_posteriors": {1: "frames"}},
                          opset_version=17, dynamo=False)  # fmt: skip
    else:
        _export_live(model, dummy, path)
    side = {"phones": list(PHONES), "priors": [float(p) for p in priors], "rate": 100.0,
            "lookahead": cfg.lookahead, "state_frames": model.state_frames,
            "config": {k: list(v) if isinstance(v, tuple) else v for k, v in vars(cfg).items()}}  # fmt: skip
    if cfg.min_fit is not None:
        side["min_fit"] = cfg.min_fit
    (out / "aligner.json").write_text(json.dumps(side, indent=1))
    return path


def _export_live(model: PhoneNet, dummy: torch.Tensor, path: Path) -> None:
    """The live aligner as one step of a stream: (mel chunk, state) -> (posteriors, state)."""

    class Step(nn.Module):
        def __init__(self):
            super().__init__()
            self.net = model

        def forward(self, mel: torch.Tensor, state: torch.Tensor):
            return self.net.step(mel, state)

    state = torch.zeros(1, model.out.in_channels, model.state_frames)
    torch.onnx.export(Step(), (dummy, state), str(path), input_names=["mel", "state"],
                      output_names=["log_posteriors", "state_out"],
                      dynamic_axes={"mel": {1: "frames"}, "log_posteriors": {1: "frames"}},
                      opset_version=17, dynamo=False)  # fmt: skip


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
    parser.add_argument("--lookahead", type=int, default=None,
                        help="train the live aligner: causal, each posterior hearing this many "
                        "frames (10 ms) of the future (default: offline, both sides)")  # fmt: skip
    parser.add_argument("--init", type=Path, default=None,
                        help="go on from a trained aligner (.onnx or .pt), not random weights")  # fmt: skip
    parser.add_argument("--lr", type=float, default=AlignerConfig.lr, help="peak learning rate")
    parser.add_argument("--min-fit", type=float, default=None,
                        help="live: the words' fit below which the stream stops following them "
                        "(default: the runtime's)")  # fmt: skip
    args = parser.parse_args(argv)
    if args.lookahead is not None and args.lookahead < 0:
        parser.error("--lookahead must be 0 or more frames")
    if args.init is not None and not args.init.is_file():
        parser.error(f"--init: no such file: {args.init}")
    cfg = AlignerConfig(epochs=args.epochs, threads=args.threads, lookahead=args.lookahead, lr=args.lr,
                        init=str(args.init or ""), min_fit=args.min_fit)  # fmt: skip
    path = train(args.work / "cache", args.work / "data", args.split, args.out, cfg)
    _log(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
