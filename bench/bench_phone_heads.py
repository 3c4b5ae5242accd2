#!/usr/bin/env python3
"""Which ears hear phones in any language: an ablation for the phone loop (issue 32).

Rows are the ears that could feed the free phone loop: the learned aligner's own phone model
(100 Hz, log-mel; its even frames are scored), the head on tiny.en's encoder that shipped until
H-tiny replaced it (English only: ``git show a6dc9a0:src/audioface/models/whisper-phones.onnx``
and ``.json``, into ``runs/phone-heads/english-only/``), and two heads trained on the same
data by ``training/whisper_phones.py`` (600 synthetic training items of ``runs/multilingual`` in
two dozen languages + 400 real English training utterances; one HeadConfig): H-tiny on tiny.en's
encoder and H-base on multilingual Whisper base's. Columns are held-out voices of the trained
languages (synthetic, exact espeak-ng timings), languages never trained (synthetic), held-out real
English speakers (labels: the transcript force-aligned by pocketsphinx, as the trainer labels) and
real speech in ten languages (``../shared/data/multilingual-speech``; labels: the transcript
aligned in its own language by ``audioface.animate``, classes without stress). Scores are frame
accuracies of the argmax class at 50 Hz over frames not labelled silence (``acc``), and the same
with classes grouped by mouth shape (``vis``: bilabial, labiodental, rounded, open, spread,
postalveolar, other). The heads hear each utterance (all under 30 s) as one window of its own
length rounded up to a second and padded to 10 s (``--min-frames 1000``); the shipped head is
scored on those frames and on the 30 s windows it runs on (``shipped@30s``).

Make the heads (with ENC tiny.en, then base; their labels and frames cached beside the eval's),
the eval caches and CPU figures, then the table (``runs/phone-heads/table.md``; the write-up with
notes is ``runs/phone-heads/ablation.md``)::

    python -m audioface.training.whisper_phones --data ../shared/data/real-english --encoder ENC \
        --min-frames 1000 --extra runs/multilingual --extra-limit 600 --train-limit 400 \
        --cache runs/phone-heads/cache --out runs/phone-heads/h-tiny (h-base for base) -j 2
    python bench/bench_phone_heads.py --prepare   # eval labels, encoder frames, aligner posteriors, CPU
    python bench/bench_phone_heads.py             # the table again from the caches (seconds)
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import time
from pathlib import Path

import numpy as np

from audioface.motion.learned.cues import PHONE_INDEX, PHONES
from audioface.training import whisper_phones as wp

WORK = Path("runs/phone-heads")
SYNTH = Path("runs/multilingual")
REAL_ENGLISH = Path("../shared/data/real-english")
SPEECH = Path("../shared/data/multilingual-speech")
# the English-only head shipped before H-tiny replaced it (its files from git: see the docstring)
SHIPPED = Path("runs/phone-heads/english-only/whisper-phones.onnx")
MIN_FRAMES = 1000
GROUPS = {
    "bilabial": "P B M",
    "labiodental": "F V",
    "rounded": "UW UH OW AO OY W",
    "open": "AA AE AH AW AY",
    "spread": "IY IH EY EH ER Y",
    "postalveolar": "SH ZH CH JH",
}
VISEME = np.array([next((k for k, (_, ps) in enumerate(GROUPS.items()) if p in ps.split()), len(GROUPS))
                   for p in PHONES])  # fmt: skip
COLUMNS = {"held": "held-out voices (synth)", "unseen": "unseen languages (synth)",
           "english": "real English, held-out speakers", "speech": "real multilingual speech"}  # fmt: skip


# ---------------------------------------------------------------- the evaluation sets


def _spread(names: list, n: int) -> list:
    return [names[int(i)] for i in np.linspace(0, len(names) - 1, n)] if len(names) > n else list(names)


def eval_sets(limit: int = 100, real: int = 60) -> dict[str, list[str]]:
    """Names per column: synthetic by ``runs/multilingual/split.json``, real English's held-out
    speakers by the trainer's split, real speech round-robin over its languages."""
    from audioface.evaluate.corpus import find_items

    split = json.loads((SYNTH / "split.json").read_text())
    items = [it for it in find_items(REAL_ENGLISH) if it.text]
    held = sorted(it.name for it in wp.chosen(items, wp.HeadConfig())[1])
    by_lang: dict[str, list[str]] = {}
    for row in _speech_rows():
        by_lang.setdefault(row["lang"], []).append(row["id"])
    speech, k = [], 0
    while len(speech) < real and any(k < len(v) for v in by_lang.values()):
        speech += [f"mls-{v[k]}" for v in by_lang.values() if k < len(v)][: real - len(speech)]
        k += 1
    return {"held": _spread(sorted(split["held_out"]), limit), "unseen": sorted(split["unseen"]),
            "english": _spread(held, real), "speech": speech}  # fmt: skip


def _speech_rows() -> list[dict]:
    with open(SPEECH / "manifest.tsv", encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def _speech_label(row: dict) -> np.ndarray:
    """50 Hz classes of one real utterance's transcript aligned in its own language."""
    import audioface
    from audioface.audio import load_audio

    sound = load_audio(SPEECH / row["audio"])
    track = audioface.animate(sound, row["text"], language=row["lang"], jobs=1).track
    runs = ((PHONE_INDEX.get(re.sub(r"\d", "", ph.phone), wp.IGNORE) if word.origin == "transcript"
             else wp.IGNORE, ph.start, ph.end) for word in track.words for ph in word.phones)  # fmt: skip
    return wp.labels_50hz(runs, sound.duration)


def _speech_job(row: dict) -> None:
    path = WORK / "cache" / f"mls-{row['id']}.labels.npy"
    if not path.exists():
        np.save(path, _speech_label(row))


def prepare(sets: dict[str, list[str]]) -> None:
    """Labels, both encoders' frames (and tiny.en's on 30 s windows) and the aligner's posteriors
    of every eval name, cached in ``WORK/cache`` beside the trainer's."""
    from audioface.evaluate.corpus import find_items
    from audioface.language.align import acoustic
    from audioface.parallel import parallel_map

    cache = WORK / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    rows = [r for r in _speech_rows() if f"mls-{r['id']}" in set(sets["speech"])]
    parallel_map(_speech_job, rows, 2)  # before any Whisper loads here
    english = [it for it in find_items(REAL_ENGLISH) if it.name in set(sets["english"])]
    wp.prepare(english, cache, 2, "tiny.en", MIN_FRAMES)
    wp.prepare_synthetic(SYNTH, sets["held"] + sets["unseen"], cache, "tiny.en", MIN_FRAMES)
    names = [n for v in sets.values() for n in v]
    loaders = [(n, samples_of_cached(n)) for n in names]
    wp.encode_all(loaders, cache, "base", MIN_FRAMES)
    wp.encode_all(loaders, cache, "tiny.en", MIN_FRAMES)
    wp.encode_all(loaders, cache, "tiny.en", None)
    model = acoustic.load()
    for name, load in loaders:
        path = cache / f"{name}.aligner.npy"
        if not path.exists():
            np.save(path, _aligner(model, load()).astype(np.float16))


_SAMPLES: dict = {}


def samples_of_cached(name: str):
    """A loader of the 16 kHz samples of an eval name (the manifests read once)."""
    if not _SAMPLES:
        from audioface.audio import load_audio
        from audioface.evaluate.corpus import find_items

        specs = {s["name"]: s for s in json.loads((SYNTH / "specs.json").read_text())}
        rows = {f"mls-{r['id']}": SPEECH / r["audio"] for r in _speech_rows()}
        items = {it.name: it.audio for it in find_items(REAL_ENGLISH)}
        _SAMPLES.update(specs=specs, rows=rows, items=items, load=load_audio)
    s = _SAMPLES
    if name in s["specs"]:
        return lambda: wp.synthetic_audio(s["specs"][name])[0]
    path = s["rows"].get(name) or s["items"][name]
    return lambda: s["load"](path).samples


def _aligner(model, samples: np.ndarray) -> np.ndarray:
    """The aligner's phone model's log posteriors (100 Hz), its classes in PHONES' order."""
    from audioface.audio.mel import log_mel

    out = model.log_posteriors(log_mel(np.asarray(samples, np.float32)))
    return out[:, [model.index[p] for p in PHONES]]


# ---------------------------------------------------------------- CPU per second of audio


def timing(names: list[str], heads: dict[str, Path]) -> dict[str, float]:
    """CPU seconds (all threads) per second of audio of each ear: encoder + head, or log-mel +
    the aligner's model; measured on ``names`` one at a time."""
    from audioface.language.align import acoustic
    from audioface.language.recognize.whisper_phones import PhoneHead, encode

    audio = [samples_of_cached(n)() for n in names]
    seconds = sum(len(a) for a in audio) / 16000
    aligner = acoustic.load()
    ears = {"aligner": lambda a: _aligner(aligner, a)}
    for label, (encoder, frames, head) in {
        "tiny.en@10s": ("tiny.en", MIN_FRAMES, heads["H-tiny"]),
        "base@10s": ("base", MIN_FRAMES, heads["H-base"]),
        "tiny.en@30s": ("tiny.en", None, SHIPPED),
    }.items():  # fmt: skip
        model, h = wp.load_encoder(encoder), PhoneHead(head)
        ears[label] = lambda a, model=model, h=h, frames=frames: h.log_posteriors(encode(a, model, frames))
    out = {}
    for label, ear in ears.items():
        ear(audio[0])  # warm
        t0 = time.process_time()
        for a in audio:
            ear(a)
        out[label] = round((time.process_time() - t0) / seconds, 4)
    return out


# ---------------------------------------------------------------- the table


def _scores(pred: np.ndarray, labels: np.ndarray) -> tuple[int, int, int]:
    n = min(len(pred), len(labels))
    pred, labels = pred[:n], labels[:n]
    keep = (labels != wp.IGNORE) & (labels != PHONE_INDEX["sil"])
    p, y = pred[keep], labels[keep]
    return int((p == y).sum()), int((VISEME[p] == VISEME[y]).sum()), int(keep.sum())


def ears(heads: dict[str, Path]) -> dict:
    """Each row's argmax classes of one cached name at 50 Hz."""
    from audioface.language.recognize.whisper_phones import PhoneHead

    cache = WORK / "cache"
    loaded = {k: PhoneHead(p) for k, p in heads.items() if p.is_file()}

    def head(key: str, suffix: str):
        def run(name: str) -> np.ndarray:
            x = np.load(cache / f"{name}.{suffix}.npy").astype(np.float32)
            return loaded[key].log_posteriors(x).argmax(-1)

        return run

    rows = {"aligner phone model": lambda n: np.load(cache / f"{n}.aligner.npy")[::2].argmax(-1)}
    tiny, base = wp.encoded_name("tiny.en", MIN_FRAMES), wp.encoded_name("base", MIN_FRAMES)
    rows["shipped tiny.en head"] = head("shipped", tiny)
    rows["shipped tiny.en head @30s"] = head("shipped", wp.encoded_name())
    if "H-tiny" in loaded:
        rows["H-tiny"] = head("H-tiny", tiny)
    if "H-base" in loaded:
        rows["H-base"] = head("H-base", base)
    return rows


def table(sets: dict[str, list[str]], heads: dict[str, Path], cpu: dict | None) -> str:
    cache = WORK / "cache"
    labels = {n: np.load(cache / f"{n}.labels.npy") for v in sets.values() for n in v}
    cpu_of = {"aligner phone model": "aligner", "shipped tiny.en head": "tiny.en@10s",
              "shipped tiny.en head @30s": "tiny.en@30s", "H-tiny": "tiny.en@10s",
              "H-base": "base@10s"}  # fmt: skip
    head = "| ear | " + " | ".join(f"{COLUMNS[c]} acc / vis" for c in sets) + " | CPU s per s |"
    lines = [head, "|" + "---|" * (len(sets) + 2)]
    for row, run in ears(heads).items():
        cells = []
        for names in sets.values():
            hit, vis, n = np.sum([_scores(run(name), labels[name]) for name in names], axis=0)
            cells.append(f"{hit / max(n, 1):.3f} / {vis / max(n, 1):.3f}")
        cost = (cpu or {}).get(cpu_of[row])
        lines.append(f"| {row} | " + " | ".join(cells) + f" | {cost if cost is not None else '-'} |")
    counts = ", ".join(f"{COLUMNS[c]} {len(v)}" for c, v in sets.items())
    note = "Frames labelled sil (and words the aligner only estimated) left out."
    return "\n".join(lines) + f"\n\nItems: {counts}. {note}\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--prepare", action="store_true", help="make the eval caches and CPU figures")
    parser.add_argument("--timing-items", type=int, default=24)
    args = parser.parse_args(argv)
    heads = {"shipped": SHIPPED, "H-tiny": WORK / "h-tiny" / "whisper-phones.onnx",
             "H-base": WORK / "h-base" / "whisper-phones.onnx"}  # fmt: skip
    sets_path = WORK / "eval.json"
    if args.prepare or not sets_path.is_file():
        sets_path.parent.mkdir(parents=True, exist_ok=True)
        sets_path.write_text(json.dumps(eval_sets(), indent=1))
    sets = json.loads(sets_path.read_text())
    if args.prepare:
        prepare(sets)
        if all(p.is_file() for p in heads.values()):
            picks = [n for v in sets.values() for n in _spread(v, args.timing_items // len(sets))]
            (WORK / "cpu.json").write_text(json.dumps(timing(picks, heads), indent=1))
    cpu = json.loads((WORK / "cpu.json").read_text()) if (WORK / "cpu.json").is_file() else None
    text = table(sets, heads, cpu)
    (WORK / "table.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
