#!/usr/bin/env python3
"""60 s without a transcript, with each recogniser: whole-process time, RTF and peak memory.

Each row runs ``audioface animate FILE.wav -o OUT.csv --asr MODE`` as its own process, as a
user runs it (start-up, model loading and writing included), on the same 60 s recording built
from the development corpus. The baseline is pocketsphinx (``--asr words``), run in the same
invocation, so the ratios hold whatever the machine. Peak memory is the largest process of the
run (the main process or one alignment worker).

    python3 bench/bench_recognizers.py [--seconds 60] [--url http://127.0.0.1:8000]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import soundfile as sf
from common import make_speech


def run(wav: Path, out: Path, mode: str, url: str | None) -> dict:
    cmd = [sys.executable, "-m", "audioface", "animate", str(wav), "-o", str(out), "-q", "--asr", mode]
    if url:
        cmd += ["--asr-url", url]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    res = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if res.returncode != 0:
        raise SystemExit(f"{mode}: {res.stderr.strip()}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"seconds": seconds, "peak_mb": max(peak, before) / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--url", help="also time an OpenAI-compatible endpoint at this base URL")
    args = parser.parse_args()
    samples, _ = make_speech(args.seconds)
    duration = len(samples) / 16000
    modes = ["words", "whisper"] + (["openai"] if args.url else [])
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "speech.wav"
        sf.write(wav, samples, 16000)
        print(f"audio: {duration:.1f} s, no transcript; whole process, 2 cores")
        print(f"{'recogniser':<12}{'seconds':>9}{'RTF':>8}{'peak MB':>9}{'vs words':>10}")
        base = None
        for mode in modes:
            r = run(wav, Path(tmp) / f"{mode}.csv", mode, args.url if mode == "openai" else None)
            base = base or r["seconds"]
            print(f"{mode:<12}{r['seconds']:>9.2f}{r['seconds'] / duration:>8.3f}{r['peak_mb']:>9.0f}"
                  f"{base / r['seconds']:>9.2f}x", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
