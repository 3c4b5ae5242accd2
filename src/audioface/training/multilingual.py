"""Training data for the multilingual aligner: espeak-ng speech in many languages, plus real English.

The learned aligner's phone model heard only English. Its classes (ARPAbet + sil) already
serve every language: :func:`audioface.ipa.to_arpabet_phones` maps any IPA segment to the
nearest ARPAbet class(es) by articulatory features, and the pipeline pronounces every
language that way. So the inventory stays and the ears learn more languages: espeak-ng
(the bundled ``espeakng-loader`` library) speaks short sentences in two dozen languages with
several voice variants, rates and pitches, and reports each phoneme it speaks as IPA with its
sample position (exact timings, ``espeakINITIALIZE_PHONEME_IPA``). Each event's IPA becomes
its classes by features; an event that holds several (``t͡s``, a diphthong English lacks)
shares its span equally. Real English (the training speakers of ``real-english``, labelled by
the shipped aligner and kept only where it is sure) keeps the model's ear for real voices.

It writes what :mod:`audioface.training.aligner` loads: ``cache/NAME.npz`` (log-mel) and
``data/NAME.phones.json`` (exact timings), and ``split.json`` (held-out voice variants of the
trained languages and the unseen languages, for the trainer's held-out figure)::

    python -m audioface.training.multilingual --work runs/multilingual
    python -m audioface.training.aligner --work runs/multilingual --split runs/multilingual/split.json \
        --init src/audioface/models/aligner.onnx --epochs 5 --lr 1e-3 --out runs/aligner-ml
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np

from audioface import ipa
from audioface.audio.load import SAMPLE_RATE
from audioface.audio.mel import log_mel
from audioface.training import espeak_ipa
from audioface.training.multilingual_text import TRAIN, UNSEEN
from audioface.training.synth import Timeline, verify

# espeak-ng's voice variants: the trained languages learn from some, the rest are held out
TRAIN_VARIANTS = ("m1", "m2", "m3", "m5", "f1", "f2", "f4", "klatt")
HELD_VARIANTS = ("f3", "m7")
_ASPIRATED = set("ptkcqbdgɡʈɖɕʂʐʑszʃʒ")
TIE = "\u0361"
# as the recipes name it: run from the repository root, beside ../shared (--real-english elsewhere)
REAL_ENGLISH = Path("../shared/data/real-english")
HOLDOUT, SEED = 0.1, 0  # the real-speech split of the shipped recipes (bench_real_speech.py)


@dataclass(frozen=True)
class Spec:
    """One synthetic utterance to make: ``role`` is train, held (a held-out voice variant
    of a trained language) or unseen (a language never trained on)."""

    name: str
    voice: str
    text: str
    rate: int
    pitch: int
    role: str


def synthesise(voice: str, text: str, rate: int = espeak_ipa.DEFAULT_RATE,
               pitch: int = espeak_ipa.DEFAULT_PITCH) -> tuple[np.ndarray, Timeline]:  # fmt: skip
    """16 kHz audio and its timeline of ARPAbet classes from espeak-ng's own IPA phoneme
    events; raises ValueError where espeak-ng switched language or an event has no segment."""
    spoken = espeak_ipa.speak(voice, text, rate, pitch)
    return spoken.audio, events_timeline(spoken.marks, spoken.samples, spoken.rate)


def event_phones(label: str) -> tuple[str, ...] | None:
    """The stress-free ARPAbet classes of one IPA phoneme event: () for a pause, None for a
    bare modifier (it belongs to the phone before). espeak-ng writes aspiration as a plain
    ``h`` after the stop (Mandarin ``tɕh``); it is read as the diacritic it stands for."""
    if label.startswith("("):
        raise ValueError(f"espeak-ng switched language {label}")
    if not label.strip("_ "):
        return ()
    if len(label) > 1 and label.endswith("h") and label[-2] in _ASPIRATED:
        label = label[:-1] + "ʰ"
    segs = ipa.segments(_tied(label), strict=False)
    if not segs:
        return None
    return tuple(p.rstrip("012") for seg in segs for p in ipa.to_arpabet_phones(seg))


def _tied(label: str) -> str:
    """One event is one espeak-ng phoneme: two vowels are its diphthong (``aɪ`` -> AY, not AA
    IH) and a stop with a fricative its affricate (``dʒ`` -> JH), as the pronunciation route's
    tied IPA reads them; anything else keeps its parts (Mandarin ``onɡ`` stays OW N G)."""
    parts: list[str] = []
    for ch in label:
        if ch in "ˈˌ-":
            continue
        if parts and (unicodedata.combining(ch) or unicodedata.category(ch) == "Lm" or ch in "ːˑ"):
            parts[-1] += ch
        else:
            parts.append(ch)
    if len(parts) != 2:
        return label
    segs = [ipa.segments(p, strict=False) for p in parts]
    if any(len(g) != 1 for g in segs):
        return label
    a, b = segs[0][0], segs[1][0]
    if (a.is_vowel and b.is_vowel) or (a.manner == "stop" and b.manner == "fricative"):
        return TIE.join(parts)
    return label


def events_timeline(marks: list[tuple[str, int]], total: int, rate: int) -> Timeline:
    """Each event spans until the next; an event of k classes splits its span in k."""
    phones: Timeline = []
    if not marks or marks[0][1] > 0:
        phones.append(("sil", 0.0, (marks[0][1] if marks else total) / rate))
    for (label, s), (_, nxt) in zip(marks, [*marks[1:], ("_end", total)], strict=True):
        if label == "_end" or nxt <= s:
            continue
        classes = event_phones(label)
        if classes is None:
            if phones:
                phones[-1] = (phones[-1][0], phones[-1][1], nxt / rate)
            continue
        classes = classes or ("sil",)
        step = (nxt - s) / len(classes)
        phones += [(c, (s + k * step) / rate, (s + (k + 1) * step) / rate) for k, c in enumerate(classes)]
    if phones and phones[-1][2] < total / rate:
        phones.append(("sil", phones[-1][2], total / rate))
    merged: Timeline = []
    for label, a, b in phones:
        if merged and label == "sil" == merged[-1][0]:
            merged[-1] = ("sil", merged[-1][1], b)
        elif b > a:
            merged.append((label, a, b))
    return merged


def texts(sentences: list[str], count: int, rng: random.Random) -> list[str]:
    """The sentences, then their words shuffled into new lines of 4-9 words (espeak-ng reads
    anything): more orders of each language's sounds from a few lines of text."""
    words = [w for s in sentences for w in s.split()]
    out = list(sentences)
    while len(out) < count:
        out.append(" ".join(rng.sample(words, min(len(words), rng.randint(4, 9)))))
    return out[:count]


def plan(per_language: int, held: int, unseen: int, seed: int = 0) -> list[Spec]:
    """Utterances to make: ``per_language`` of each trained language on the training variants,
    ``held`` more on the held-out variants, ``unseen`` of each unseen language."""
    rng = random.Random(seed)
    specs: list[Spec] = []

    def add(lang: str, sentences: list[str], n: int, variants: tuple[str, ...], role: str) -> None:
        for i, text in enumerate(texts(sentences, n, rng)):
            voice = f"{lang}+{rng.choice(variants)}"
            specs.append(Spec(f"{role}-{lang}-{i:03d}", voice, text, rng.randint(130, 230),
                              rng.randint(25, 75), role))  # fmt: skip

    for lang, sentences in TRAIN.items():
        add(lang, sentences, per_language, TRAIN_VARIANTS, "train")
        add(lang, sentences[::-1], held, HELD_VARIANTS, "held")
    for lang, sentences in UNSEEN.items():
        add(lang, sentences, unseen, TRAIN_VARIANTS + HELD_VARIANTS, "unseen")
    return specs


def write_example(work: Path, name: str, audio: np.ndarray, timeline: Timeline) -> None:
    """The trainer's files: the log-mel in ``cache/`` and the exact timings in ``data/``."""
    (work / "cache").mkdir(parents=True, exist_ok=True)
    (work / "data").mkdir(parents=True, exist_ok=True)
    np.savez(work / "cache" / f"{name}.npz", mel=log_mel(audio).astype(np.float32))
    doc = [{"phone": p, "start": round(a, 4), "end": round(b, 4)} for p, a, b in timeline]
    (work / "data" / f"{name}.phones.json").write_text(json.dumps(doc))


def make_synthetic(work: Path, specs: list[Spec]) -> dict[str, list[str]]:
    """Synthesise and write every spec that espeak-ng speaks cleanly; names by role."""
    made: dict[str, list[str]] = {}
    for spec in specs:
        try:
            audio, timeline = synthesise(spec.voice, spec.text, spec.rate, spec.pitch)
        except ValueError as exc:
            _log(f"skip {spec.name}: {exc}")
            continue
        audio = audio[: int(round(timeline[-1][2] * SAMPLE_RATE))]
        problem = verify(audio, timeline)
        if problem:
            _log(f"skip {spec.name}: {problem}")
            continue
        write_example(work, spec.name, audio, timeline)
        made.setdefault(spec.role, []).append(spec.name)
    (work / "specs.json").write_text(json.dumps([vars(s) for s in specs], ensure_ascii=False, indent=0))
    return made


def real_english_items(held_out: bool = False, corpus: Path = REAL_ENGLISH) -> list:
    """``real-english``'s training speakers (or its held-out ones), split as the shipped recipes."""
    from audioface.evaluate.corpus import find_items
    from audioface.training.split import split

    return split(find_items(corpus), HOLDOUT, SEED)[1 if held_out else 0]


def label_real_english(work: Path, count: int, seed: int = 0, corpus: Path = REAL_ENGLISH) -> list[str]:
    """Up to ``count`` training-speaker utterances aligned by the shipped aligner; an utterance
    with any stretch it is unsure of (pocketsphinx's cue in the pipeline) is left out."""
    from audioface.audio.load import load_audio
    from audioface.language.align import aligners, learned_aligner
    from audioface.language.pronounce.transcript import tokens

    items = real_english_items(corpus=corpus)
    random.Random(seed).shuffle(items)
    names: list[str] = []
    for item in items[: int(count * 1.3)]:
        audio = load_audio(str(item.audio))
        words = [t.word for t in tokens(item.text or "", "en")]
        if not words:
            continue
        pcm = (np.clip(audio.samples, -1, 1) * 32767).astype(np.int16).tobytes()
        raw, _ = learned_aligner.align(pcm, words)
        if not raw or aligners.weakest_stretch(raw) < aligners.CONFIDENT:
            continue
        timeline = [(p, a, b) for _, _, _, phones, _ in raw for p, a, b in phones]
        write_example(work, f"real-{item.name}", audio.samples, with_silence(timeline, audio.duration))
        names.append(f"real-{item.name}")
        if len(names) >= count:
            break
    return names


def with_silence(phones: Timeline, duration: float) -> Timeline:
    out: Timeline = []
    t = 0.0
    for p, a, b in phones:
        if a > t + 1e-6:
            out.append(("sil", t, a))
        out.append((p, a, b))
        t = b
    if duration > t + 1e-6:
        out.append(("sil", t, duration))
    return out


class _Ref(NamedTuple):
    phone: str
    start: float
    end: float


def scores_of(model, mel: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(log posteriors with the vowels pooled, scaled log likelihoods) of a phone model
    (:class:`audioface.language.align.acoustic.PhoneModel`), as the learned aligner computes them."""
    from audioface.language.align import acoustic, learned_aligner
    from audioface.phones import VOWELS

    log_post = model.log_posteriors(mel)
    vowels = np.array([model.index[p] for p in sorted(VOWELS)])
    pooled = learned_aligner.pool_class(log_post, vowels, learned_aligner.VOWEL_SHARE)
    return pooled, pooled - acoustic.PRIOR_SCALE * model.log_priors


def align_known(model, mel: np.ndarray, timeline: Timeline) -> tuple[list[float], float]:
    """(start of each of the timeline's phones as the learned aligner places them, frame
    accuracy of the model's argmax). The known phones go in as the transcript would, the runs
    between pauses as words, so this measures the phone model's ears and not a pronunciation
    route: the multilingual aligner's figure per language."""
    from audioface.language.align import forced, learned_aligner
    from audioface.training.aligner import frame_labels

    runs: list[list[str]] = [[]]
    for p, _, _ in timeline:
        if p != "sil":
            runs[-1].append(p)
        elif runs[-1]:
            runs.append([])
    runs = [r for r in runs if r]
    log_post, scores = scores_of(model, mel)
    words = [f"w{i}" for i in range(len(runs))]
    raw, _ = forced.align(log_post, scores, words, [[tuple(r)] for r in runs], model.index,
                          min_frames=learned_aligner.MIN_FRAMES)  # fmt: skip
    starts = [a for _, _, _, phones, _ in raw for _, a, _ in phones]
    labels = frame_labels([_Ref(p, a, b) for p, a, b in timeline], len(mel))
    return starts, float((model.log_posteriors(mel).argmax(1) == labels).mean())


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m audioface.training.multilingual", description=__doc__)
    parser.add_argument("--work", type=Path, default=Path("runs/multilingual"))
    parser.add_argument("--per-language", type=int, default=40, help="training utterances per language")
    parser.add_argument("--held", type=int, default=6, help="held-out-variant utterances per language")
    parser.add_argument("--unseen", type=int, default=12, help="utterances per unseen language")
    parser.add_argument("--real", type=int, default=400, help="real English utterances to label")
    parser.add_argument("--real-english", type=Path, default=REAL_ENGLISH, help="the real-english corpus")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    made = make_synthetic(args.work, plan(args.per_language, args.held, args.unseen))
    _log(f"synthetic: { {k: len(v) for k, v in made.items()} } in {time.perf_counter() - t0:.0f} s")
    real = label_real_english(args.work, args.real, corpus=args.real_english) if args.real else []
    _log(f"real English: {len(real)} in {time.perf_counter() - t0:.0f} s")
    split = {"train": made.get("train", []) + real, "held_out": made.get("held", []),
             "unseen": made.get("unseen", [])}  # fmt: skip
    (args.work / "split.json").write_text(json.dumps(split, indent=0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
