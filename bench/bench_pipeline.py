#!/usr/bin/env python3
"""Real-time factor and peak memory of the pipeline on 60 s of speech.

Each measurement runs in a fresh process on the same 60 s recording, built
from the development corpus. The baseline is the same job on one core
(``jobs=1``), measured in the same run, so the ratios say what the second core
buys whatever the machine.

    python3 bench/bench_pipeline.py [--seconds 60]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp

from common import make_speech, measure


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
        base = measure(samples, t, jobs=1)
        both = measure(samples, t, jobs=2)
        for jobs, r in ((1, base), (2, both)):
            mem = f"{r['main_mb']:.0f} / {r['worker_mb']:.0f}"
            ratio = base["seconds"] / r["seconds"]
            print(
                f"{label:<22}{jobs:>5}{r['seconds']:>9.2f}{r['seconds'] / duration:>8.3f}{mem:>13}"
                f"{r['words']:>7}{ratio:>10.2f}x"
            )


if __name__ == "__main__":
    main()
