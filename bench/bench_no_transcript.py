#!/usr/bin/env python3
"""Without a transcript, as a user runs it: whole processes, side by side with Rhubarb Lip Sync.

Each row is one ``audioface animate FILE.wav -o OUT.csv -q`` (start-up, model loading, writing
included) on held-out real English (``../shared/data/real-english``, the speakers the models
never trained on): a minute (utterances joined with 0.3 s pauses until past 60 s) and a line of
about 5 s. Rows: ``--language en`` (told), the default ``--language auto`` (the language check
included), pocketsphinx's words, and the transcript for scale. Rhubarb 1.14 runs in the same
invocation on the same files, plain (``rhubarb -f tsv FILE.wav``; its recogniser is
pocketsphinx, its model English) and with its dialog file, so the ratios hold whatever the
machine's load. Each figure is the median of ``--repeats`` runs, the rows interleaved; peak
memory is the largest resident size of the process or any of its workers.

Rhubarb is not installed by the project: pass its executable with ``--rhubarb``. To build
1.14 from source: ``git clone https://github.com/DanielSWolf/rhubarb-lip-sync`` at tag
``v1.14.0``, ``apt-get install cmake g++ libboost-dev``, then ``cmake -B build -S . &&
cmake --build build --target rhubarb -j2`` (its tests fetch googletest at configure time;
offline, point ``FETCHCONTENT_SOURCE_DIR_GOOGLETEST`` at a stub, and on CMake older than 3.30
wrap its ``cmake_policy(SET CMP0167 OLD)`` in ``if(POLICY CMP0167)``). Rhubarb reads its models
from ``res/sphinx`` beside the binary: ``cmudict-en-us.dict``, ``en-us.lm.bin``,
``en-us-phone.lm.bin`` and ``acoustic-model/``; where a snapshot lacks the large ones, the
``pocketsphinx`` wheel has ``en-us.lm.bin`` (the same file) and a PTM acoustic model
(``model/en-us/en-us``, faster than Rhubarb's own continuous one: the ratios are then, if
anything, against a faster Rhubarb). Or take the release binary for Linux from the project's
releases page.

    python3 bench/bench_no_transcript.py [--rhubarb PATH] [--repeats 3] [--cores 0,1] [--french]

``--french``: a minute of real French (``multilingual-speech``) instead, default (language
heard), told ``--language fr``, and with its transcript: issue 32's bound, RTF <= 0.15.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf

sys.path.insert(0, str(Path(__file__).resolve().parent))

LIMITS = {"minute_vs_rhubarb": 3.0, "line_s": 0.8, "minute_mb": 400.0, "auto_cost": 0.10}
# runs a command and prints its wall time, its CPU time (user + system, its children's included:
# less shaken by other load than wall time) and the peak resident size of it and its children
TIMER = (
    "import resource, subprocess, sys, time\n"
    "t = time.perf_counter()\n"
    "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)\n"
    "took = time.perf_counter() - t\n"
    "if r.returncode: sys.exit(r.stderr[-400:])\n"
    "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(took, u.ru_utime + u.ru_stime, u.ru_maxrss / 1024)\n"
)
# as a user runs it: their install has its bytecode compiled (a shell with PYTHONDONTWRITEBYTECODE
# set would compile every module on every run, a second or more of start-up)
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def material(folder: Path) -> dict[str, tuple[Path, Path, float]]:
    """The minute and the line: name -> (wav, transcript, seconds)."""
    from bench_real_speech import held_out

    from audioface.audio import load_audio

    items = held_out()
    random.Random(11).shuffle(items)
    out, samples, text, t = {}, [], [], 0.0
    for item in items:
        sound = load_audio(item.audio)
        if "line" not in out and 4.5 <= sound.duration <= 5.5:
            out["line"] = _write(folder, "line", [sound.samples], [item.text])
            continue
        samples += [sound.samples, np.zeros(int(0.3 * 16000), np.float32)]
        text.append(item.text)
        t += sound.duration + 0.3
        if t > 60.0 and "minute" not in out:
            out["minute"] = _write(folder, "minute", samples, text)
        if len(out) == 2:
            break
    return out


def french_minute(folder: Path) -> tuple[Path, Path, float]:
    """Real French (``../shared/data/multilingual-speech``, every French utterance in its
    manifest's order) joined with 0.3 s pauses until past 60 s: issue 32's minute of French."""
    import csv

    from audioface.audio import load_audio

    data = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "multilingual-speech"
    with open(data / "manifest.tsv", newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh, delimiter="\t") if r["lang"] == "fr"]
    samples, text, t = [], [], 0.0
    for row in rows:
        sound = load_audio(str(data / row["audio"]))
        samples += [sound.samples, np.zeros(int(0.3 * 16000), np.float32)]
        text.append(row["text"])
        t += sound.duration + 0.3
        if t > 60.0:
            break
    return _write(folder, "french", samples, text)


def french_commands(wav: Path, txt: Path, out: Path, rhubarb: str | None) -> dict[str, list[str]]:
    af = [sys.executable, "-m", "audioface", "animate", str(wav), "-o", str(out), "-q"]
    rows = {"audioface (auto)": af, "audioface --language fr": [*af, "--language", "fr"],
            "audioface + transcript": [*af, "--text-file", str(txt), "--language", "fr"]}  # fmt: skip
    if rhubarb:
        rows["rhubarb plain"] = [rhubarb, "-q", "-f", "tsv", "-o", str(out) + ".tsv", str(wav)]
    return rows


def _write(folder: Path, name: str, samples: list, text: list[str]) -> tuple[Path, Path, float]:
    x = np.concatenate(samples)
    sf.write(folder / f"{name}.wav", x, 16000)
    (folder / f"{name}.txt").write_text(" ".join(text))
    return folder / f"{name}.wav", folder / f"{name}.txt", len(x) / 16000


def commands(wav: Path, txt: Path, out: Path, rhubarb: str | None) -> dict[str, list[str]]:
    af = [sys.executable, "-m", "audioface", "animate", str(wav), "-o", str(out), "-q"]
    rows = {
        "audioface --language en": [*af, "--language", "en"],
        "audioface (auto)": af,
        "audioface --asr words": [*af, "--asr", "words"],
        "audioface + transcript": [*af, "--text-file", str(txt)],
    }
    if rhubarb:
        rows["rhubarb plain"] = [rhubarb, "-q", "-f", "tsv", "-o", str(out) + ".tsv", str(wav)]
        rows["rhubarb + dialog"] = [
            rhubarb,
            "-q",
            "-f",
            "tsv",
            "-d",
            str(txt),
            "-o",
            str(out) + ".tsv",
            str(wav),
        ]
    return rows


def measure(cmd: list[str], cores: str | None) -> tuple[float, float, float]:
    """(wall s, CPU s, peak MB) of one run."""
    pin = ["taskset", "-c", cores] if cores else []
    res = subprocess.run([*pin, sys.executable, "-c", TIMER, *cmd], capture_output=True, text=True, env=ENV)
    if res.returncode:
        raise SystemExit(f"{' '.join(cmd[:6])}...: {res.stderr.strip()[-400:]}")
    took, cpu, mb = res.stdout.split()
    return float(took), float(cpu), float(mb)


def table(name: str, seconds: float, rows: dict[str, list[tuple[float, float]]]) -> dict[str, float]:
    print(f"\n## {name}: {seconds:.1f} s of real speech, no transcript unless said")
    print(f"{'what':<26}{'wall s':>8}{'RTF':>7}{'CPU s':>7}{'peak MB':>9}{'vs rhubarb plain':>18}")
    wall = {k: statistics.median(s for s, _, _ in v) for k, v in rows.items()}
    cpu = {k: statistics.median(c for _, c, _ in v) for k, v in rows.items()}
    peak = {k: max(m for _, _, m in v) for k, v in rows.items()}
    rhubarb = wall.get("rhubarb plain")
    for k in rows:
        ratio = f"{rhubarb / wall[k]:.2f}x faster" if rhubarb else "-"
        print(f"{k:<26}{wall[k]:>8.2f}{wall[k] / seconds:>7.3f}{cpu[k]:>7.2f}{peak[k]:>9.0f}{ratio:>18}")
    return {**{f"wall:{k}": v for k, v in wall.items()}, **{f"cpu:{k}": v for k, v in cpu.items()},
            **{f"mb:{k}": v for k, v in peak.items()}}  # fmt: skip


def verdict(minute: dict, line: dict) -> None:
    auto, told = minute["wall:audioface (auto)"], minute["wall:audioface --language en"]
    print("\n## against issue 33's bounds")
    if "wall:rhubarb plain" in minute:
        ratio = minute["wall:rhubarb plain"] / auto
        print(f"minute vs Rhubarb plain: {ratio:.2f}x (>= {LIMITS['minute_vs_rhubarb']:g}x)")
    print(f"5 s line, default: {line['wall:audioface (auto)']:.2f} s (<= {LIMITS['line_s']:g} s)")
    mb = minute["mb:audioface (auto)"]
    print(f"peak memory on the minute, default: {mb:.0f} MB (<= {LIMITS['minute_mb']:g})")
    for name, d in (("minute", minute), ("line", line)):
        a, t = d["wall:audioface (auto)"], d["wall:audioface --language en"]
        ca, ct = d["cpu:audioface (auto)"], d["cpu:audioface --language en"]
        print(f"language check's cost for English, {name}: wall {(a / t - 1) * 100:+.1f}%, "
              f"CPU {(ca / ct - 1) * 100:+.1f}% (<= 10%)")  # fmt: skip
    del auto, told


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rhubarb", help="Rhubarb Lip Sync 1.14's executable (see above for building it)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cores", default="0,1", help="taskset core list ('' for none)")
    parser.add_argument("--french", action="store_true", help="a minute of real French instead (issue 32)")
    args = parser.parse_args()
    print(f"load before: {os.getloadavg()[0]:.2f} (1 min), {os.cpu_count()} cores, pinned to {args.cores!r}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        figures = {}
        made = {"French minute": french_minute(folder)} if args.french else material(folder)
        for name, (wav, txt, seconds) in made.items():
            make = french_commands if args.french else commands
            rows = make(wav, txt, folder / "out.csv", args.rhubarb)
            got: dict[str, list] = {k: [] for k in rows}
            measure(next(iter(rows.values())), args.cores)  # warm the page cache
            for _ in range(args.repeats):
                for k, cmd in rows.items():
                    got[k].append(measure(cmd, args.cores))
            figures[name] = table(name, seconds, got)
        if args.french:
            rtf = figures["French minute"]["wall:audioface (auto)"] / seconds
            print(f"\n## against issue 32's bound\nFrench minute, default: RTF {rtf:.3f} (<= 0.15)")
        else:
            verdict(figures["minute"], figures["line"])
    print(f"load after: {os.getloadavg()[0]:.2f} (1 min); started {time.strftime('%H:%M')}")


if __name__ == "__main__":
    main()
