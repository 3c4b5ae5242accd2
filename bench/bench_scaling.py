#!/usr/bin/env python3
"""How the pipeline's time grows with audio length, per mode, and what the second core buys.

For each mode (transcript, recognised words, phonetic) it times 10 s, 60 s and
10 min of speech on both cores, each in a fresh process, and prints the
real-time factor and peak memory. Two ratios come from baselines measured in
the same run: time per audio second relative to the 60 s run (1.0 means
linear growth), and the 60 s run on one core over the same on two.

    python3 bench/bench_scaling.py [--lengths 10,60,600]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import platform

from common import make_speech, measure

MODES = {"transcript": ("words", True), "recognized": ("words", False), "phonetic": ("phonetic", False)}


def row(mode: str, seconds_audio: float, jobs: int, r: dict, vs_60: str = "", vs_1: str = "") -> str:
    mem = f"{r['main_mb']:.0f} / {r['worker_mb']:.0f}"
    rtf = r["seconds"] / seconds_audio
    timing = f"{seconds_audio:>9.0f}{jobs:>5}{r['seconds']:>9.2f}{rtf:>8.3f}"
    return f"{mode:<12}{timing}{mem:>13}{vs_60:>9}{vs_1:>11}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lengths", default="10,60,600", help="audio lengths in seconds")
    parser.add_argument("--modes", default=",".join(MODES))
    args = parser.parse_args()
    lengths = [float(x) for x in args.lengths.split(",")]
    machine = platform.processor() or platform.machine()
    print(f"machine: {machine}, {mp.cpu_count()} cores, Python {platform.python_version()}")
    head = f"{'audio s':>9}{'jobs':>5}{'seconds':>9}{'RTF':>8}{'peak MB':>13}{'vs 60 s':>9}{'vs 1 core':>11}"
    print(f"{'mode':<12}{head}")
    for mode in args.modes.split(","):
        asr, with_text = MODES[mode]
        runs, sizes, speech = {}, {}, {}
        for length in lengths:
            samples, text = speech[length] = make_speech(length)
            sizes[length] = len(samples) / 16000
            runs[length] = measure(samples, text if with_text else None, asr, jobs=2)
        base = 60.0 if 60.0 in runs else lengths[0]
        base_rtf = runs[base]["seconds"] / sizes[base]
        samples, text = speech[base]
        one_core = measure(samples, text if with_text else None, asr, jobs=1)
        for length, r in runs.items():
            growth = r["seconds"] / sizes[length] / base_rtf
            print(row(mode, sizes[length], 2, r, vs_60=f"{growth:.2f}x"))
        speedup = one_core["seconds"] / runs[base]["seconds"]
        print(row(mode, sizes[base], 1, one_core, vs_1=f"{speedup:.2f}x"))


if __name__ == "__main__":
    main()
