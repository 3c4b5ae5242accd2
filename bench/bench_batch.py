#!/usr/bin/env python3
"""Short lines in bulk: `audioface batch` on N files against N separate `audioface animate`
processes, as a studio would otherwise script it. Both sides write Live Link CSVs of the same
recordings (the development corpus's lines, with their transcripts); the ratio is the batch's
throughput over the separate processes', measured in the same run.

    python3 bench/bench_batch.py [--files 60]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "corpus" / "dev"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--files", type=int, default=60)
    args = parser.parse_args()
    names = sorted(p.stem for p in CORPUS.glob("*.wav"))
    with tempfile.TemporaryDirectory() as tmp:
        lines = Path(tmp) / "lines"
        lines.mkdir()
        for k in range(args.files):
            name = names[k % len(names)]
            shutil.copy(CORPUS / f"{name}.wav", lines / f"line{k:03d}.wav")
            shutil.copy(CORPUS / f"{name}.txt", lines / f"line{k:03d}.txt")
        audio_s = sum(len(open(p, "rb").read()) - 44 for p in lines.glob("*.wav")) / 32000
        t0 = time.perf_counter()
        for wav in sorted(lines.glob("*.wav")):
            subprocess.run([sys.executable, "-m", "audioface", "animate", str(wav), "--text-file",
                            str(wav.with_suffix(".txt")), "-o", str(Path(tmp) / f"{wav.stem}.csv"), "-q"],
                           check=True)  # fmt: skip
        separate = time.perf_counter() - t0
        t0 = time.perf_counter()
        out = str(Path(tmp) / "out")
        cmd = [sys.executable, "-m", "audioface", "batch", str(lines), "--out", out, "-q"]
        subprocess.run(cmd, check=True)
        batch = time.perf_counter() - t0
    print(f"{args.files} files, {audio_s:.0f} s of speech, with transcripts, 2 cores")
    print(f"{'run':<24}{'seconds':>9}{'files/s':>9}{'RTF':>8}{'throughput':>12}")
    for label, secs in (("separate processes", separate), ("audioface batch", batch)):
        print(
            f"{label:<24}{secs:>9.1f}{args.files / secs:>9.2f}{secs / audio_s:>8.3f}{separate / secs:>11.2f}x"
        )


if __name__ == "__main__":
    main()
