"""Training the head that hears phones in Whisper's encoder
(:mod:`audioface.language.recognize.whisper_phones`).

Whisper's tiny.en encoder stays frozen; a small head learns which phone each of its 20 ms frames
holds, from real read speech labelled by the language stage (each transcript force-aligned by
pocketsphinx, as for every real-speech label here; frames of words it could only estimate are
left out). Whole speakers are held out by the recipes' own split (``training/split.py``: 10%,
seeded), so the held-out real speakers of BENCHMARKS stay unheard.

    python -m audioface.training.whisper_phones --data ../shared/data/real-english --out runs/whisper-phones

About 10 minutes on 2 cores for the 1387 utterances of ``real-english``: labels 2, encoder
frames 8 (both cached in ``--out``), five epochs 2.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from audioface.evaluate.corpus import Item, find_items
from audioface.motion.learned.cues import PHONE_INDEX, PHONES
from audioface.parallel import parallel_map
from audioface.training.split import split

IGNORE = -100
ENCODED = 384  # tiny.en's width


@dataclass
class HeadConfig:
    hidden: int = 256
    kernel: int = 5
    epochs: int = 5  # held-out loss was lowest at 4-5 epochs; past that the head learns the speakers
    batch: int = 16
    lr: float = 2e-3
    dropout: float = 0.3
    holdout: float = 0.1
    seed: int = 0
    threads: int = 2


class Head(nn.Module):
    """Two convolutions over the encoder's frames (the second dilated: 0.36 s of context in all)."""

    def __init__(self, cfg: HeadConfig):
        super().__init__()
        k, h = cfg.kernel, cfg.hidden
        self.net = nn.Sequential(
            nn.Conv1d(ENCODED, h, k, padding=k // 2),
            nn.GELU(),
            nn.Dropout(cfg.dropout),
            nn.Conv1d(h, h, k, padding=2 * (k // 2), dilation=2),
            nn.GELU(),
            nn.Dropout(cfg.dropout),
            nn.Conv1d(h, len(PHONES), 1),
        )

    def forward(self, encoded: torch.Tensor) -> torch.Tensor:
        """(batch, frames, 384) -> (batch, frames, phones) log posteriors."""
        return torch.log_softmax(self.net(encoded.transpose(1, 2)).transpose(1, 2), dim=-1)


def frame_labels(item: Item) -> np.ndarray:
    """One phone class per 20 ms frame (its first 10 ms) of the item's aligned transcript."""
    from audioface.audio import detect_activity, load_audio
    from audioface.language import build_track

    sound = load_audio(item.audio)
    track = build_track(sound, detect_activity(sound), item.text, aligner="sphinx", jobs=1)
    labels = np.full(int(round(sound.duration * 100)), PHONE_INDEX["sil"], np.int64)
    for word in track.words:
        for ph in word.phones:
            a, b = int(round(ph.start * 100)), int(round(ph.end * 100))
            labels[a:b] = (
                PHONE_INDEX.get(ph.phone, PHONE_INDEX["sil"]) if word.origin == "transcript" else IGNORE
            )
    return labels[::2]


def _label_job(job: tuple[Item, Path]) -> None:
    item, path = job
    if not path.exists():
        np.save(path, frame_labels(item))


def prepare(items: list[Item], cache: Path, jobs: int | None = None) -> None:
    """Labels (pocketsphinx, in worker processes) and encoder frames (Whisper, two windows at a
    time in threads) for every item, each cached as ``.npy`` in ``cache``."""
    from concurrent.futures import ThreadPoolExecutor

    from audioface.audio import load_audio
    from audioface.language.recognize import whisper, whisper_phones

    cache.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    parallel_map(_label_job, [(it, cache / f"{it.name}.labels.npy") for it in items], jobs)
    _log(f"labels: {len(items)} items in {time.time() - t0:.0f} s")
    model = whisper.load()

    def encode(item: Item) -> None:
        path = cache / f"{item.name}.encoded.npy"
        if not path.exists():
            np.save(path, whisper_phones.encode(load_audio(item.audio).samples, model).astype(np.float16))

    t0 = time.time()
    with ThreadPoolExecutor(whisper.WORKERS) as pool:
        list(pool.map(encode, items))
    _log(f"encoder frames: {len(items)} items in {time.time() - t0:.0f} s")


def _load(item: Item, cache: Path) -> tuple[np.ndarray, np.ndarray]:
    x = np.load(cache / f"{item.name}.encoded.npy").astype(np.float32)
    y = np.load(cache / f"{item.name}.labels.npy")
    n = min(len(x), len(y))
    return x[:n], y[:n]


def _batch(data: list[tuple[np.ndarray, np.ndarray]]) -> tuple[torch.Tensor, torch.Tensor]:
    longest = max(len(x) for x, _ in data)
    xs = torch.zeros(len(data), longest, ENCODED)
    ys = torch.full((len(data), longest), IGNORE, dtype=torch.long)
    for k, (x, y) in enumerate(data):
        xs[k, : len(x)] = torch.from_numpy(x)
        ys[k, : len(y)] = torch.from_numpy(y)
    return xs, ys


def evaluate(model: Head, data: list, batch: int = 16) -> dict:
    """Held-out mean negative log posterior per frame and frame accuracy."""
    model.eval()
    nll = correct = total = 0.0
    with torch.no_grad():
        for k in range(0, len(data), batch):
            xs, ys = _batch(data[k : k + batch])
            out, mask = model(xs), ys != IGNORE
            nll += nn.functional.nll_loss(out[mask], ys[mask], reduction="sum").item()
            correct += (out.argmax(-1)[mask] == ys[mask]).sum().item()
            total += mask.sum().item()
    model.train()
    return {"nll": nll / max(total, 1), "accuracy": correct / max(total, 1), "frames": int(total)}


def train(items: list[Item], cache: Path, out: Path, cfg: HeadConfig) -> Path:
    """Train on the items' training speakers, report on the held-out ones, export the head."""
    torch.manual_seed(cfg.seed)
    torch.set_num_threads(cfg.threads)
    train_items, held_items = split(items, cfg.holdout, cfg.seed)
    train_set = [_load(it, cache) for it in train_items]
    held_set = [_load(it, cache) for it in held_items]
    counts = np.bincount(np.concatenate([y[y != IGNORE] for _, y in train_set]), minlength=len(PHONES)) + 1
    priors = counts / counts.sum()
    model = Head(cfg)
    steps = cfg.epochs * -(-len(train_set) // cfg.batch)
    opt = torch.optim.AdamW(model.parameters(), cfg.lr, weight_decay=1e-2)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, cfg.lr, total_steps=max(steps, 1))
    rng = np.random.default_rng(cfg.seed)
    history = []
    for epoch in range(cfg.epochs):
        t0 = time.time()
        order = rng.permutation(len(train_set))
        for k in range(0, len(order), cfg.batch):
            xs, ys = _batch([train_set[i] for i in order[k : k + cfg.batch]])
            loss = nn.functional.nll_loss(
                model(xs).reshape(-1, len(PHONES)), ys.reshape(-1), ignore_index=IGNORE
            )
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
        held = evaluate(model, held_set) if held_set else {}
        history.append({"epoch": epoch + 1, "seconds": round(time.time() - t0, 1), **held})
        _log(json.dumps(history[-1]))
    out.mkdir(parents=True, exist_ok=True)
    (out / "history.json").write_text(json.dumps(history, indent=1))
    side = {"phones": list(PHONES), "priors": [float(p) for p in priors], "rate": 50.0,
            "train_items": len(train_set), "held_out_items": len(held_set),
            "held_out": history[-1] if held_set else None, "config": asdict(cfg)}  # fmt: skip
    return export(model, side, out)


def export(model: Head, side: dict, out: Path) -> Path:
    """``whisper-phones.onnx`` and its side file (phone names, priors, config, held-out figures)."""
    model.eval()
    path = out / "whisper-phones.onnx"
    torch.onnx.export(model, (torch.zeros(1, 100, ENCODED),), str(path), input_names=["encoded"],
                      output_names=["log_posteriors"],
                      dynamic_axes={"encoded": {1: "frames"}, "log_posteriors": {1: "frames"}},
                      opset_version=17, dynamo=False)  # fmt: skip
    path.with_suffix(".json").write_text(json.dumps(side, indent=1))
    return path


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m audioface.training.whisper_phones",
        description="Train the head that hears phones in Whisper's encoder, from a corpus of real "
        "speech with transcripts (a folder with manifest.tsv, such as ../shared/data/real-english).",
    )
    parser.add_argument("--data", type=Path, required=True, help="corpus folder")
    parser.add_argument("--out", type=Path, default=Path("runs/whisper-phones"))
    parser.add_argument("--epochs", type=int, default=HeadConfig.epochs)
    parser.add_argument("--limit", type=int, help="only the first N items (a quick look)")
    parser.add_argument("-j", "--jobs", type=int, help="label worker processes (default: one per core)")
    args = parser.parse_args(argv)
    from audioface.errors import AudioFaceError
    from audioface.language.recognize import whisper

    try:
        if not whisper.available():
            raise AudioFaceError(f"training the head needs Whisper's tiny.en: {whisper.REINSTALL}")
        items = [it for it in find_items(args.data) if it.text]
        if not items:
            raise AudioFaceError(f"no items with transcripts in {args.data}")
    except AudioFaceError as exc:
        print(f"audioface: error: {exc}", file=sys.stderr)
        return 2
    items = sorted(items, key=lambda it: it.name)[: args.limit] if args.limit else items
    cfg = HeadConfig(epochs=args.epochs)
    cache = args.out / "cache"
    prepare(items, cache, args.jobs)
    path = train(items, cache, args.out, cfg)
    _log(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
