#!/usr/bin/env python3
"""Synthesise a lip-sync corpus whose true phone timings are known.

Each engine reports its own phone timings: flite (``-psdur``), festival (the
utterance's Segment relation, from a Scheme script) and espeak-ng (phoneme
events of libespeak-ng, through ctypes). Every sentence is synthesised on its
own and sentences are joined with silences of known length, so each item's
timeline is exact. Each sentence is verified (the timeline ends within 50 ms of
the audio; pauses are quiet) and an item with a failing sentence is dropped and
reported. Engines that are not installed are skipped. Needs Debian's
``flite``, ``festival festvox-kallpc16k festvox-us-slt-hts`` and/or ``espeak-ng``.

    python3 tools/make_corpus.py corpus/dev            # the committed development corpus
    python3 tools/make_corpus.py --example examples     # the bundled example
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from audioface.training.synth import RATE, available, make_item, write_item

SENTENCES = [
    "Peter bought a muffin from the bakery.", "Move over, the boat will leave at five.",
    "The weather was mild, and the streets were quiet.", "We walked home over the bridge before noon.",
    "My brother paid three dollars for a bowl of soup.", "Fifteen people moved to the village of Bamford.",
    "Bob made a map of the farm.", "Who knew that you would go?",
    "Please pass me the blue paper.", "Father saw a huge wave on the ocean.",
    "Five vivid voices offered a view of the valley.", "The cat sat on the mat with a hat.",
    "Mom baked apple pie for my birthday.", "We were waiting for Woody at the window.",
    "Thank you for the thoughtful gift.", "Her shoes were wet from the morning dew.",
    "Open the box and pull out the pumpkin.", "A big bumble bee buzzed by the fountain.",
    "Few of them knew the way to the zoo.", "Bright lights shone above the harbour.",
    "Many women whispered while waiting.", "Put the food back in the oven.",
    "I often visit my aunt in Oklahoma.", "The lazy dog barked at a passing bus.",
]  # fmt: skip

# (item name, engine, voice)
VOICES = [
    ("flite", "slt"), ("flite", "awb"), ("flite", "rms"),
    ("festival", "cmu_us_slt_arctic_hts"), ("festival", "kal_diphone"),
    ("espeak", "en-us"), ("espeak", "en"), ("espeak", "en-us+f3"), ("espeak", "en-029"),
]  # fmt: skip

EXAMPLE = ("flite", "slt", ["Hello! My name is Amber, and I bring your avatars to life.",
                            "Every word moves my lips, just as you would expect."])  # fmt: skip


def build_corpus(folder: Path, per_voice: int) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    made, k = [], 0
    for engine, voice in VOICES:
        if not available(engine):
            print(f"skip {engine}: not installed", file=sys.stderr)
            continue
        for _ in range(per_voice):
            sentences = [SENTENCES[k % len(SENTENCES)], SENTENCES[(k + 1) % len(SENTENCES)]]
            k += 2
            short = voice.replace("+", "_").replace("cmu_us_", "").replace("_arctic_hts", "")
            name = f"{engine}_{short}_{k // 2:02d}"
            try:
                audio, timeline = make_item(engine, voice, sentences, [0.45, 0.25])
            except (RuntimeError, subprocess.SubprocessError, OSError) as exc:
                print(f"drop {name}: {exc}", file=sys.stderr)
                continue
            write_item(folder, name, audio, timeline, " ".join(sentences))
            made.append((name, engine, voice, len(audio) / RATE))
    lines = ["# Development corpus", "", "Made by `tools/make_corpus.py`; do not edit by hand.", "",
             "| item | engine | voice | seconds |", "|---|---|---|---|"]  # fmt: skip
    lines += [f"| {n} | {e} | {v} | {s:.2f} |" for n, e, v, s in made]
    (folder / "README.md").write_text("\n".join(lines) + "\n")
    print(f"{len(made)} items in {folder}", file=sys.stderr)
    return len(made)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("folder", type=Path)
    parser.add_argument("--per-voice", type=int, default=2, help="items per voice (default 2)")
    parser.add_argument("--example", action="store_true", help="make the bundled example instead")
    args = parser.parse_args()
    if args.example:
        args.folder.mkdir(parents=True, exist_ok=True)
        engine, voice, sentences = EXAMPLE
        audio, timeline = make_item(engine, voice, sentences, [0.3, 0.2])
        write_item(args.folder, "hello", audio, timeline, " ".join(sentences))
        return
    if build_corpus(args.folder, args.per_voice) == 0:
        raise SystemExit("no item could be made: install flite, festival or espeak-ng")


if __name__ == "__main__":
    main()
