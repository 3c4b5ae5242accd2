#!/usr/bin/env python3
"""How fast the preview renders, as a multiple of real time, on one core and on all.

The animation is computed once; each job renders the same preview (640 x 640,
30 fps, with audio) in a fresh process. The one-core run is the baseline.

    python3 bench/bench_preview.py [--seconds 30]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import tempfile
import time
from pathlib import Path

from common import in_fresh_process, make_speech


def _render(anim, samples, jobs, queue) -> None:
    from audioface.preview.video import write_preview

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        write_preview([anim], samples, 16000, Path(tmp) / "p.mp4", jobs=jobs)
        queue.put(time.perf_counter() - t0)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args()
    import audioface
    from audioface.audio import Audio

    samples, text = make_speech(args.seconds)
    anim = audioface.animate(Audio(samples), text, fps=30)
    duration = len(samples) / 16000
    print(f"preview of {duration:.1f} s at 640x640, 30 fps; {mp.cpu_count()} cores")
    times = {}
    for jobs in (1, mp.cpu_count()):
        times[jobs] = in_fresh_process(_render, anim, samples, jobs, method="fork")
        speed, gain = duration / times[jobs], times[1] / times[jobs]
        print(f"jobs {jobs}: {times[jobs]:.2f} s, {speed:.1f}x real time, {gain:.2f}x vs 1 core")


if __name__ == "__main__":
    main()
