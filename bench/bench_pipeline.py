#!/usr/bin/env python3
"""Real-time factor and peak memory of the pipeline on 60 s of speech.

Each measurement runs in a fresh process (so peak RSS is its own) on the same
60 s recording, built from the committed test recordings. The baseline is the
same job on one core (``jobs=1``), measured in the same run, so the printed
ratios say what the second core buys regardless of how fast this machine is.

    python3 bench/bench_pipeline.py [--seconds 60]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import time
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parent.parent / "corpus" / "dev"


def make_speech(seconds: float) -> tuple[np.ndarray, str]:
    from audioface.audio import load_audio

    pieces, texts, total = [], [], 0.0
    names = sorted(p.stem for p in DATA.glob("*.wav"))
    while total < seconds:
        for name in names:
            a = load_audio(DATA / f"{name}.wav")
            pieces.append(a.samples)
            texts.append((DATA / f"{name}.txt").read_text().strip())
            total += a.duration
            if total >= seconds:
                break
    return np.concatenate(pieces)[: int(seconds * 16000)], " ".join(texts)


def _measure(samples: np.ndarray, text: str | None, jobs: int, queue) -> None:
    import audioface

    audio = audioface.audio.Audio(samples)
    t0 = time.perf_counter()
    anim = audioface.animate(audio, text, jobs=jobs)
    elapsed = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    rss_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    queue.put((elapsed, rss / 1024, rss_children / 1024, len(anim.track.words)))


def measure(samples, text, jobs):
    ctx = mp.get_context("spawn")  # a clean process: its peak memory is this job's alone
    queue = ctx.Queue()
    proc = ctx.Process(target=_measure, args=(samples, text, jobs, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    samples, text = make_speech(args.seconds)
    duration = len(samples) / 16000
    print(f"audio: {duration:.1f} s of speech; {mp.cpu_count()} cores")
    print("peak MB: main process / largest worker process (ru_maxrss)")
    print(f"{'mode':<22}{'jobs':>5}{'seconds':>9}{'RTF':>8}{'peak MB':>13}{'words':>7}{'vs 1 core':>11}")
    for label, t in (("with transcript", text), ("without transcript", None)):
        base = measure(samples, t, 1)
        both = measure(samples, t, 2)
        for jobs, (sec, mb, mb_worker, words) in ((1, base), (2, both)):
            ratio = base[0] / sec
            mem = f"{mb:.0f} / {mb_worker:.0f}"
            print(f"{label:<22}{jobs:>5}{sec:>9.2f}{sec / duration:>8.3f}{mem:>13}{words:>7}{ratio:>10.2f}x")


if __name__ == "__main__":
    main()
