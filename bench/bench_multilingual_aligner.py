#!/usr/bin/env python3
"""The ablation for alignment in any language: the English-only phone model (phones of every
language mapped to its classes by features) against the multilingual one, side by side.

1. Synthetic speech with exact timings (espeak-ng's own IPA phoneme events, made here by
   :mod:`audioface.training.multilingual` with the same seeds as training): the voice variants
   held out of training in every trained language, and four languages never trained on (ca, da,
   hr, eu). Each utterance's known phones are force-aligned over each model's posteriors as the
   learned aligner does (vowels pooled, the prior scaled out, 40 ms floor): phone starts within
   20 / 50 ms, and the frame accuracy of the posteriors' argmax.
2. English through the whole pipeline with its transcript (``--aligner learned``): ``corpus/dev``
   (exact timings) and ``../shared/data/emur-ae`` (hand labels): phone starts within 20 / 50 ms.
3. ``corpus/dev-multilingual`` where it exists: the same, each item in its own language.
4. Real speech in other languages (``../shared/data/multilingual-speech``, no timings): each
   transcript, pronounced on its language's route, force-aligned by each model: the mean log
   posterior per frame along the path and the weakest 0.4 s stretch (the learned aligner's
   confidence), per language.

    python3 bench/bench_multilingual_aligner.py [--candidate src/audioface/models/aligner.onnx]
        [--base-commit 11acc88] [--parts 1,2,3,4]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

import numpy as np

from audioface.language.align import acoustic, aligners, forced, learned_aligner
from audioface.training.multilingual import scores_of

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
BASE_COMMIT = "11acc88"  # the English-only aligner, before the multilingual one was shipped


def base_model(commit: str, folder: Path) -> Path:
    """The English-only model (and its side file) as committed at ``commit``."""
    for suffix in (".onnx", ".json"):
        spec = f"{commit}:src/audioface/models/aligner{suffix}"
        blob = subprocess.run(["git", "-C", str(ROOT), "show", spec], check=True, capture_output=True).stdout
        (folder / f"aligner-base{suffix}").write_bytes(blob)
    return folder / "aligner-base.onnx"


def use_model(path: Path) -> acoustic.PhoneModel:
    """Point the learned aligner at ``path`` in this process (its posterior caches emptied)."""
    model = acoustic.PhoneModel(path)
    acoustic.load = lru_cache(maxsize=1)(lambda: model)
    learned_aligner._last = learned_aligner._chosen = None
    return model


def synthetic(models: dict[str, Path]) -> None:
    from audioface.audio.mel import log_mel
    from audioface.training.multilingual import align_known, plan, synthesise

    specs = [s for s in plan(40, 6, 12) if s.role != "train"]
    rows: dict[tuple[str, str, str], list] = defaultdict(list)
    for name, path in models.items():
        model = use_model(path)
        for spec in specs:
            try:
                audio, timeline = synthesise(spec.voice, spec.text, spec.rate, spec.pitch)
            except ValueError:
                continue
            starts, acc = align_known(model, log_mel(audio), timeline)
            ref = [a for p, a, _ in timeline if p != "sil"]
            same = len(starts) == len(ref)  # always, the phones being given; else all count as misses
            err = np.abs(np.array(starts) - np.array(ref)) if same else np.full(len(ref), 1.0)
            lang = spec.voice.split("+")[0]
            rows[(name, spec.role, lang)].append((err, acc))
    print("## 1. synthetic (espeak-ng, exact timings): phone starts within 20 / 50 ms, frame accuracy")
    _table(rows, list(models))


def _table(rows: dict, names: list[str]) -> None:
    keys = sorted({(role, lang) for _, role, lang in rows})
    print(f"{'set':<8}{'lang':<7}" + "".join(f"{n + ' 20/50/acc':>24}" for n in names))
    pooled: dict = defaultdict(list)
    for role, lang in keys:
        cells = []
        for n in names:
            got = rows.get((n, role, lang), [])
            err = np.concatenate([e for e, _ in got]) if got else np.zeros(0)
            acc = float(np.mean([a for _, a in got])) if got else float("nan")
            pooled[(n, role)].append((err, acc))
            cells.append(f"{(err <= 0.02).mean():>8.3f}{(err <= 0.05).mean():>8.3f}{acc:>8.3f}")
        print(f"{role:<8}{lang:<7}" + "".join(cells))
    for role in sorted({r for r, _ in keys}):
        cells = []
        for n in names:
            err = np.concatenate([e for e, _ in pooled[(n, role)]])
            acc = float(np.mean([a for _, a in pooled[(n, role)]]))
            cells.append(f"{(err <= 0.02).mean():>8.3f}{(err <= 0.05).mean():>8.3f}{acc:>8.3f}")
        print(f"{role:<8}{'all':<7}" + "".join(cells))


def pipeline(models: dict[str, Path], sets: list[tuple[str, Path, str]], by_language: bool = False) -> None:
    """Hand- or exactly-timed sets through the whole pipeline with their transcript."""
    from audioface.evaluate.corpus import find_items
    from audioface.evaluate.runner import plan, run
    from audioface.evaluate.summary import summarize

    print(f"{'set':<18}{'model':<14}{'items':>6}{'<=20ms':>8}{'<=50ms':>8}{'lip sync':>9}")
    for label, folder, phoneset in sets:
        items = find_items(folder)
        for name, path in models.items():
            use_model(path)
            results = run(plan(items, ["transcript"], None, phoneset, 60.0, None, aligner="learned"), jobs=1)
            groups = {"": results}
            if by_language:
                groups = {
                    lang: [r for r in results if r.language == lang]
                    for lang in sorted({r.language for r in results})
                }
                groups["all"] = results
                # the +m3 variant is one the multilingual model trained on (other texts); +f3 and
                # the plain voices it never heard
                groups["all, +m3"] = [r for r in results if "_m3_" in r.item]
                groups["all, others"] = [r for r in results if "_m3_" not in r.item]
            for lang, got in groups.items():
                ((_, row),) = summarize(got).items()
                al = row["alignment"]
                head = f"{(label + ' ' + lang).strip():<18}{name:<14}{row['items']:>6}"
                print(
                    f"{head}{al['within_20ms']:>8.3f}{al['within_50ms']:>8.3f}{row['score']:>9.3f}",
                    flush=True,
                )


def real_multilingual(models: dict[str, Path]) -> None:
    """Confidence of each transcript under each model, per language."""
    from audioface.evaluate.corpus import find_items

    items = [it for it in find_items(SHARED / "multilingual-speech") if it.text and it.language]
    table: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    for name, path in models.items():
        model = use_model(path)
        for item in items:
            got = _confidence(model, item)
            if got is not None:
                table[(name, item.language)].append(got)
    print("## 4. real speech in other languages: mean log posterior per frame / weakest 0.4 s stretch")
    langs = sorted({lang for _, lang in table})
    print(f"{'lang':<6}{'items':>6}" + "".join(f"{n + ' mean/weakest':>28}" for n in models))
    for lang in [*langs, "all"]:
        cells, count = [], 0
        for n in models:
            vals = [v for (m, lg), vs in table.items() if m == n and lang in (lg, "all") for v in vs]
            count = len(vals)
            cells.append(f"{np.mean([v[0] for v in vals]):>14.2f}{np.mean([v[1] for v in vals]):>14.2f}")
        print(f"{lang:<6}{count:>6}" + "".join(cells))


def _confidence(model, item) -> tuple[float, float] | None:
    from audioface.audio.load import load_audio
    from audioface.audio.mel import log_mel
    from audioface.language.pronounce import pronounce
    from audioface.language.pronounce.transcript import tokens

    words, prons = [], []
    for tok in tokens(item.text, item.language):
        try:
            got = pronounce(tok.word, item.language)
        except Exception:  # a word its route cannot say: left out of both models' paths alike
            continue
        variants = [tuple(p.arpabet.rstrip("012") for p in pron) for pron in got[:3] if pron]
        if variants:
            words.append(tok.word)
            prons.append(variants)
    if not words:
        return None
    log_post, scores = scores_of(model, log_mel(load_audio(str(item.audio)).samples))
    raw, _ = forced.align(log_post, scores, words, prons, model.index, min_frames=learned_aligner.MIN_FRAMES)
    frames = sum(e - s for _, s, e, _, _ in raw)
    mean = sum(c * (e - s) for _, s, e, _, c in raw) / max(frames, 1e-6)
    return mean, aligners.weakest_stretch(raw)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--candidate", type=Path, default=ROOT / "src/audioface/models/aligner.onnx")
    parser.add_argument("--base-commit", default=BASE_COMMIT)
    parser.add_argument("--parts", default="1,2,3,4")
    parser.add_argument("--skip-base", action="store_true", help="only the candidate's figures")
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    with tempfile.TemporaryDirectory() as tmp:
        models = {"english-only": base_model(args.base_commit, Path(tmp)), "multilingual": args.candidate}
        if str(args.candidate) == "none":  # the English-only model's figures alone
            del models["multilingual"]
        if args.skip_base:  # the candidate's figures alone (the base's measured before)
            del models["english-only"]
        if "1" in parts:
            synthetic(models)
        if "2" in parts:
            print("\n## 2. English with the transcript (whole pipeline, --aligner learned)")
            pipeline(
                models, [("dev", ROOT / "corpus" / "dev", "auto"), ("emur-ae", SHARED / "emur-ae", "sampa")]
            )
        dev_ml = ROOT / "corpus" / "dev-multilingual"
        if "3" in parts and dev_ml.is_dir():
            print("\n## 3. corpus/dev-multilingual with the transcript, each item in its language")
            pipeline(models, [("dev-ml", dev_ml, "auto")], by_language=True)
        if "4" in parts:
            print()
            real_multilingual(models)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "bench"))
    main()
