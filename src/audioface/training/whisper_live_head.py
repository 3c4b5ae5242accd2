"""Training the live ear's head: Whisper's phone head retuned for the newest edge of a window.

The head on tiny.en's encoder (:mod:`audioface.training.whisper_phones`) learnt from whole
utterances, every frame heard with speech on both sides of it. The live ear
(:class:`audioface.language.recognize.whisper_live.LiveEar`) hands on frames 30-60 ms before the
end of a 1 s window: the encoder heard almost nothing after them, and the head reads frames
unlike any it learnt from. Here a copy of that head learns from exactly those frames: each
training utterance is fed to a ``LiveEar`` as a stream feeds it, and each encoder pass's last
frames are kept with the labels of the frames that pass hands on. The data are the whole-file
head's (its caches: real English labelled by pocketsphinx, espeak-ng's exact timings, the real
speech in other languages of the training speakers), so no held-out speaker is heard::

    python -m audioface.training.whisper_live_head --extra runs/multilingual --real-other runs/multilingual \\
        --real-other-repeat 6 --cache runs/phone-heads/cache \\
        --init runs/phone-heads/h-real6/whisper-phones.onnx --out runs/phone-heads/live-real6 -j 2

(the whole recipe: ``models/whisper-phones-live.toml``; it needs the head's caches, made by
``models/whisper-phones.toml``'s run).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

from audioface.language.recognize.whisper_phones import LIVE_MODEL
from audioface.motion.learned.cues import PHONES
from audioface.parallel import parallel_map
from audioface.training.whisper_phones import IGNORE, Head, HeadConfig, export, speeds_arg

CROP = 16  # encoder frames kept of each pass: the head's reach (6 frames) and the frames handed on
SLOTS = 4  # frames one pass hands on at most (the ear's HOP)
SILENCE = PHONES.index("sil")  # the class of frames past the labels' end


class _Keeper:
    """Stands in for the head inside a ``LiveEar``: keeps the last encoder frames of each pass
    (and how many the pass had)."""

    def __init__(self, head):
        self.index, self.log_priors, self.width = head.index, head.log_priors, len(head.phones)
        self.crops: list[np.ndarray] = []
        self.lengths: list[int] = []

    def log_posteriors(self, encoded: np.ndarray) -> np.ndarray:
        self.crops.append(encoded[-CROP:].astype(np.float16))
        self.lengths.append(len(encoded))
        return np.zeros((len(encoded), self.width), np.float32)


def live_edges(samples: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(crops (passes, CROP, 384), positions (passes, SLOTS), classes (passes, SLOTS)): each pass
    of a live ear over ``samples`` (fed 20 ms at a time, as the stream feeds it), the crop's index
    of each frame it hands on and that frame's class (``labels``: one per 20 ms; IGNORE pads).
    The first passes of a stream, whose window is shorter than a crop, are left out: a crop
    holds every encoder frame the head reads for the frames handed on, only where it is whole."""
    from audioface.language.recognize import whisper_live

    ear = whisper_live.LiveEar(PHONES)
    keeper = _Keeper(ear.head)
    ear.head = keeper
    slots: list[tuple[int, list[int], list[int]]] = []
    hear = ear._hear

    def hear_kept(frames: int, upto: int) -> np.ndarray:
        done, start = ear.done, max(0, frames - ear.window)
        out = hear(frames, upto)
        n, new = keeper.lengths[-1], range(done, ear.done)
        pos = [(f - start) // 2 - (n - CROP) for f in new]
        cls = [int(labels[f // 2]) if f // 2 < len(labels) else SILENCE for f in new]
        slots.append((n, pos, cls))
        return out

    ear._hear = hear_kept
    for a in range(0, len(samples), 320):
        ear.push(samples[a : a + 320])
    whole = [k for k, (n, _, _) in enumerate(slots) if n >= CROP]
    positions = np.zeros((len(whole), SLOTS), np.int64)
    classes = np.full((len(whole), SLOTS), IGNORE, np.int64)
    for row, k in enumerate(whole):
        _, pos, cls = slots[k]
        positions[row, : len(pos)], classes[row, : len(cls)] = pos[:SLOTS], cls[:SLOTS]
    crops = np.stack([keeper.crops[k] for k in whole]) if whole else np.zeros((0, CROP, 384), np.float16)
    return crops, positions, classes


def sources(data: Path, extra: Path | None, extra_limit: int | None, train_limit: int | None,
            real_other: Path | None, speeds: tuple[float, ...] = (1.0,)) -> tuple[list, list]:  # fmt: skip
    """(training, held-out) ``(kind, name, where)`` of the whole-file head's recipe: the same
    real English speakers (kind ``real``), synthetic items (``synthetic``) and real speech in
    other languages (``real-other``, at each of ``speeds``: where is its ``RealCopy``)."""
    from audioface.evaluate.corpus import find_items
    from audioface.training import whisper_phones as wp

    items = [it for it in find_items(data) if it.text]
    cfg = HeadConfig()
    train_items, held_items = wp.chosen(items, cfg, train_limit)
    train = [("real", it.name, str(it.audio)) for it in train_items]
    if extra is not None:
        specs = {s["name"]: s for s in json.loads((extra / "specs.json").read_text())}
        names = wp.extra_names(extra, extra_limit, cfg.seed)
        train += [("synthetic", n, specs[n]) for n in names if n in specs]
    if real_other is not None:
        train += [("real-other", n, copy) for n, copy in wp.real_other_sources(real_other, speeds).items()]
    return train, [("real", it.name, str(it.audio)) for it in held_items]


def _capture_job(job: tuple[tuple, Path]) -> None:
    (kind, name, where), cache = job
    path = cache / f"{name}.live.npz"
    if path.exists():
        return
    from audioface.audio import load_audio
    from audioface.training.whisper_phones import synthetic_audio

    if kind == "synthetic":
        samples = synthetic_audio(where)[0]
    elif kind == "real-other":
        samples = where.samples()
    else:
        samples = load_audio(where).samples
    crops, positions, classes = live_edges(samples, np.load(cache / f"{name}.labels.npy"))
    np.savez(path, crops=crops, positions=positions, classes=classes)


def _gather(names: list[str], cache: Path) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    parts = [np.load(cache / f"{n}.live.npz") for n in names]
    cat = [np.concatenate([p[k] for p in parts]) for k in ("crops", "positions", "classes")]
    return torch.from_numpy(cat[0].astype(np.float32)), torch.from_numpy(cat[1]), torch.from_numpy(cat[2])


def _loss(model: Head, crops, positions, classes) -> tuple[torch.Tensor, torch.Tensor]:
    """Summed negative log posterior and correct count of the handed-on frames."""
    out = model(crops)  # (n, CROP, phones)
    picked = torch.gather(out, 1, positions[..., None].expand(-1, -1, out.shape[-1]))
    mask = classes != IGNORE
    nll = nn.functional.nll_loss(picked[mask], classes[mask], reduction="sum")
    return nll, (picked.argmax(-1)[mask] == classes[mask]).sum()


def evaluate(model: Head, held) -> dict:
    model.eval()
    with torch.no_grad():
        nll, correct = _loss(model, *held)
    model.train()
    frames = int((held[2] != IGNORE).sum())
    return {"nll": float(nll) / max(frames, 1), "accuracy": float(correct) / max(frames, 1), "frames": frames}


def init_from(path: Path) -> Head:
    """A head with the weights of an exported one (its ONNX initializers)."""
    import onnx
    from onnx import numpy_helper

    model = Head(HeadConfig())
    weights = {
        i.name: torch.from_numpy(numpy_helper.to_array(i).copy())
        for i in onnx.load(str(path)).graph.initializer
    }
    model.load_state_dict(weights)
    return model


def train(train_names: list[str], held_names: list[str], cache: Path, init: Path, out: Path,
          epochs: int = 3, lr: float = 5e-4, batch: int = 256, seed: int = 0) -> Path:  # fmt: skip
    """Fine-tune the head ``init`` on the live edges of the training names; report on the
    held-out ones; export ``whisper-phones-live.onnx`` with its side file."""
    torch.manual_seed(seed)
    torch.set_num_threads(2)
    crops, positions, classes = _gather(train_names, cache)
    held = _gather(held_names, cache)
    labels = classes[classes != IGNORE].numpy()
    priors = (np.bincount(labels, minlength=len(PHONES)) + 1) / (len(labels) + len(PHONES))
    model = init_from(init)
    history = [{"epoch": 0, **evaluate(model, held)}]
    _log(json.dumps(history[-1]))
    steps = epochs * -(-len(crops) // batch)
    opt = torch.optim.AdamW(model.parameters(), lr, weight_decay=1e-2)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, lr, total_steps=max(steps, 1))
    rng = np.random.default_rng(seed)
    for epoch in range(epochs):
        t0 = time.time()
        order = torch.from_numpy(rng.permutation(len(crops)))
        for k in range(0, len(order), batch):
            idx = order[k : k + batch]
            nll, _ = _loss(model, crops[idx], positions[idx], classes[idx])
            loss = nll / max(int((classes[idx] != IGNORE).sum()), 1)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
        history.append({"epoch": epoch + 1, "seconds": round(time.time() - t0, 1), **evaluate(model, held)})
        _log(json.dumps(history[-1]))
    side = {"phones": list(PHONES), "priors": [float(p) for p in priors], "rate": 50.0,
            "train_items": len(train_names), "held_out_items": len(held_names), "held_out": history[-1],
            "history": history, "init": init.name, "live_edge": {"crop": CROP, "slots": SLOTS},
            "config": {"epochs": epochs, "lr": lr, "batch": batch, "seed": seed}}  # fmt: skip
    out.mkdir(parents=True, exist_ok=True)
    return export(model, side, out, name=LIVE_MODEL)


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m audioface.training.whisper_live_head",
        description="Retune Whisper's phone head for the live ear: the frames at the newest edge of "
        "a 1 s window, on the whole-file head's training data (its label caches).",
    )
    parser.add_argument("--data", type=Path, default=Path("../shared/data/real-english"), help="real English")
    parser.add_argument("--extra", type=Path, help="training/multilingual.py's work folder (synthetic)")
    parser.add_argument("--extra-limit", type=int, default=600)
    parser.add_argument("--train-limit", type=int, default=400)
    parser.add_argument("--real-other", type=Path, help="training/multilingual_real.py's work folder")
    parser.add_argument("--real-other-repeat", type=int, default=1, help="times each of those is heard")
    parser.add_argument("--real-other-speeds", type=speeds_arg, default=(1.0,), help="and at these speeds")
    parser.add_argument("--cache", type=Path, required=True, help="the whole-file head's caches (labels)")
    parser.add_argument("--init", type=Path, required=True, help="the whole-file head to start from (.onnx)")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--lr", type=float, default=5e-4)
    parser.add_argument("--out", type=Path, default=Path("runs/whisper-phones-live"))
    parser.add_argument("-j", "--jobs", type=int, help="worker processes (default: one per core)")
    args = parser.parse_args(argv)
    train_src, held_src = sources(
        args.data, args.extra, args.extra_limit, args.train_limit, args.real_other, args.real_other_speeds
    )
    unlabelled = [n for _, n, _ in [*train_src, *held_src] if not (args.cache / f"{n}.labels.npy").is_file()]
    if unlabelled:
        first = unlabelled[0]
        _log(f"audioface: error: {len(unlabelled)} items have no labels in {args.cache} (first: {first}): "
             "run the whole-file head's recipe with this --cache first")  # fmt: skip
        return 2
    t0 = time.time()
    parallel_map(_capture_job, [(s, args.cache) for s in [*train_src, *held_src]], args.jobs)
    _log(f"live edges: {len(train_src) + len(held_src)} items in {time.time() - t0:.0f} s")
    repeats = {"real-other": args.real_other_repeat}
    names = [n for kind, n, _ in train_src for _ in range(repeats.get(kind, 1))]
    path = train(names, [n for _, n, _ in held_src], args.cache, args.init, args.out, args.epochs, args.lr)
    _log(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
