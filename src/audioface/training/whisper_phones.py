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

For the ablation of which encoder hears phones in any language (``bench/bench_phone_heads.py``)
the head can learn on multilingual Whisper base's encoder instead (``--encoder base``), from
each utterance's own window padded to ``--min-frames`` rather than 30 s, and from the synthetic
training items of ``training/multilingual.py`` (``--extra runs/multilingual``: re-synthesised,
labelled at 50 Hz from espeak-ng's exact timings) beside ``--train-limit`` real training
utterances::

    python -m audioface.training.whisper_phones --data ../shared/data/real-english --encoder base \
        --min-frames 1000 --extra runs/multilingual --extra-limit 600 --train-limit 400 \
        --cache runs/phone-heads/cache --out runs/phone-heads/h-base

The shipped head (``models/whisper-phones.toml``) also hears the real speech in other languages of
the training speakers (``--real-other``); ``--real-other-speeds 0.9,1.1`` hears it again at other
speeds, new voices for the few speakers there are (tried: within the spread of retraining, so out
of the recipe; docs/learned-model.md).
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from dataclasses import asdict, dataclass
from fractions import Fraction
from pathlib import Path
from typing import NamedTuple

import numpy as np
import torch
from torch import nn

from audioface.evaluate.corpus import Item, find_items
from audioface.language.recognize.whisper_phones import MODEL
from audioface.motion.learned.cues import PHONE_INDEX, PHONES
from audioface.parallel import parallel_map
from audioface.training.split import split

IGNORE = -100
ENCODERS = {"tiny.en": 384, "base": 512}  # each encoder's width
ENCODED = ENCODERS["tiny.en"]
_SPEAKING = threading.Lock()  # espeak-ng is not thread-safe (the encoder threads load items)


@dataclass
class HeadConfig:
    hidden: int = 256
    kernel: int = 5
    epochs: int = 5  # held-out loss was lowest at 4-5 epochs; past that the head learns the speakers
    batch: int = 16
    lr: float = 2e-3
    dropout: float = 0.3
    holdout: float = 0.1
    seed: int = 0  # the speaker split and the samples of the data
    restart: int = 0  # the initial weights and the order of the examples
    threads: int = 2


class Head(nn.Module):
    """Two convolutions over the encoder's frames (the second dilated: 0.36 s of context in all)."""

    def __init__(self, cfg: HeadConfig, width: int = ENCODED):
        super().__init__()
        k, h = cfg.kernel, cfg.hidden
        self.net = nn.Sequential(
            nn.Conv1d(width, h, k, padding=k // 2),
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


def labels_50hz(runs, seconds: float) -> np.ndarray:
    """One class per 20 ms frame (its first 10 ms) of ``(class index, start, end)`` runs over
    ``seconds`` of audio; ``sil`` where no run lies."""
    labels = np.full(int(round(seconds * 100)), PHONE_INDEX["sil"], np.int64)
    for k, a, b in runs:
        labels[int(round(a * 100)) : int(round(b * 100))] = k
    return labels[::2]


def frame_labels(item: Item) -> np.ndarray:
    """One phone class per 20 ms frame of the item's aligned transcript (words the aligner
    only estimated are left out)."""
    from audioface.audio import detect_activity, load_audio
    from audioface.language import build_track

    sound = load_audio(item.audio)
    track = build_track(sound, detect_activity(sound), item.text, aligner="sphinx", jobs=1)
    runs = ((PHONE_INDEX.get(ph.phone, PHONE_INDEX["sil"]) if word.origin == "transcript" else IGNORE,
             ph.start, ph.end) for word in track.words for ph in word.phones)  # fmt: skip
    return labels_50hz(runs, sound.duration)


def _label_job(job: tuple[Item, Path]) -> None:
    item, path = job
    if not path.exists():
        np.save(path, frame_labels(item))


def encoded_name(encoder: str = "tiny.en", min_frames: int | None = None) -> str:
    """The cache suffix of an encoder's frames: ``encoded`` for tiny.en on 30 s windows."""
    tag = f"-{encoder}" if encoder != "tiny.en" else ""
    return f"encoded{tag}" + (f"-{min_frames}" if min_frames else "")


def load_encoder(encoder: str = "tiny.en"):
    from audioface.language.recognize import whisper

    return whisper.load() if encoder == "tiny.en" else whisper.load_base()


def prepare(
    items: list[Item], cache: Path, jobs: int | None = None, encoder: str = "tiny.en",
    min_frames: int | None = None,
) -> None:  # fmt: skip
    """Labels (pocketsphinx, in worker processes) and encoder frames (Whisper, two windows at a
    time in threads) for every item, each cached as ``.npy`` in ``cache``."""
    from audioface.audio import load_audio

    cache.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    parallel_map(_label_job, [(it, cache / f"{it.name}.labels.npy") for it in items], jobs)
    _log(f"labels: {len(items)} items in {time.time() - t0:.0f} s")
    encode_all([(it.name, lambda it=it: load_audio(it.audio).samples) for it in items], cache, encoder,
               min_frames)  # fmt: skip


def encode_all(jobs: list, cache: Path, encoder: str = "tiny.en", min_frames: int | None = None) -> None:
    """Encoder frames of each ``(name, samples())`` job not yet cached, two at a time in threads."""
    from concurrent.futures import ThreadPoolExecutor

    from audioface.language.recognize import whisper, whisper_phones

    model, suffix = load_encoder(encoder), encoded_name(encoder, min_frames)

    def one(job: tuple) -> None:
        path = cache / f"{job[0]}.{suffix}.npy"
        if not path.exists():
            np.save(path, whisper_phones.encode(job[1](), model, min_frames).astype(np.float16))

    t0 = time.time()
    with ThreadPoolExecutor(whisper.WORKERS) as pool:
        list(pool.map(one, jobs))
    _log(f"encoder frames ({encoder}): {len(jobs)} items in {time.time() - t0:.0f} s")


def synthetic_labels(timeline: list) -> np.ndarray:
    """One class per 20 ms frame of an exact timeline of ``(class, start, end)``."""
    runs = ((PHONE_INDEX.get(p, PHONE_INDEX["sil"]), a, b) for p, a, b in timeline)
    return labels_50hz(runs, timeline[-1][2])


def synthetic_audio(spec: dict) -> tuple[np.ndarray, list]:
    """A synthetic item of ``training/multilingual.py`` spoken again (espeak-ng is deterministic),
    cut to its timeline's end as ``make_synthetic`` cut it."""
    from audioface.training.multilingual import synthesise

    with _SPEAKING:
        audio, timeline = synthesise(spec["voice"], spec["text"], spec["rate"], spec["pitch"])
    return audio[: int(round(timeline[-1][2] * 16000))], timeline


def prepare_synthetic(
    work: Path, names: list[str], cache: Path, encoder: str = "tiny.en", min_frames: int | None = None
) -> list[str]:
    """Labels and encoder frames of the named synthetic items of ``work`` (its ``specs.json``),
    cached under their own names; the names made (those ``specs.json`` holds)."""
    specs = {s["name"]: s for s in json.loads((work / "specs.json").read_text())}
    names = [n for n in names if n in specs]
    cache.mkdir(parents=True, exist_ok=True)
    for name in names:
        path = cache / f"{name}.labels.npy"
        if not path.exists():
            np.save(path, synthetic_labels(synthetic_audio(specs[name])[1]))
    encode_all([(n, lambda n=n: synthetic_audio(specs[n])[0]) for n in names], cache, encoder, min_frames)
    return names


def speeded(samples: np.ndarray, speed: float) -> np.ndarray:
    """The recording played ``speed`` times as fast, pitch and formants moved with it (a tape
    run fast or slow): the same words in a new voice, for the few real speakers of other
    languages the head can hear (only 3 real French utterances among the training speakers)."""
    from scipy.signal import resample_poly

    if speed == 1.0:
        return samples
    ratio = Fraction(1 / speed).limit_denominator(40)
    return resample_poly(samples, ratio.numerator, ratio.denominator).astype(np.float32)


class RealCopy(NamedTuple):
    """One copy of a real utterance in another language: its recording, the speed it is heard
    at, and the language stage's timings of it (at speed 1)."""

    audio: Path
    speed: float
    timings: Path

    def samples(self) -> np.ndarray:
        from audioface.audio import load_audio

        return speeded(load_audio(self.audio).samples, self.speed)

    def labels(self) -> np.ndarray:
        """One class per 20 ms frame, the timings moved with the speed."""
        doc = json.loads(self.timings.read_text())
        return synthetic_labels([(d["phone"], d["start"] / self.speed, d["end"] / self.speed) for d in doc])


def real_other_sources(work: Path, speeds: tuple[float, ...] = (1.0,)) -> dict[str, RealCopy]:
    """The real speech in other languages that :mod:`audioface.training.multilingual_real` timed
    into ``work`` (its ``mreal-`` examples: the training speakers of ``multilingual-speech``
    only), once at each of ``speeds``: each copy by its name (``NAME@0.9`` away from 1)."""
    from audioface.training.multilingual_real import CORPUS, PREFIX

    audio = {PREFIX + it.name: it.audio for it in find_items(CORPUS)}
    timed = {p.name.removesuffix(".phones.json"): p for p in (work / "data").glob(f"{PREFIX}*.phones.json")}
    return {
        (n if speed == 1.0 else f"{n}@{speed:g}"): RealCopy(audio[n], speed, timed[n])
        for n in sorted(timed)
        if n in audio
        for speed in speeds
    }


def prepare_real_other(
    work: Path, cache: Path, encoder: str = "tiny.en", min_frames: int | None = None,
    speeds: tuple[float, ...] = (1.0,),
) -> list[str]:  # fmt: skip
    """Labels and encoder frames of :func:`real_other_sources`; the names made."""
    sources = real_other_sources(work, speeds)
    cache.mkdir(parents=True, exist_ok=True)
    for name, copy in sources.items():
        path = cache / f"{name}.labels.npy"
        if not path.exists():
            np.save(path, copy.labels())
    encode_all([(n, copy.samples) for n, copy in sources.items()], cache, encoder, min_frames)
    return list(sources)


def _load(name: str, cache: Path, suffix: str = "encoded") -> tuple[np.ndarray, np.ndarray]:
    x = np.load(cache / f"{name}.{suffix}.npy").astype(np.float32)
    y = np.load(cache / f"{name}.labels.npy")
    n = min(len(x), len(y))
    return x[:n], y[:n]


def chosen(items: list[Item], cfg: HeadConfig, train_limit: int | None = None) -> tuple[list, list]:
    """(train, held-out) items by the recipes' speaker split; ``train_limit``: a seeded sample of
    at most that many training items (the held-out speakers stay whole)."""
    train_items, held_items = split(items, cfg.holdout, cfg.seed)
    if train_limit is not None and train_limit < len(train_items):
        pick = np.random.default_rng(cfg.seed).choice(len(train_items), train_limit, replace=False)
        train_items = [train_items[i] for i in sorted(pick)]
    return train_items, held_items


def _batch(data: list[tuple[np.ndarray, np.ndarray]]) -> tuple[torch.Tensor, torch.Tensor]:
    longest = max(len(x) for x, _ in data)
    xs = torch.zeros(len(data), longest, data[0][0].shape[1])
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


def train(
    items: list[Item], cache: Path, out: Path, cfg: HeadConfig, extra: list[str] = (),
    encoder: str = "tiny.en", min_frames: int | None = None, train_limit: int | None = None,
) -> Path:  # fmt: skip
    """Train on the items' training speakers (and the ``extra`` prepared names), report on the
    held-out speakers, export the head."""
    torch.manual_seed(cfg.seed + cfg.restart)
    torch.set_num_threads(cfg.threads)
    train_items, held_items = chosen(items, cfg, train_limit)
    suffix = encoded_name(encoder, min_frames)
    train_set = [_load(n, cache, suffix) for n in [*(it.name for it in train_items), *extra]]
    held_set = [_load(it.name, cache, suffix) for it in held_items]
    counts = np.bincount(np.concatenate([y[y != IGNORE] for _, y in train_set]), minlength=len(PHONES)) + 1
    priors = counts / counts.sum()
    model = Head(cfg, ENCODERS[encoder])
    steps = cfg.epochs * -(-len(train_set) // cfg.batch)
    opt = torch.optim.AdamW(model.parameters(), cfg.lr, weight_decay=1e-2)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, cfg.lr, total_steps=max(steps, 1))
    rng = np.random.default_rng(cfg.seed + cfg.restart)
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
    if encoder != "tiny.en" or min_frames or extra:
        side.update(encoder=encoder, min_frames=min_frames, extra_items=len(extra))
    return export(model, side, out, ENCODERS[encoder])


def export(model: Head, side: dict, out: Path, width: int = ENCODED, name: str = MODEL) -> Path:
    """``name`` (``whisper-phones.onnx``) and its side file (phone names, priors, config, held-out
    figures)."""
    model.eval()
    path = out / name
    torch.onnx.export(model, (torch.zeros(1, 100, width),), str(path), input_names=["encoded"],
                      output_names=["log_posteriors"],
                      dynamic_axes={"encoded": {1: "frames"}, "log_posteriors": {1: "frames"}},
                      opset_version=17, dynamo=False)  # fmt: skip
    path.with_suffix(".json").write_text(json.dumps(side, indent=1))
    return path


def extra_names(work: Path, limit: int | None, seed: int) -> list[str]:
    """The synthetic training names of ``work/split.json`` (its real English ones left out)."""
    names = [n for n in json.loads((work / "split.json").read_text())["train"] if not n.startswith("real-")]
    if limit is not None and limit < len(names):
        pick = np.random.default_rng(seed).choice(len(names), limit, replace=False)
        names = [names[i] for i in sorted(pick)]
    return names


def speeds_arg(text: str) -> tuple[float, ...]:
    """``--real-other-speeds``: the recording as it is, and at each speed listed."""
    try:
        speeds = [float(t) for t in text.split(",") if t.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of speeds: {text!r}") from None
    if any(not 0.5 <= v <= 2.0 for v in speeds):
        raise argparse.ArgumentTypeError(f"speeds from 0.5 to 2.0: {text!r}")
    return tuple(dict.fromkeys([1.0, *speeds]))


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
    parser.add_argument("--restart", type=int, default=HeadConfig.restart,
                        help="another start: initial weights and order change, not the data")  # fmt: skip
    parser.add_argument("--limit", type=int, help="only the first N items (a quick look)")
    parser.add_argument("-j", "--jobs", type=int, help="label worker processes (default: one per core)")
    parser.add_argument("--encoder", choices=sorted(ENCODERS), default="tiny.en", help="whose encoder")
    parser.add_argument("--min-frames", type=int, help="one window of each item's own length, padded "
                        "to this many log-mel frames (default: 30 s windows, as the runtime)")  # fmt: skip
    parser.add_argument("--cache", type=Path, help="labels and encoder frames (default: OUT/cache)")
    parser.add_argument("--train-limit", type=int, help="a seeded sample of N real training items")
    parser.add_argument("--extra", type=Path, help="also the synthetic training items of this "
                        "training/multilingual.py work folder (its specs.json and split.json)")  # fmt: skip
    parser.add_argument("--extra-limit", type=int, help="a seeded sample of N of those")
    parser.add_argument("--real-other", type=Path, help="also the real speech in other languages timed "
                        "into this work folder by training/multilingual_real.py")  # fmt: skip
    parser.add_argument("--real-other-repeat", type=int, default=1, help="times each of those is heard "
                        "per epoch (they are few)")  # fmt: skip
    parser.add_argument("--real-other-speeds", type=speeds_arg, default=(1.0,), help="hear each of "
                        "those at these speeds too (0.9,1.1: resampled, the pitch moves)")  # fmt: skip
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
    cfg = HeadConfig(epochs=args.epochs, restart=args.restart)
    cache = args.cache or args.out / "cache"
    train_items, held_items = chosen(items, cfg, args.train_limit)
    prepare([*train_items, *held_items], cache, args.jobs, args.encoder, args.min_frames)
    extra = extra_names(args.extra, args.extra_limit, cfg.seed) if args.extra else []
    extra = prepare_synthetic(args.extra, extra, cache, args.encoder, args.min_frames) if extra else []
    if args.real_other:
        speeds = args.real_other_speeds
        real = prepare_real_other(args.real_other, cache, args.encoder, args.min_frames, speeds)
        extra = [*extra, *real * args.real_other_repeat]
    path = train(items, cache, args.out, cfg, extra, args.encoder, args.min_frames, args.train_limit)
    _log(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
