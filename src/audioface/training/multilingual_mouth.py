"""Multilingual material for the mouth models (``learned``, ``stream``): a fine-tune's examples.

The shipped mouth models heard English voices only. This prepares what a fine-tune from their
weights learns from, as prepared examples (``.npz``, :class:`audioface.training.data.Example`)
in one folder that a recipe names in ``[data] prepared``:

- **espeak-ng in many languages** (the sentences of :mod:`audioface.training.multilingual_text`,
  their words shuffled into new lines as the multilingual aligner's data does), two lines an
  item joined by pauses of known length, each line checked, phones labelled in IPA from
  espeak-ng's own phoneme events (:mod:`audioface.training.espeak_ipa` makes them, the same
  code that made ``corpus/dev-multilingual``). Targets are the rules' mouth on those exact IPA
  timings (``motion/articulation.py`` reads each segment's IPA: a French ``y`` is rounded with
  ``i``'s jaw), as stage 1 did for English; cues are the same exact phones, as a transcript in
  that language gives them. Voices: espeak-ng's variants other than the default, ``+f3`` and
  ``+m3``, which ``corpus/dev-multilingual`` speaks with, so that corpus stays unheard.
- **real English** of the recipes' training speakers (``real-english``, the same seeded
  speaker split: its held-out speakers stay out), labelled by the language stage as stage 2
  does (:func:`audioface.training.data.prepare`): the real voices the models must not forget.

Each item gives its clean example and ``copies`` augmented ones (the recipes' augmentation).
The evaluation-format items (``data/``: wav, txt, IPA phones, lang) are kept, so the made
speech can be scored like any corpus::

    python -m audioface.training.multilingual_mouth --work runs/ml-mouth
    audioface train --config src/audioface/models/learned-multilingual.toml --out runs/learned-ml
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

from audioface.audio import detect_activity, load_audio
from audioface.audio.mel import FRAME_RATE, log_mel
from audioface.errors import AudioFaceError
from audioface.formats.phones import read_phones
from audioface.motion.learned import MOUTH_CHANNELS
from audioface.motion.learned.cues import phone_cues
from audioface.parallel import parallel_map
from audioface.track import Phone, PhoneTrack, Word
from audioface.training import espeak_ipa
from audioface.training.augment import AugmentConfig, augment
from audioface.training.data import Example, rule_targets, stretch_frames

# espeak-ng's variants the fine-tune hears; corpus/dev-multilingual speaks with the default
# voice, +f3 and +m3, and the multilingual aligner holds out +f3 and +m7: all left out here
VARIANTS = ("m1", "m2", "m5", "f1", "f2", "f4", "klatt")
AUGMENT = AugmentConfig(band_prob=0.15, codec_prob=0.15)  # the shipped recipes' augmentation


def synthesise(folder: Path, per_language: int, seed: int = 0) -> list[str]:
    """``per_language`` two-line items for every language of the multilingual sentences,
    written in the evaluation format; the names of those espeak-ng spoke cleanly."""
    from audioface.training.multilingual import texts
    from audioface.training.multilingual_text import TRAIN

    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    made = []
    for voice, sentences in TRAIN.items():
        lines = texts(sentences, 2 * per_language, rng)
        for i in range(per_language):
            name = f"ml-{voice}-{i:03d}"
            variant = rng.choice(VARIANTS)
            rate, pitch = rng.randint(140, 210), rng.randint(30, 70)  # words a minute, pitch
            try:
                pair = lines[2 * i : 2 * i + 2]
                audio, phones = espeak_ipa.make_item(f"{voice}+{variant}", pair, rate, pitch)
            except (RuntimeError, ValueError) as exc:  # a line that fails its check, an odd symbol
                print(f"skip {name}: {exc}", file=sys.stderr)
                continue
            espeak_ipa.write_item(folder, name, audio, phones, " ".join(lines[2 * i : 2 * i + 2]),
                            voice.split("-")[0])  # fmt: skip
            try:  # a bare mark after a pause (Russian ʲ) names no phone: such an item is dropped
                read_phones(folder / f"{name}.phones.json")
            except AudioFaceError as exc:
                print(f"skip {name}: {exc}", file=sys.stderr)
                for path in folder.glob(f"{name}.*"):
                    path.unlink()
                continue
            made.append(name)
    return made


def exact_track(phones: list[Phone], duration: float) -> PhoneTrack:
    """A track of exact phones, one word per run between pauses: what a transcript in the
    item's language aligned perfectly gives the cues (phone, segment targets, word starts)."""
    words: list[list[Phone]] = [[]]
    for ph in phones:
        if ph.phone == "sil":
            if words[-1]:
                words.append([])
        else:
            words[-1].append(ph)
    return PhoneTrack(
        [Word("w", w[0].start, w[-1].end, tuple(w)) for w in words if w], duration, "transcript"
    )


def prepare_item(job: tuple[Path, str, int, int]) -> list[str]:
    """One synthetic item's clean and augmented examples, saved in ``out``; their file names."""
    folder, name, copies, seed = job
    out = folder.parent / "examples"
    paths = [out / f"{name}.npz"] + [out / f"{name}~{k}.npz" for k in range(copies)]
    if all(p.is_file() for p in paths):
        return [p.name for p in paths]
    out.mkdir(parents=True, exist_ok=True)
    sound = load_audio(folder / f"{name}.wav")
    activity = detect_activity(sound)
    mel = log_mel(sound.samples)
    n = len(mel)
    phones = [
        Phone(p.phone, p.start, p.end, p.stress, p.ipa) for p in read_phones(folder / f"{name}.phones.json")
    ]
    targets = rule_targets(phones, activity.loudness, activity.hop, n)
    targets = np.pad(targets, ((0, n - len(targets)), (0, 0)), mode="edge") if len(targets) < n else targets
    cues = phone_cues(exact_track(phones, sound.duration), n, FRAME_RATE)
    examples = [Example(name, mel, cues, targets.astype(np.float32), MOUTH_CHANNELS.copy())]
    rng = np.random.default_rng([seed, *name.encode()])
    for k in range(copies):
        samples, stretch = augment(sound.samples, rng, AUGMENT)
        m = log_mel(samples)
        examples.append(Example(f"{name}~{k}", m, stretch_frames(cues, len(m), stretch, nearest=True),
                                stretch_frames(targets, len(m), stretch), MOUTH_CHANNELS.copy()))  # fmt: skip
    for example, path in zip(examples, paths, strict=True):
        example.save(path)
    return [p.name for p in paths]


def real_english(out: Path, count: int, copies: int, seed: int = 0, jobs: int = 2,
                 corpus: Path | None = None) -> list[str]:  # fmt: skip
    """``count`` utterances of the recipes' training speakers, labelled by the language stage
    and prepared as stage 2 prepares them; example file names."""
    from audioface.training import data
    from audioface.training.multilingual import REAL_ENGLISH, real_english_items

    # the recipes' split: held-out speakers never come here
    items = real_english_items(corpus=corpus or REAL_ENGLISH)
    random.Random(seed).shuffle(items)
    paths = data.prepare(items[:count], out, copies, seed, AUGMENT, True, jobs)
    return [p.name for p in paths]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m audioface.training.multilingual_mouth",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--work", type=Path, default=Path("runs/ml-mouth"))
    parser.add_argument("--per-language", type=int, default=12, help="synthetic items per language")
    parser.add_argument("--real", type=int, default=500, help="real English utterances")
    parser.add_argument("--real-english", type=Path, default=Path("../shared/data/real-english"),
                        help="the real-english corpus (default: beside the repository)")  # fmt: skip
    parser.add_argument("--copies", type=int, default=1, help="augmented copies per item")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    made = synthesise(args.work / "data", args.per_language)
    print(f"synthesised {len(made)} items in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    jobs = [(args.work / "data", name, args.copies, 0) for name in made]
    synthetic = [p for got in parallel_map(prepare_item, jobs, args.jobs) for p in got]
    print(f"{len(synthetic)} synthetic examples in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    real = []
    if args.real:
        out = args.work / "examples"
        real = real_english(out, args.real, args.copies, jobs=args.jobs, corpus=args.real_english)
    print(f"{len(real)} real English examples in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    summary = {"synthetic": synthetic, "real": real, "seconds": round(time.perf_counter() - t0)}
    (args.work / "examples.json").write_text(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
