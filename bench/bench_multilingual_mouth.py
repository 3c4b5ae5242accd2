#!/usr/bin/env python3
"""The mouth models without words, per language: the shipped ones beside a retrained pair.

What a multilingual fine-tune of ``learned`` and ``stream`` must show
(``training/multilingual_mouth.py``): on corpora with exact phone timings, each item is
animated without its words and scored against its reference phones (metrics.md), per language:

- ``audio``: ``--generator learned-audio`` (the phones the language stage hears as the cues);
- ``phonetic``: ``--mode phonetic`` as ``bench_languages.py`` runs it, the model given;
- ``stream``: the live path in 20 ms chunks, hearing phones; ``stream-alone``: the model alone.

Corpora: ``corpus/dev-multilingual`` (12 languages, IPA timings), ``corpus/dev`` (English
synthetic) and ``../shared/data/emur-ae`` (hand-labelled Australian English). ``--models DIR``
adds the ``learned.onnx`` / ``stream.onnx`` in DIR beside the shipped models, in the same run.

    python3 bench/bench_multilingual_mouth.py --models runs/ml-candidate [--ways audio,stream] [-j 2]
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path

import numpy as np

from audioface.evaluate.corpus import find_items
from audioface.evaluate.lipsync import EVENTS, score_lipsync
from audioface.formats.phones import read_phones
from audioface.parallel import parallel_map

ROOT = Path(__file__).resolve().parent.parent
CORPORA = {"dev-multilingual": (ROOT / "corpus" / "dev-multilingual", "auto"),
           "dev": (ROOT / "corpus" / "dev", "auto"),
           "emur-ae": (ROOT.parent / "shared" / "data" / "emur-ae", "sampa")}  # fmt: skip


def _animate(audio, way: str, learned: str, stream: str, language: str | None):
    from audioface.api import animate, animate_stream
    from audioface.motion.generators import hearing_phones, resolve

    if way == "audio":
        return animate(audio, None, jobs=1, generator=hearing_phones(resolve(learned)))
    if way == "phonetic":
        return animate(audio, None, asr="phonetic", jobs=1, generator=learned, language=language or "auto")
    return animate_stream(audio, generator=stream, hear_phones=way == "stream").animation


def score_item(job: tuple) -> list[tuple]:
    """(corpus, language, model tag, way, LipSyncResult) for every way and model of one item."""
    corpus, item, phoneset, ways, models = job
    from audioface.audio import load_audio

    sound = load_audio(item.audio)
    ref = read_phones(item.phones, phoneset)
    out = []
    for tag, learned, stream in models:
        for way in ways:
            anim = _animate(sound, way, learned, stream, item.language)
            out.append((corpus, item.language or "en", tag, way, score_lipsync(anim.weights, anim.fps, ref)))
    return out


def table(rows: list[tuple]) -> list[str]:
    """Markdown rows: per corpus, language (and all), way and model, the mean score, event recalls."""
    groups = defaultdict(list)
    for corpus, lang, tag, way, res in rows:
        groups[(corpus, lang, way, tag)].append(res)
        if corpus == "dev-multilingual":
            groups[(corpus, "all", way, tag)].append(res)
    lines = [f"| corpus | language | way | model | items | score | {' | '.join(EVENTS)} |",
             "|---|---|---|---|---|---|" + "---|" * len(EVENTS)]  # fmt: skip
    for (corpus, lang, way, tag), rs in sorted(
        groups.items(), key=lambda kv: (kv[0][0], kv[0][1] != "all", kv[0])
    ):
        recalls = []
        for e in EVENTS:
            hits, scored = sum(r.hits.get(e, 0) for r in rs), sum(r.scored.get(e, 0) for r in rs)
            recalls.append(f"{hits / scored:.3f}" if scored else "-")
        score = np.mean([r.score for r in rs])
        lines.append(
            f"| {corpus} | {lang} | {way} | {tag} | {len(rs)} | {score:.3f} | {' | '.join(recalls)} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--models", type=Path, help="a folder with another learned.onnx and stream.onnx")
    parser.add_argument("--corpora", default="dev-multilingual,dev,emur-ae")
    parser.add_argument("--ways", default="audio,stream", help="any of audio, phonetic, stream, stream-alone")
    parser.add_argument("--no-shipped", action="store_true", help="only the models of --models")
    parser.add_argument("--limit", type=int, help="only the first N items of each corpus (a quick look)")
    parser.add_argument("-j", "--jobs", type=int, default=2)
    args = parser.parse_args()
    models = [] if args.no_shipped else [("shipped", "learned", "stream")]
    if args.models is not None:
        models.append((args.models.name, str(args.models / "learned.onnx"), str(args.models / "stream.onnx")))
    ways = tuple(args.ways.split(","))
    jobs = []
    for corpus in args.corpora.split(","):
        folder, phoneset = CORPORA[corpus]
        items = [it for it in find_items(folder) if it.phones][: args.limit]
        jobs += [(corpus, it, phoneset, ways, tuple(models)) for it in items]
    rows = [r for got in parallel_map(score_item, jobs, args.jobs) for r in got]
    print("\n".join(table(rows)))


if __name__ == "__main__":
    main()
