#!/usr/bin/env python3
"""Without a transcript on real voices: each recogniser against the transcript's own phones.

``../shared/data/real-english`` is real read speech with the text read but no hand-made phone
timings, so the reference for each utterance is its true transcript force-aligned by the
language stage; each recogniser's animation (no transcript given) is scored against those
phones with the metrics of docs/metrics.md, beside the with-transcript animation itself. The
sample is seeded: one utterance from each of N speakers, reported per group (children up to
12, teens and adults of speechocean762, and the selfrec reader). This measures how much of the
transcript's lip sync each recogniser keeps; hand-labelled sets (emur-ae) are scored by
``audioface evaluate``.

    python3 bench/bench_real_speech.py [--speakers 40] [--modes whisper,words]
"""

from __future__ import annotations

import argparse
import csv
import random
from collections import defaultdict
from pathlib import Path

import numpy as np

from audioface import animate
from audioface.audio import detect_activity, load_audio
from audioface.evaluate import score_lipsync
from audioface.evaluate.lipsync import EVENTS
from audioface.language import build_track
from audioface.track import RefPhone

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "real-english"


def sample(n: int, seed: int = 7) -> list[dict]:
    with open(DATA / "manifest.tsv", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    with open(DATA / "speakers.tsv", newline="") as fh:
        ages = {r["speaker"]: r["age"] for r in csv.DictReader(fh, delimiter="\t")}
    by_speaker = defaultdict(list)
    for row in rows:
        by_speaker[row["speaker"]].append(row)
    rng = random.Random(seed)
    speakers = sorted(by_speaker)
    rng.shuffle(speakers)
    picked = []
    for spk in speakers[:n]:
        row = rng.choice(by_speaker[spk])
        age = int(ages[spk]) if ages.get(spk, "").isdigit() else 99
        row["group"] = "selfrec" if row["set"] == "selfrec" else ("child" if age <= 12 else "teen/adult")
        picked.append(row)
    return picked


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--speakers", type=int, default=40)
    parser.add_argument("--modes", default="whisper,words")
    args = parser.parse_args()
    modes = ["transcript", *args.modes.split(",")]
    results = defaultdict(list)  # (mode, group) -> LipSyncResult
    for row in sample(args.speakers):
        sound = load_audio(DATA / row["audio"])
        track = build_track(sound, detect_activity(sound), row["text"].lower(), jobs=1)
        ref = [RefPhone(p.phone, p.start, p.end, p.stress) for p in track.phones()]
        for mode in modes:
            text = row["text"].lower() if mode == "transcript" else None
            anim = animate(sound, text, asr="auto" if mode == "transcript" else mode, jobs=1)
            res = score_lipsync(anim.weights, anim.fps, ref)
            results[(mode, row["group"])].append(res)
            results[(mode, "all")].append(res)
    print(f"| mode | group | items | score | {' | '.join(EVENTS)} | corr@0 | lag ms |")
    print("|---|---|---|---|" + "---|" * len(EVENTS) + "---|---|")
    for (mode, group), rs in sorted(results.items(), key=lambda kv: (modes.index(kv[0][0]), kv[0][1])):
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
