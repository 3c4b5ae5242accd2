#!/usr/bin/env python3
"""How fast the preview renders, as a multiple of real time, on one core and on all; and the
whole `audioface preview` command as a user runs it (start-up and language stage included).

The animation is computed once; each job renders the same preview (640 x 640,
30 fps, with audio) in a fresh process. The one-core run is the baseline. The whole
command then runs on passages of corpus/dev recordings (natural voices, as the other
benches) with their transcripts, each length in a fresh process, against the passage's
own duration (real time = 1x).

    python3 bench/bench_preview.py [--seconds 30] [--passages 10,30,60]
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
    parser.add_argument("--passages", default="10,30,60", help="whole-command passage lengths, seconds")
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
    for seconds in (float(x) for x in args.passages.split(",")):
        whole_command(seconds)


def whole_command(seconds: float) -> None:
    """`audioface preview PASSAGE --text-file ...` in a fresh process, timed from outside, on the
    same passages as the other benches (the corpus's natural voices, whole items)."""
    import subprocess
    import sys

    import soundfile as sf

    samples, text = make_speech(seconds)
    total = len(samples) / 16000
    with tempfile.TemporaryDirectory() as tmp:
        audio, words = Path(tmp) / "passage.wav", Path(tmp) / "passage.txt"
        sf.write(audio, samples, 16000)
        words.write_text(text)
        cmd = [sys.executable, "-m", "audioface", "preview", str(audio), "--text-file", str(words),
               "-o", str(Path(tmp) / "p.mp4"), "-q"]  # fmt: skip
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True)
        wall = time.perf_counter() - t0
    print(f"whole command on {total:.1f} s with its transcript: {wall:.2f} s, {total / wall:.1f}x real time")


if __name__ == "__main__":
    main()
