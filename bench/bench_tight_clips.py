#!/usr/bin/env python3
"""Lines cut tight: real speech trimmed to its first and last sound, against the same recording whole.

Game dialogue and clips cut out of longer takes often start and end inside the speech, so the
activity detection has no pause to measure a noise floor in (``audio/activity.py``). For each
held-out utterance, the reference phones (its transcript aligned: ``bench_real_speech.py`` for
English, ``bench_multilingual_real.py`` in the other languages) give the first and last sound;
the clip between them and the whole recording are animated each way asked for, and the share of
the reference's speech frames the activity detection finds is printed beside the scores.

    python3 bench/bench_tight_clips.py [--ways auto,stream] [--refs runs/mlr-final/refs] [--no-english]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_multilingual_real import DATA, reference  # noqa: E402


def scores(samples: np.ndarray, phones: list, ways: list[str]) -> dict[str, float]:
    """Each way's score on the clip, and the share of the reference's speech frames found."""
    import audioface
    from audioface.audio import Audio, detect_activity
    from audioface.evaluate.lipsync import score_lipsync

    speech = detect_activity(Audio(samples)).speech
    said = np.zeros(len(speech), bool)
    for p in phones:
        if p.phone != "sil":
            said[int(p.start * 100) : int(p.end * 100)] = True
    out = {"found": float(speech[said].mean()) if said.any() else float("nan")}
    for way in ways:
        if way == "stream":
            anim = audioface.animate_stream(Audio(samples)).animation
        else:
            anim = audioface.animate(samples, None, sample_rate=16000, jobs=1, asr=way)
        out[way] = score_lipsync(anim.weights, anim.fps, phones, anim.names).score
    return out


def measure(job) -> dict | None:
    from audioface.audio import load_audio
    from audioface.evaluate.real_speech import aligned_reference
    from audioface.formats.phones import read_phones

    group, item, ways, refs = job
    sound = load_audio(item.audio)
    ref = (
        aligned_reference(item, sound)
        if group == "English"
        else read_phones(reference(item, sound, refs)[0], "ipa")
    )
    said = [p for p in ref if p.phone != "sil"]
    if not said:
        return None
    a, b = said[0].start, said[-1].end
    cut = [
        replace(p, start=max(p.start, a) - a, end=min(p.end, b) - a) for p in ref if p.end > a and p.start < b
    ]
    row = {"group": group}
    row |= {f"whole {k}": v for k, v in scores(sound.samples, ref, ways).items()}
    row |= {
        f"tight {k}": v for k, v in scores(sound.samples[int(a * 16000) : int(b * 16000)], cut, ways).items()
    }
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ways", default="auto", help="asr modes (auto, whisper, phonetic) or stream")
    parser.add_argument("--refs", type=Path, default=Path("runs/multilingual-real/refs"))
    parser.add_argument("--no-english", action="store_true", help="only the other languages")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    from bench_real_speech import held_out

    from audioface.evaluate.corpus import find_items
    from audioface.training.multilingual_real import held_out_names

    ways = args.ways.split(",")
    args.refs.mkdir(parents=True, exist_ok=True)
    held = held_out_names()
    jobs = [("other languages", it, ways, args.refs) for it in find_items(DATA) if it.name in held]
    jobs += [] if args.no_english else [("English", it, ways, args.refs) for it in held_out()]
    with mp.get_context("spawn").Pool(args.jobs) as pool:
        rows = [r for r in pool.imap(measure, jobs) if r]
    columns = [k for k in rows[0] if k != "group"]
    print("| held-out | items | " + " | ".join(columns) + " |")
    print("|---|---|" + "---|" * len(columns))
    for group in dict.fromkeys(r["group"] for r in rows):
        rs = [r for r in rows if r["group"] == group]
        cells = " | ".join(f"{np.nanmean([r[c] for r in rs]):.3f}" for c in columns)
        print(f"| {group} | {len(rs)} | {cells} |")


if __name__ == "__main__":
    main()
