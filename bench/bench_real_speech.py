#!/usr/bin/env python3
"""Real voices: each way of animating against the transcript's own forced alignment.

``../shared/data/real-english`` is real read speech with the text read but no hand-made phone
timings, so the reference for each utterance is its true transcript force-aligned by the
language stage (``audioface.evaluate.real_speech``). Two sets:

- ``--set held-out`` (default): every utterance of the speakers the shipped recipes
  (``models/learned.toml``, ``models/stream-speech.toml``, ``models/stream.toml``) keep out
  of training: 10% of the speakers, whole, by the recipes' seeded split. The models' figures
  are on this set.
- ``--set sample``: one seeded utterance from each of ``--speakers`` speakers (trained on or
  not), the set the recogniser figures of BENCHMARKS.md were measured on.

Reported per group: children up to 12, teens and adults of speechocean762, the selfrec reader.
``--models DIR`` adds the ``learned.onnx`` and ``stream.onnx`` in DIR (for example the models
before a retraining, from git) beside the shipped ones.

    python3 bench/bench_real_speech.py [--set held-out|sample] [--ways rules,learned,audio,stream,...]
"""

from __future__ import annotations

import argparse
import csv
import random
from collections import defaultdict
from pathlib import Path

import numpy as np

from audioface.evaluate.corpus import find_items
from audioface.evaluate.lipsync import EVENTS
from audioface.evaluate.real_speech import Way, score_real_speech

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "real-english"
HOLDOUT, SEED = 0.1, 0  # as in the shipped recipes


def groups() -> dict[str, str]:
    """Speaker -> group."""
    with open(DATA / "speakers.tsv", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    out = {}
    for r in rows:
        age = int(r["age"]) if r.get("age", "").isdigit() else 99
        out[r["speaker"]] = "selfrec" if r["set"] == "selfrec" else ("child" if age <= 12 else "teen/adult")
    return out


def held_out() -> list:
    from audioface.training.split import split

    return split(find_items(DATA), HOLDOUT, SEED)[1]


def sample(n: int, seed: int = 7) -> list:
    by_speaker = defaultdict(list)
    for item in find_items(DATA):
        by_speaker[item.speaker].append(item)
    rng = random.Random(seed)
    speakers = sorted(by_speaker)
    rng.shuffle(speakers)
    return [rng.choice(sorted(by_speaker[s], key=lambda it: it.name)) for s in speakers[:n]]


def ways(names: list[str], models: Path | None) -> list[Way]:
    sets = [("", "learned", "stream")]
    if models is not None:
        sets.append((f" ({models.name})", str(models / "learned.onnx"), str(models / "stream.onnx")))
    out = []
    for name in names:
        if name == "rules":
            out.append(Way("rules + transcript", "rules"))
        elif name in ("auto", "whisper", "words", "phonetic"):
            out.append(Way(f"learned, {name}", "learned", name))
        for tag, learned, stream in sets:
            if name == "learned":
                out.append(Way(f"learned + transcript{tag}", learned))
            elif name == "audio":
                from audioface.motion.generators import hearing_phones, resolve

                out.append(
                    Way(f"learned-audio, phones heard{tag}", hearing_phones(resolve(learned)), "audio")
                )
            elif name == "audio-alone":
                from audioface.motion.generators import resolve, without_phones

                out.append(Way(f"learned, cues empty{tag}", without_phones(resolve(learned)), "audio"))
            elif name == "stream":
                out.append(Way(f"stream, 20 ms chunks, phones heard{tag}", stream, "live"))
            elif name == "stream-alone":
                out.append(Way(f"stream, 20 ms chunks, model alone{tag}", stream, "live-alone"))
            elif name == "stream-text":
                out.append(Way(f"stream, 20 ms chunks, told the words{tag}", stream, "live-text"))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--set", choices=("held-out", "sample"), default="held-out")
    parser.add_argument("--speakers", type=int, default=40, help="for --set sample")
    parser.add_argument("--ways", default="rules,learned,audio,stream",
                        help="any of rules, learned, audio (phones heard), audio-alone (cues empty), "
                        "stream (phones heard), stream-alone, stream-text (told the words ahead), "
                        "whisper, words, phonetic")  # fmt: skip
    parser.add_argument("--models", type=Path, help="a folder with another learned.onnx and stream.onnx")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--limit", type=int, help="only the first N utterances (a quick look)")
    args = parser.parse_args()
    items = held_out() if args.set == "held-out" else sample(args.speakers)
    items = items[: args.limit] if args.limit else items
    group_of = groups()
    item_group = {it.name: group_of.get(it.speaker, "?") for it in items}
    chosen = ways(args.ways.split(","), args.models)
    results = defaultdict(list)
    for res in score_real_speech(items, chosen, args.jobs):
        results[(res.mode, item_group[res.item])].append(res.lipsync)
        results[(res.mode, "all")].append(res.lipsync)
    n_speakers = len({it.speaker for it in items})
    counts = defaultdict(int)
    for g in item_group.values():
        counts[g] += 1
    per_group = ", ".join(f"{g} {n}" for g, n in sorted(counts.items()))
    print(f"{args.set}: {len(items)} utterances, {n_speakers} speakers ({per_group})\n")
    print(f"| way | group | items | score | {' | '.join(EVENTS)} | corr@0 | lag ms |")
    print("|---|---|---|---|" + "---|" * len(EVENTS) + "---|---|")
    labels = [w.label for w in chosen]
    order = sorted(results, key=lambda key: (labels.index(key[0]), key[1] != "all", key[1]))
    for mode, group in order:
        rs = results[(mode, group)]
        recalls = []
        for e in EVENTS:
            hits = sum(r.hits.get(e, 0) for r in rs)
            scored = sum(r.scored.get(e, 0) for r in rs)
            recalls.append(f"{hits / scored:.3f}" if scored else "-")
        score = np.mean([r.score for r in rs])
        corr, lag = np.nanmean([r.correlation for r in rs]), np.nanmean([r.lag_ms for r in rs])
        cells = [mode, group, str(len(rs)), f"{score:.3f}", *recalls, f"{corr:.2f}", f"{lag:.0f}"]
        print("| " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
