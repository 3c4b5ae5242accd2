#!/usr/bin/env python3
"""The learned aligner beside pocketsphinx: accuracy, lip sync and whole-process speed.

1. Hand-timed sets: ``corpus/dev`` (the synthesizers' exact timings) and
   ``../shared/data/emur-ae`` (hand-labelled real speech), each animated from its transcript
   with each aligner: share of phone starts within 20 and 50 ms of the reference, median
   error, and the lip-sync score.
2. Held-out real speakers (``../shared/data/real-english``, the speakers the shipped recipes
   keep out of training): the lip-sync score against pocketsphinx's alignment of the
   transcript (the reference of every real-speech figure), and how often the learned
   aligner's phone starts fall within 20 / 50 ms of pocketsphinx's.
3. ``audioface animate`` as whole processes, as a user runs it: a 3 s line and 60 s, with the
   transcript; 60 s without (Whisper hears the words). The baseline is ``--aligner sphinx``,
   run in the same invocation.
4. Real speech a minute long: held-out utterances end to end (0.3 s apart) until each passage
   passes 60 s, animated as whole processes with their transcript by each aligner; the lip-sync
   score against each utterance's own pocketsphinx alignment, moved to its place in the passage.
5. The learned aligner's confidence (what sends a piece to pocketsphinx): on the held-out real
   utterances with their own transcripts, and with two of their words swapped for other words of
   the set, the share above / below each threshold, on the pooled posteriors the path is found on
   beside the plain ones (``VOWEL_SHARE = 0``, as before the vowels were pooled).
6. Whose reference: the same held-out utterances animated by the rules with each aligner's
   timing, each scored against each aligner's alignment of the transcript. Real speech has no
   hand labels here, so parts 2 and 4 measure agreement with pocketsphinx; this shows whether
   that agreement favours either side.

    python3 bench/bench_aligners.py [--real 60] [--parts 1,2,3,4,5,6] [--passages 8]
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import soundfile as sf
from common import make_speech

from audioface.evaluate import alignment_accuracy
from audioface.evaluate.corpus import find_items
from audioface.evaluate.runner import ItemResult, plan, run
from audioface.evaluate.summary import summarize

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
ALIGNERS = ("sphinx", "learned")


HEADER = f"{'set':<10}{'aligner':<9}{'items':>6}{'<=20ms':>8}{'<=50ms':>8}{'error ms':>9}{'lip sync':>9}" \
         f"{'closures':>9}{'seconds':>9}"  # fmt: skip


def _row(label: str, results: list[ItemResult]) -> str:
    """One aligner's results: the evaluator's summary (pooled phone shares, the items' mean lip
    sync and median error) and the pipeline time summed over the items."""
    ((mode, row),) = summarize(results).items()
    align, secs = row["alignment"], sum(r.seconds for r in results)
    phones = f"{align['within_20ms']:>8.3f}{align['within_50ms']:>8.3f}{align['median_error_ms']:>9.1f}"
    sync = f"{row['score']:>9.3f}{row['recalls']['closure']:>9.3f}"
    return f"{label:<10}{mode:<9}{row['items']:>6}{phones}{sync}{secs:>9.1f}"


def hand_timed() -> None:
    print("## hand-timed phones, with the transcript")
    print(HEADER)
    sets = (("dev", ROOT / "corpus" / "dev", "auto"), ("emur-ae", SHARED / "emur-ae", "sampa"))
    for label, folder, phoneset in sets:
        items = find_items(folder)
        for aligner in ALIGNERS:
            results = run(plan(items, ["transcript"], None, phoneset, 60.0, None, aligner=aligner), jobs=2)
            print(_row(label, [replace(r, mode=aligner) for r in results]), flush=True)


def _real_job(item) -> list[ItemResult]:
    from audioface.api import animate
    from audioface.audio import load_audio
    from audioface.evaluate import RefPhone, score_lipsync
    from audioface.evaluate.real_speech import aligned_reference

    sound = load_audio(item.audio)
    ref = aligned_reference(item, sound)
    out = []
    for aligner in ALIGNERS:
        t0 = time.perf_counter()
        anim = animate(sound, item.text, aligner=aligner, jobs=1)
        seconds = time.perf_counter() - t0
        pred = [RefPhone(p.phone, p.start, p.end, p.stress) for p in anim.track.phones()]
        out.append(ItemResult(item.name, aligner, score_lipsync(anim.weights, anim.fps, ref),
                              alignment_accuracy(pred, ref), seconds=seconds))  # fmt: skip
    return out


def real_held_out(n: int) -> None:
    from bench_real_speech import held_out

    from audioface.parallel import parallel_map

    items = held_out()
    random.Random(0).shuffle(items)
    got = [r for rs in parallel_map(_real_job, items[:n], 2) for r in rs]
    print(f"\n## held-out real speakers ({n} utterances), against pocketsphinx's alignment")
    print(HEADER)
    for aligner in ALIGNERS:
        print(_row("held-out", [r for r in got if r.mode == aligner]))


def _process(wav: Path, text: Path | None, aligner: str, out: Path) -> float:
    cmd = [sys.executable, "-m", "audioface", "animate", str(wav), "-o", str(out), "-q", "--aligner", aligner]
    if text is not None:
        cmd += ["--text-file", str(text)]
    t0 = time.perf_counter()
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode != 0:
        raise SystemExit(f"{aligner}: {res.stderr.strip()}")
    return time.perf_counter() - t0


def whole_process(repeats: int) -> None:
    print("\n## whole process `audioface animate`, 2 cores (best of the repeats)")
    print(f"{'job':<28}{'aligner':<9}{'seconds':>9}{'RTF':>8}{'vs sphinx':>10}")
    samples, text = make_speech(60.0)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        sf.write(tmp / "60s.wav", samples, 16000)
        (tmp / "60s.txt").write_text(text)
        hello, sr = sf.read(ROOT / "examples" / "hello.wav", dtype="float32")
        sf.write(tmp / "3s.wav", hello[: 3 * sr], sr)
        (tmp / "3s.txt").write_text("Hello, my name is Amber")
        long = len(samples) / 16000
        jobs = [("3 s with transcript", "3s", True, 3.0), ("60 s with transcript", "60s", True, long),
                ("60 s without (whisper)", "60s", False, long)]  # fmt: skip
        for label, name, with_text, duration in jobs:
            base = None
            for aligner in ALIGNERS:
                txt = tmp / f"{name}.txt" if with_text else None
                secs = min(
                    _process(tmp / f"{name}.wav", txt, aligner, tmp / "out.csv") for _ in range(repeats)
                )
                base = base or secs
                print(
                    f"{label:<28}{aligner:<9}{secs:>9.2f}{secs / duration:>8.3f}{base / secs:>9.2f}x",
                    flush=True,
                )


def _passages(n: int, folder: Path) -> list[tuple[str, list]]:
    """``n`` passages of held-out real speech over 60 s each, written to ``folder``: (name,
    reference phones in the passage's time)."""
    import numpy as np
    from bench_real_speech import held_out

    from audioface.audio import load_audio
    from audioface.evaluate import RefPhone
    from audioface.evaluate.real_speech import aligned_reference

    items = held_out()
    random.Random(11).shuffle(items)
    out, samples, text, ref, t = [], [], [], [], 0.0
    for item in items:
        sound = load_audio(item.audio)
        ref += [RefPhone(p.phone, p.start + t, p.end + t, p.stress) for p in aligned_reference(item, sound)]
        samples += [sound.samples, np.zeros(int(0.3 * 16000), np.float32)]
        text.append(item.text)
        t += sound.duration + 0.3
        if t > 60.0:
            name = f"passage{len(out) + 1}"
            sf.write(folder / f"{name}.wav", np.concatenate(samples), 16000)
            (folder / f"{name}.txt").write_text(" ".join(text))
            out.append((name, ref))
            samples, text, ref, t = [], [], [], 0.0
            if len(out) == n:
                break
    return out


def real_passages(n: int) -> None:
    from audioface.evaluate import score_lipsync
    from audioface.formats import read_weights

    print(f"\n## held-out real speech, {n} passages over 60 s each, whole process with the transcript")
    print(f"{'aligner':<9}{'seconds':>9}{'RTF':>8}{'lip sync':>9}{'closures':>9}{'vs sphinx':>10}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        passages = _passages(n, tmp)
        base = None
        for aligner in ALIGNERS:
            secs, scores, closures, audio_s = 0.0, [], [], 0.0
            for name, ref in passages:
                out = tmp / f"{name}-{aligner}.csv"
                secs += _process(tmp / f"{name}.wav", tmp / f"{name}.txt", aligner, out)
                weights, fps = read_weights(out)
                result = score_lipsync(weights, fps, ref)
                scores.append(result.score)
                closures.append(result.recall("closure") or 0.0)
                audio_s += sf.info(str(tmp / f"{name}.wav")).duration
            base = base or secs
            print(f"{aligner:<9}{secs / n:>9.2f}{secs / audio_s:>8.3f}{sum(scores) / n:>9.3f}"
                  f"{sum(closures) / n:>9.3f}{base / secs:>9.2f}x", flush=True)  # fmt: skip


def _set_vowel_share(share: float) -> None:
    """The learned aligner's vowel share, its cached scores of the last piece dropped with it
    (the cache is keyed on the audio alone)."""
    from audioface.language.align import learned_aligner

    learned_aligner.VOWEL_SHARE, learned_aligner._last, learned_aligner._chosen = share, None, None


def _weakest(items, share: float) -> tuple[list[float], list[float]]:
    """Each utterance's weakest stretch with its own words and with two of them swapped."""
    from audioface.audio import load_audio
    from audioface.language.align import aligners
    from audioface.language.pronounce.normalize import normalize

    _set_vowel_share(share)
    rng = random.Random(1)
    vocabulary = [t.word for item in items for t in normalize(item.text)]
    own, swapped = [], []
    for item in items:
        pcm = load_audio(item.audio).pcm16()
        words = [t.word for t in normalize(item.text)]
        other = list(words)
        for k in rng.sample(range(len(other)), min(2, len(other))):
            other[k] = rng.choice([w for w in vocabulary if w != other[k]])
        for text, into in ((words, own), (other, swapped)):
            raw = aligners._path(pcm, text)
            into.append(aligners.weakest_stretch(raw) if raw else float("-inf"))
    return own, swapped


def confidence(n: int) -> None:
    from bench_real_speech import held_out

    from audioface.language.align import aligners, learned_aligner

    items = held_out()
    random.Random(0).shuffle(items)
    shipped = learned_aligner.VOWEL_SHARE
    print(f"\n## the learned aligner's confidence on {n} held-out real utterances (shipped: "
          f"VOWEL_SHARE {shipped}, CONFIDENT {aligners.CONFIDENT})")  # fmt: skip
    print(f"{'posteriors':<12}{'threshold':>10}{'own words above':>17}{'swapped below':>15}")
    for label, share in (("pooled", shipped), ("plain", 0.0)):
        own, swapped = _weakest(items[:n], share)
        for threshold in (-2.0, -2.2, -2.4, -2.6, -2.8, -3.0, -3.3):
            above = sum(w >= threshold for w in own) / n
            below = sum(w < threshold for w in swapped) / n
            print(f"{label:<12}{threshold:>10.1f}{above:>17.2f}{below:>15.2f}", flush=True)
    _set_vowel_share(shipped)


def _cross_job(item) -> dict[tuple[str, str], float]:
    from audioface.api import animate
    from audioface.audio import load_audio
    from audioface.evaluate import score_lipsync
    from audioface.evaluate.real_speech import aligned_reference

    sound = load_audio(item.audio)
    refs = {aligner: aligned_reference(item, sound, aligner) for aligner in ALIGNERS}
    out = {}
    for aligner in ALIGNERS:
        anim = animate(sound, item.text, aligner=aligner, jobs=1, generator="rules")
        for ref in ALIGNERS:
            out[(aligner, ref)] = score_lipsync(anim.weights, anim.fps, refs[ref]).score
    return out


def cross_reference(n: int) -> None:
    from bench_real_speech import held_out

    from audioface.parallel import parallel_map

    items = held_out()
    random.Random(0).shuffle(items)
    got = parallel_map(_cross_job, items[:n], 2)
    print(f"\n## whose reference: {n} held-out real utterances, the rules timed by each aligner")
    print(f"{'timed by':<10}" + "".join(f"{'vs ' + ref:>14}" for ref in ALIGNERS))
    for aligner in ALIGNERS:
        cells = "".join(f"{sum(g[(aligner, ref)] for g in got) / n:>14.3f}" for ref in ALIGNERS)
        print(f"{aligner:<10}{cells}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--real", type=int, default=60, help="held-out real utterances to score")
    parser.add_argument("--parts", default="1,2,3,4,5,6", help="which parts to run")
    parser.add_argument("--passages", type=int, default=8, help="real-speech minutes for part 4")
    parser.add_argument("--repeats", type=int, default=3, help="whole-process runs per row")
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    if "1" in parts:
        hand_timed()
    if "2" in parts:
        real_held_out(args.real)
    if "3" in parts:
        whole_process(args.repeats)
    if "4" in parts:
        real_passages(args.passages)
    if "5" in parts:
        confidence(args.real)
    if "6" in parts:
        cross_reference(args.real)


if __name__ == "__main__":
    main()
