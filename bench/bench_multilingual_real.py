#!/usr/bin/env python3
"""Real speech in ten languages: each way of animating against the transcript's own alignment.

``../shared/data/multilingual-speech`` is 202 real utterances (es fr zh pt de ta ja sv it ko)
with the text read and its language, but no phone timings. As for English real speech
(``bench_real_speech.py``), each utterance's reference is its true transcript aligned by the
language stage, here in its own language: ``audioface.animate(audio, text, language=lang)``,
whose track's phones (with their IPA, stress marked on vowels) are written as
``WORK/refs/NAME.phones.json`` and read back as the evaluator reads any IPA reference
(``--phoneset ipa``; metrics.md, "In other languages"). The ways scored against it:

- ``transcript``: that same call (by construction near 1: a check, not a figure);
- ``auto``: ``animate`` without a transcript, the default (Whisper hears the language and the
  words, which go through that language's pronunciations);
- ``given``: the same with ``--language`` set to the item's language;
- ``audio``: ``--generator learned-audio`` (phones heard, no words);
- ``stream``: ``animate_stream`` (the live path, 20 ms chunks, phones heard);
- ``stream-text``: the live path told the words ahead (the transcript, in its language), as a
  voice agent tells it its speech's text;
- ``english``: the transcript read as English (``language="en"``, the behaviour before
  languages); Chinese, Japanese, Korean and Tamil give no English words (no figure).

Whisper's recognitions are cached in ``WORK/asr`` (keyed by the samples, the model and the
language asked for), references in ``WORK/refs``, so a rerun after a change in the mouth or the
aligner costs the animation only. ``--plots N`` draws N items (round-robin over the languages)
as waveform + spectrogram with the reference's IPA phones, to check the alignment by eye.

    python3 bench/bench_multilingual_real.py [--ways auto,given,audio,stream,english] [--limit N]
        [--languages fr,es] [--held-out] [--jobs 2] [--work runs/multilingual-real] [--plots 6]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing as mp
import pickle
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from audioface.evaluate.corpus import Item, find_items
from audioface.evaluate.lipsync import EVENTS, LipSyncResult

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "multilingual-speech"
WAYS = ("transcript", "auto", "given", "audio", "stream", "stream-text", "english")
LABELS = {
    "transcript": "transcript, own language (the reference itself)",
    "auto": "no transcript, default (auto)",
    "given": "no transcript, --language given",
    "audio": "--generator learned-audio",
    "stream": "--stream",
    "stream-text": "--stream, told the words",
    "english": "transcript read as English (before)",
}
HEARD: list[str] = []  # the languages Whisper's segments named, since the last look (this process)


# ---------------------------------------------------------------- Whisper, cached on disk


def cache_recognitions(folder: Path) -> None:
    """Route Whisper through a disk cache: the recognitions dominate a run's cost and do not change
    when the mouth, the aligner or the pronunciations do."""
    from audioface.language.recognize import whisper

    if getattr(whisper.transcribe, "_cached", False):
        return
    real = whisper.transcribe
    folder.mkdir(parents=True, exist_ok=True)

    def transcribe(samples, folder_=None, speech=None, language=None):
        pcm = np.ascontiguousarray(samples, np.float32)
        key = hashlib.sha1(pcm.tobytes() + repr((folder_, speech, language)).encode()).hexdigest()
        path = folder / f"{key}.pkl"
        if path.is_file():
            got = pickle.loads(path.read_bytes())
        else:
            got = real(samples, folder_, speech, language)
            path.write_bytes(pickle.dumps(got))
        HEARD.extend(s.language for s in got if getattr(s, "language", None))
        return got

    transcribe._cached = True
    whisper.transcribe = transcribe


# ---------------------------------------------------------------- the reference


def reference(item: Item, sound, refs: Path):
    """The item's transcript aligned in its own language: (phones file, that animation or None
    where the file was already there)."""
    import audioface
    from audioface.formats.phones import ipa_labels

    path = refs / f"{item.name}.phones.json"
    if path.is_file():
        return path, None
    anim = audioface.animate(sound, item.text, language=item.language or "auto", jobs=1)
    words = [{"word": w.word, "origin": w.origin, "start": w.start, "end": w.end} for w in anim.track.words]
    doc = {
        "language": item.language,
        "text": item.text,
        "words": words,
        "phones": ipa_labels(anim.track),
    }
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    return path, anim


# ---------------------------------------------------------------- one item, every way


@dataclass
class Scored:
    item: str
    language: str
    speaker: str
    way: str
    result: LipSyncResult | None  # None: this way gives nothing for the item (no English words)
    seconds: float = 0.0
    heard: str = ""  # the language Whisper heard (auto) or the words it wrote
    notes: dict = field(default_factory=dict)


def animate_way(way: str, item: Item, sound):
    """One way's animation of the item; None where the way cannot read the item at all."""
    import audioface
    from audioface.errors import AudioFaceError

    if way == "auto":
        return audioface.animate(sound, None, jobs=1)
    if way == "given":
        return audioface.animate(sound, None, language=item.language, jobs=1)
    if way == "audio":
        return audioface.animate(sound, None, language=item.language, jobs=1, generator="learned-audio")
    if way == "stream":
        return audioface.animate_stream(sound).animation
    if way == "stream-text":
        return audioface.animate_stream(sound, text=item.text, language=item.language or "auto").animation
    if way == "english":
        try:
            return audioface.animate(sound, item.text, language="en", jobs=1)
        except AudioFaceError:  # no word English can say (another script)
            return None
    raise ValueError(f"unknown way {way!r}")


def score_item(job: tuple[Item, tuple[str, ...], Path]) -> list[Scored]:
    """Every way on one item, scored against its reference as the evaluator reads it; each way's
    figures kept in ``WORK/scores/NAME.json``, so an interrupted or repeated run goes on where it
    stopped (``--fresh`` removes them)."""
    from audioface.audio import load_audio
    from audioface.evaluate.lipsync import score_lipsync
    from audioface.formats.phones import read_phones

    item, ways, work = job
    cache_recognitions(work / "asr")
    kept_path = work / "scores" / f"{item.name}.json"
    kept = json.loads(kept_path.read_text(encoding="utf-8")) if kept_path.is_file() else {}
    sound = load_audio(item.audio)
    t0 = time.perf_counter()
    path, ref_anim = reference(item, sound, work / "refs")
    ref_seconds = time.perf_counter() - t0
    ref = read_phones(path, "ipa")
    for way in ways:
        if way in kept:
            continue
        t0 = time.perf_counter()
        HEARD.clear()
        if way == "transcript":
            anim = ref_anim or animate_way_transcript(item, sound)
        else:
            anim = animate_way(way, item, sound)
        seconds = time.perf_counter() - t0 + (ref_seconds if way == "transcript" and ref_anim else 0.0)
        res = None if anim is None else score_lipsync(anim.weights, anim.fps, ref)
        notes = {} if anim is None else _origins(anim.track)
        if HEARD:
            notes["whisper_language"] = HEARD[0]
        kept[way] = {
            "result": None if res is None else {k: getattr(res, k) for k in RESULT_FIELDS},
            "seconds": seconds,
            "heard": "" if anim is None else " ".join(w.word for w in anim.track.words),
            "notes": notes,
        }
        kept_path.parent.mkdir(parents=True, exist_ok=True)
        kept_path.write_text(json.dumps(kept, ensure_ascii=False), encoding="utf-8")
    return [_scored(item, way, kept[way]) for way in ways]


RESULT_FIELDS = ("hits", "scored", "correlation", "lag_ms", "peaks_pred", "peaks_ref", "duration")


def _scored(item: Item, way: str, kept: dict) -> Scored:
    res = None if kept["result"] is None else LipSyncResult(**kept["result"])
    speaker = item.speaker or item.name
    return Scored(item.name, item.language or "?", speaker, way, res, kept["seconds"], kept["heard"],
                  kept["notes"])  # fmt: skip


def animate_way_transcript(item: Item, sound):
    import audioface

    return audioface.animate(sound, item.text, language=item.language or "auto", jobs=1)


def _origins(track) -> dict:
    counts: dict[str, int] = defaultdict(int)
    for w in track.words:
        counts[w.origin] += 1
    return dict(counts)


# ---------------------------------------------------------------- the tables


def _row(rs: list[Scored]) -> tuple[str, str]:
    """'score / corr' and the item count, over the results that have a figure."""
    got = [r.result for r in rs if r.result is not None]
    if not got:
        return "-", "0"
    score = np.mean([r.score for r in got])
    corr = np.nanmean([r.correlation for r in got])
    return f"{score:.3f} / {corr:.2f}", str(len(got))


def print_tables(results: list[Scored], ways: tuple[str, ...], items: list[Item]) -> None:
    """Per language (with its speakers) and overall, every way: score / corr@0; then the pooled
    event recalls overall per way."""
    speakers = defaultdict(set)
    for it in items:
        speakers[it.language].add(it.speaker or it.name)
    by = defaultdict(list)
    for r in results:
        by[(r.way, r.language)].append(r)
        by[(r.way, "all")].append(r)
    langs = sorted({r.language for r in results})
    print("| language | items | speakers | " + " | ".join(LABELS[w] for w in ways) + " |")
    print("|---|---|---|" + "---|" * len(ways))
    for lang in [*langs, "all"]:
        n_items = len(by[(ways[0], lang)])
        n_spk = len(set().union(*speakers.values())) if lang == "all" else len(speakers[lang])
        cells = []
        for w in ways:
            cell, n = _row(by[(w, lang)])
            cells.append(cell if n in ("0", str(n_items)) else f"{cell} ({n})")
        print(f"| {lang} | {n_items} | {n_spk} | " + " | ".join(cells) + " |")
    print(f"\n| way | items | score | {' | '.join(EVENTS)} | corr@0 | lag ms | s per s of audio |")
    print("|---|---|---|" + "---|" * len(EVENTS) + "---|---|---|")
    for w in ways:
        rs = [r for r in by[(w, "all")] if r.result is not None]
        if not rs:
            continue
        recalls = []
        for e in EVENTS:
            hits, scored = (sum(getattr(r.result, k).get(e, 0) for r in rs) for k in ("hits", "scored"))
            recalls.append(f"{hits / scored:.3f}" if scored else "-")
        score = np.mean([r.result.score for r in rs])
        corr = np.nanmean([r.result.correlation for r in rs])
        lag = np.nanmean([r.result.lag_ms for r in rs])
        rtf = sum(r.seconds for r in rs) / sum(r.result.duration for r in rs)
        print(
            f"| {LABELS[w]} | {len(rs)} | {score:.3f} | "
            + " | ".join(recalls)
            + f" | {corr:.2f} | {lag:.0f} | {rtf:.3f} |"
        )


# ---------------------------------------------------------------- choosing items, plots


def round_robin(items: list[Item]) -> list[Item]:
    """Items interleaved over the languages, so that ``--limit`` keeps every language in."""
    by = defaultdict(list)
    for it in items:
        by[it.language].append(it)
    out, k = [], 0
    while len(out) < len(items):
        for lang in sorted(by):
            if k < len(by[lang]):
                out.append(by[lang][k])
        k += 1
    return out


def plot_item(item: Item, work: Path) -> Path:
    """Waveform and spectrogram with the reference's IPA phones and words: where the phones sit
    against the sound (closures as silence or bursts, vowels on voiced, formant-rich stretches)."""
    import warnings

    import matplotlib

    matplotlib.use("Agg")
    warnings.filterwarnings("ignore", message="Glyph .* missing")  # CJK words: DejaVu has no glyphs
    import matplotlib.pyplot as plt

    from audioface.audio import load_audio

    sound = load_audio(item.audio)
    doc = json.loads((work / "refs" / f"{item.name}.phones.json").read_text(encoding="utf-8"))
    x, sr = sound.samples, sound.sample_rate
    t = np.arange(len(x)) / sr
    fig, (a1, a2) = plt.subplots(2, 1, figsize=(max(10, sound.duration * 3.2), 6), sharex=True)
    a1.plot(t, x, lw=0.4, color="k")
    a2.specgram(x, NFFT=400, Fs=sr, noverlap=240, cmap="magma", vmin=-120)
    a2.set_ylim(0, 5000)
    for p in doc["phones"]:
        for ax in (a1, a2):
            ax.axvline(p["start"], color="c", lw=0.6)
        if p["phone"] != "sil":
            a2.text((p["start"] + p["end"]) / 2, 4600, p["phone"], ha="center", color="w", fontsize=11)
    for w in doc["words"]:
        a1.text((w["start"] + w["end"]) / 2, x.max() * 0.9, w["word"], ha="center", fontsize=9, color="b")
    a1.set_title(f"{item.name} [{item.language}] {item.text}", fontsize=10)
    a2.set_xlabel("s")
    path = work / "plots" / f"{item.language}_{item.name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, dpi=70)
    plt.close(fig)
    return path


def unreliable(work: Path, items: list[Item]) -> dict[str, str]:
    """Items whose reference cannot be trusted, with why: a transcript the aligner could not place
    (words spread over the speech, ``estimated``), e.g. NST's prompt read over a silent take."""
    out = {}
    for it in items:
        path = work / "refs" / f"{it.name}.phones.json"
        if not path.is_file():
            continue
        words = json.loads(path.read_text(encoding="utf-8"))["words"]
        estimated = sum(w["origin"] == "estimated" for w in words)
        if estimated:
            out[it.name] = f"{estimated} of {len(words)} reference words estimated ({it.language}: {it.text})"
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--work", type=Path, default=ROOT / "runs" / "multilingual-real")
    parser.add_argument("--ways", default=",".join(WAYS), help=f"any of {', '.join(WAYS)}")
    parser.add_argument("--languages", help="only these codes, comma-separated")
    parser.add_argument(
        "--limit", type=int, help="only the first N utterances, round-robin over the languages"
    )
    parser.add_argument(
        "--held-out",
        action="store_true",
        help="only the speakers the phone models never heard (training/multilingual_real.py's split)",
    )
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--fresh", action="store_true", help="animate again (keeps Whisper's cache)")
    parser.add_argument("--plots", type=int, default=0, help="draw N items' references (PNG in WORK/plots)")
    args = parser.parse_args()
    ways = tuple(args.ways.split(","))
    if set(ways) - set(WAYS):
        parser.error(f"unknown ways: {', '.join(sorted(set(ways) - set(WAYS)))}")
    items = [it for it in find_items(args.data) if it.text]
    if args.held_out:
        from audioface.training.multilingual_real import held_out_names

        items = [it for it in items if it.name in held_out_names(args.data)]
    if args.languages:
        items = [it for it in items if it.language in args.languages.split(",")]
    items = round_robin(items)[: args.limit] if args.limit else round_robin(items)
    if args.fresh:
        for old in (args.work / "scores").glob("*.json"):
            old.unlink()
    (args.work / "refs").mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    jobs = [(it, ways, args.work) for it in items]
    with mp.get_context("spawn").Pool(args.jobs) as pool:
        results = [r for got in pool.imap_unordered(score_item, jobs) for r in got]
    wall = time.perf_counter() - started
    left_out = unreliable(args.work, items)
    for name, why in left_out.items():
        print(f"left out {name}: {why}")
    results = [r for r in results if r.item not in left_out]
    items = [it for it in items if it.name not in left_out]
    audio = sum(r.result.duration for r in results if r.way == ways[0] and r.result is not None)
    print(f"{len(items)} utterances, {audio:.0f} s of audio, {wall:.0f} s wall on {args.jobs} workers\n")
    print_tables(results, ways, items)
    save(results, args.work / "results.json")
    for it in items[: args.plots]:
        print("plot:", plot_item(it, args.work))


def save(results: list[Scored], path: Path) -> None:
    """Every item's figures, what each way heard, and its words' origins: for a second look."""
    rows = [
        {"item": r.item, "language": r.language, "speaker": r.speaker, "way": r.way, "seconds": r.seconds,
         "heard": r.heard, "origins": r.notes, "result": None if r.result is None else r.result.to_dict()}
        for r in results
    ]  # fmt: skip
    path.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
