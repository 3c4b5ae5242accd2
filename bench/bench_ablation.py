#!/usr/bin/env python3
"""Ablation: what each part of the generator buys, on the same recordings, in one process.

Rows: the rules with the transcript (the baseline), the learned model with the
transcript's aligned phones, both again with recognised words instead of a
transcript, the learned model on the audio alone, and the causal streaming model
fed in 20 ms chunks with its speech gate, alone and told the words ahead.
Figures are metrics.md's (lip-sync score,
correlation at lag 0, lag, movement ratio) and speed as seconds of compute per
second of audio on one core, with its ratio to the rules.

    python3 bench/bench_ablation.py                       # corpus/dev and ../shared/data/emur-ae
    python3 bench/bench_ablation.py --corpus my_corpus --phoneset timit
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from audioface.audio import load_audio
from audioface.evaluate import find_items, score_lipsync
from audioface.evaluate.lipsync import movement_ratio
from audioface.evaluate.runner import Task, run
from audioface.evaluate.summary import summarize
from audioface.formats.phones import read_phones
from audioface.motion.generators import LIVE
from audioface.streaming import StreamAnimator

ROOT = Path(__file__).resolve().parent.parent
CORPORA = [(ROOT / "corpus" / "dev", "auto"), (ROOT.parent / "shared" / "data" / "emur-ae", "sampa")]
# (label, generator, pipeline mode); what each generator hears comes from the registry
ROWS = [("rules + transcript", "rules", "transcript"),
        ("learned + transcript", "learned", "transcript"),
        ("rules, recognised words", "rules", "recognized"),
        ("learned, recognised words", "learned", "recognized"),
        ("learned, audio only", "learned-audio", "transcript")]  # fmt: skip


def stream_row(items, phoneset: str, fps: float = 60.0, chunk_ms: float = 20.0, told: bool = False) -> dict:
    """The live path in chunks, the speech gate on as a microphone needs; ``told``: the
    transcript given ahead, as a voice agent's TTS text would be."""
    results, seconds, duration = [], 0.0, 0.0
    for item in items:
        sound = load_audio(item.audio)
        stream = StreamAnimator(LIVE, fps=fps, gate=True, text=item.text if told else None)
        chunk = int(chunk_ms / 1000 * sound.sample_rate)
        t0 = time.perf_counter()
        frames = stream.run(sound.samples, chunk)
        seconds += time.perf_counter() - t0
        duration += sound.duration
        results.append(score_lipsync(frames, fps, read_phones(item.phones, phoneset)))
    return {
        "score": float(np.mean([r.score for r in results])),
        "correlation": float(np.mean([r.correlation for r in results])),
        "lag_ms": float(np.mean([r.lag_ms for r in results])),
        "movement_ratio": movement_ratio(results),
        "rtf": seconds / duration,
        "latency_ms": stream.latency * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", help="one corpus folder instead of the default two")
    parser.add_argument("--phoneset", default="auto")
    args = parser.parse_args()
    corpora = [(Path(args.corpus), args.phoneset)] if args.corpus else [c for c in CORPORA if c[0].is_dir()]
    print("| corpus | generator | score | correlation | lag ms | movement | compute / audio (1 core) "
          "| vs rules |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    for folder, phoneset in corpora:
        items = [it for it in find_items(folder) if it.phones is not None and it.text]
        rows = {}
        for label, generator, mode in ROWS:
            base_task = Task(items[0], mode, phoneset=phoneset)
            tasks = [replace(base_task, item=it, generator=generator) for it in items]
            rows[label] = summarize(run(tasks, jobs=1))[mode]
        rows["streaming (20 ms chunks)"] = stream_row(items, phoneset)
        rows["streaming, told the words"] = stream_row(items, phoneset, told=True)
        base = rows["rules + transcript"]["rtf"]
        for label, row in rows.items():
            print(f"| {folder.name} | {label} | {row['score']:.3f} | {row['correlation']:.3f} | "
                  f"{row['lag_ms']:.0f} | {row['movement_ratio']:.2f} | {row['rtf']:.4f} | "
                  f"{row['rtf'] / base:.2f}x |", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
