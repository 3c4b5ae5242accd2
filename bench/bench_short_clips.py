#!/usr/bin/env python3
"""Short clips without a transcript: Whisper's words, the phones heard, and the default between them.

On a word or two Whisper often cannot tell the language, and tiny.en invents English for what it
cannot follow ("allume" -> "I will"), so the default (``--asr auto``, no ``--language``) hears
a clip with under ``recognizers.SHORT_SPEECH_S`` of speech as phones where Whisper was not sure
of its words (``recognizers.SURE_LOGPROB``). This measures that choice on real speech in other
languages (``../shared/data/multilingual-speech``, references as ``bench_multilingual_real.py``
makes them: each transcript aligned in its own language):

- ``cut``: every word of 0.3 s or more of the held-out speakers' utterances, cut out with 0.15 s
  on each side (``--margin``; the reference phones inside it);
- ``whole``: every recording of the corpus with under 1.5 s of speech (one-word commands), whole.

For each clip: events shown (metrics.md) with Whisper's words (``--asr whisper``), with the
phones heard (``--asr phonetic``) and the default; and the rule's threshold swept over Whisper's
own log-probability, so the figures in ``recognizers.py`` can be checked and re-chosen.

    python3 bench/bench_short_clips.py [--refs runs/multilingual-real/refs] [--jobs 2] [--limit N]
        [--margin 0.15]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_multilingual_real import DATA, reference  # noqa: E402

WAYS = {"words": "whisper", "phones": "phonetic", "default": "auto"}
MARGIN = 0.15  # s kept on each side of a cut word
MIN_WORD = 0.3  # s: shorter words are not cut out alone
WHOLE_UNDER = 1.5  # s of speech under which a whole recording is a short clip


def clips(item, refs: Path, held: bool, margin: float = MARGIN) -> list[tuple[str, np.ndarray, list]]:
    """(kind, samples, reference phones) of one item's short clips (``held``: its speaker is
    held out, so its words are cut out too, with ``margin`` seconds kept on each side)."""
    from audioface.audio import detect_activity, load_audio
    from audioface.formats.phones import read_phones

    sound = load_audio(item.audio)
    path, _ = reference(item, sound, refs)
    ref = read_phones(path, "ipa")
    out = []
    if sum(b - a for a, b in detect_activity(sound).regions()) < WHOLE_UNDER:
        out.append(("whole", sound.samples, ref))
    if held:
        for w in json.loads(path.read_text(encoding="utf-8"))["words"]:
            if w["end"] - w["start"] < MIN_WORD:
                continue
            a, b = max(0.0, w["start"] - margin), min(sound.duration, w["end"] + margin)
            inside = [p for p in ref if p.end > w["start"] and p.start < w["end"]]
            phones = [replace(p, start=max(p.start, a) - a, end=min(p.end, b) - a) for p in inside]
            out.append(("cut", sound.samples[int(a * 16000) : int(b * 16000)], phones))
    return out


def measure(job) -> list[dict]:
    """Each way's events shown on each of the item's clips, and Whisper's log-probability."""
    import audioface
    from audioface.audio import Audio, detect_activity
    from audioface.evaluate.lipsync import score_lipsync
    from audioface.language.recognize import whisper
    from audioface.language.recognize.segments import mean_logprob

    item, refs, held, margin = job
    rows = []
    for kind, samples, phones in clips(item, refs, held, margin):
        row = {"item": item.name, "language": item.language, "kind": kind}
        for way, asr in WAYS.items():
            anim = audioface.animate(samples, None, sample_rate=16000, jobs=1, asr=asr)
            result = score_lipsync(anim.weights, anim.fps, phones, anim.names)
            row[way], row["scored"] = sum(result.hits.values()), sum(result.scored.values())
        speech = detect_activity(Audio(samples)).regions()
        row["speech"] = sum(b - a for a, b in speech)
        row["logprob"] = mean_logprob(whisper.transcribe(samples, None, speech, None))
        rows.append(row)
    return rows


def report(rows: list[dict]) -> None:
    for kind in ("cut", "whole"):
        rs = [r for r in rows if r["kind"] == kind]
        if not rs:
            continue
        shown = ", ".join(f"{way} {sum(r[way] for r in rs)}" for way in WAYS)
        print(f"{kind}: {len(rs)} clips, {sum(r['scored'] for r in rs)} events; shown with {shown}")
        short = [r for r in rs if r["speech"] < WHOLE_UNDER]
        sweep = [f"{t}: {_kept(short, t)}" for t in (-0.6, -0.7, -0.8, -0.9, -1.0)]
        sweep_text = ", ".join(sweep)
        print(f"  under {WHOLE_UNDER} s of speech ({len(short)}), words kept from logprob {sweep_text}")


def _kept(rows: list[dict], threshold: float) -> int:
    """Events shown where Whisper's words stand from ``threshold`` on and the phones below it."""
    sure = [r["logprob"] is not None and r["logprob"] >= threshold for r in rows]
    return sum(r["words"] if ok else r["phones"] for r, ok in zip(rows, sure, strict=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--refs", type=Path, default=Path("runs/multilingual-real/refs"))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--limit", type=int, help="only the first N items that have short clips")
    parser.add_argument(
        "--margin", type=float, default=MARGIN, help="seconds kept on each side of a cut word"
    )
    args = parser.parse_args()
    from audioface.evaluate.corpus import find_items
    from audioface.training.multilingual_real import held_out_names

    args.refs.mkdir(parents=True, exist_ok=True)
    held = held_out_names()
    jobs = [
        (it, args.refs, it.name in held, args.margin)
        for it in find_items(DATA)
        if (it.language or "en") != "en"
    ]
    with mp.get_context("spawn").Pool(args.jobs) as pool:
        rows = [r for rs in pool.imap(measure, jobs[: args.limit] if args.limit else jobs) for r in rs]
    report(rows)


if __name__ == "__main__":
    main()
