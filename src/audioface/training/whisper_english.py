"""Training the head that hears, in tiny.en's encoder, that a file is plainly not English
(:mod:`audioface.language.recognize.whisper_english`).

Real speech only: English from ``real-english`` (the recipes' speaker split, so the held-out
speakers of BENCHMARKS stay unheard) against the nine other languages of ``multilingual-speech``
(a fifth of its speakers held out). Each item is heard as the runtime hears a file: its first
15 s of speech, tiny.en's encoder, the mean and spread of each channel. A logistic regression
(classes weighted equally, L2) on those; the report gives, besides the held-out speakers, each
language's share caught by a head that never heard that language (the issue's set has 58).

    python -m audioface.training.whisper_english --out src/audioface/models/whisper-english.json

About three minutes on 2 cores (tiny.en's encoder on 800 utterances).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

import numpy as np

from audioface.evaluate.corpus import Item, find_items
from audioface.training.multilingual_real import speaker_split
from audioface.training.split import split

ENGLISH = "en"
THRESHOLD = 0.8  # P(not English) from which the head is sure: see the report
L2 = 1e-2


def features(items: list[Item]) -> np.ndarray:
    """(items, 768) pooled encoder features, each item heard as the runtime hears a file."""
    from audioface.audio.activity import detect_activity
    from audioface.audio.load import load_audio
    from audioface.language.recognize import whisper, whisper_english

    model = whisper.load()
    out = []
    for i, item in enumerate(items):
        audio = load_audio(str(item.audio))
        speech = detect_activity(audio).regions()
        out.append(whisper_english.pooled(whisper_english.encoded_sample(model, audio.samples, speech)))
        if i % 100 == 99:
            print(f"  encoded {i + 1} of {len(items)}", file=sys.stderr, flush=True)
    return np.stack(out)


def fit(x: np.ndarray, y: np.ndarray, l2: float = L2) -> dict:
    """Logistic regression on standardised features, both classes weighing the same."""
    from scipy.optimize import minimize

    mean, scale = x.mean(0), x.std(0) + 1e-4
    z = (x - mean) / scale
    weight = np.where(y > 0, 0.5 / y.mean(), 0.5 / (1 - y.mean())) / len(y)

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:-1], theta[-1]
        logit = z @ w + b
        p = 1.0 / (1.0 + np.exp(-logit))
        value = np.sum(weight * (np.logaddexp(0.0, logit) - y * logit)) + l2 * w @ w
        g = weight * (p - y)
        return value, np.concatenate([z.T @ g + 2 * l2 * w, [g.sum()]])

    theta = minimize(loss, np.zeros(z.shape[1] + 1), jac=True, method="L-BFGS-B").x
    return {"mean": mean, "scale": scale, "weights": theta[:-1], "bias": float(theta[-1])}


def foreign(head: dict, x: np.ndarray) -> np.ndarray:
    """P(not English) of each row of ``x``, computed as the runtime computes it."""
    from audioface.language.recognize.whisper_english import EnglishHead

    return EnglishHead(**head, threshold=THRESHOLD).foreign(x)


def unheard_languages(x: np.ndarray, y: np.ndarray, langs: list[str], threshold: float) -> dict:
    """Each language's share caught by a head trained without it."""
    out = {}
    for lang in sorted(set(langs) - {ENGLISH}):
        keep = np.array([g != lang for g in langs])
        head = fit(x[keep], y[keep])
        out[lang] = round(float(np.mean(foreign(head, x[~keep]) >= threshold)), 3)
    return out


def material(english: Path, others: Path, limit: int, seed: int) -> tuple[list[Item], list[Item]]:
    """(train, held out) items: English by the recipes' split, the others a fifth of speakers held."""
    en_train, en_held = split(find_items(english), 0.1, 0)
    random.Random(seed).shuffle(en_train)
    fo_train, fo_held = speaker_split(others, seed)
    return en_train[:limit] + fo_train, en_held[: limit // 4] + fo_held


def report(head: dict, held: list[Item], x_held: np.ndarray, threshold: float) -> dict:
    p = foreign(head, x_held) >= threshold
    is_en = np.array([(it.language or ENGLISH) == ENGLISH for it in held])
    return {
        "held_out_english_flagged": round(float(p[is_en].mean()), 4),
        "held_out_english_items": int(is_en.sum()),
        "held_out_other_caught": round(float(p[~is_en].mean()), 4),
        "held_out_other_items": int((~is_en).sum()),
    }


def main(argv: list[str] | None = None) -> int:
    raw = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=raw)
    parser.add_argument("--english", default="../shared/data/real-english")
    parser.add_argument("--others", default="../shared/data/multilingual-speech")
    parser.add_argument("--limit", type=int, default=600, help="English training utterances (seeded sample)")
    parser.add_argument("--threshold", type=float, default=THRESHOLD)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    train, held = material(Path(args.english), Path(args.others), args.limit, args.seed)
    langs = [it.language or ENGLISH for it in train]
    y = np.array([lang != ENGLISH for lang in langs], float)
    print(f"encoding {len(train)} training and {len(held)} held-out utterances", file=sys.stderr)
    x, x_held = features(train), features(held)
    head = fit(x, y)
    figures = report(head, held, x_held, args.threshold)
    figures["unheard_language_caught"] = unheard_languages(x, y, langs, args.threshold)
    side = {k: np.asarray(v).round(6).tolist() for k, v in head.items() if k != "bias"}
    side |= {"bias": head["bias"], "threshold": args.threshold, "report": figures}
    side["trained_on"] = {lang: langs.count(lang) for lang in sorted(set(langs))}
    Path(args.out).write_text(json.dumps(side) + "\n", encoding="utf-8")
    print(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
