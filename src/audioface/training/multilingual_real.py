"""Real speech in other languages for the phone models, timed by the language stage.

The multilingual phone models (:mod:`audioface.training.multilingual`) learned other
languages from espeak-ng's voices alone, and a robot's vowels are not a person's: the live
aligner fine-tuned on them moved the live path in ten real languages only 0.841 -> 0.846.
``multilingual-speech`` has real read speech with its transcript and language; its training
speakers (the split of :mod:`audioface.training.whisper_english`: a fifth of the speakers held
out, seed 0, so those stay unheard by every model) are aligned here by the language stage in
their own language (the transcript read on its language's route, timed by the learned
aligner), and each phone's ARPAbet class is the label, as real English is labelled. An
utterance with a word the aligner could only place by estimate is left out. Each is written
clean and as ``copies`` augmented copies (no speed change, so the timings hold), in the files
:mod:`audioface.training.aligner` loads::

    python -m audioface.training.multilingual_real --work runs/multilingual --drop train-en- \\
        --split-in runs/multilingual/split.json --split-out runs/multilingual/split-c.json

(the whole recipe, and the live model's training after it: ``models/aligner-live-multilingual.toml``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from audioface.audio.load import SAMPLE_RATE
from audioface.audio.mel import log_mel
from audioface.training.augment import AugmentConfig, augment
from audioface.training.multilingual import Timeline, with_silence, write_example
from audioface.training.split import split

CORPUS = Path("../shared/data/multilingual-speech")
HOLDOUT, SEED = 0.2, 0  # a fifth of the speakers held out
PREFIX = "mreal-"
# as the recipes augment real speech, less the speed change (the labels are not stretched)
AUGMENT = AugmentConfig(speed=(1.0, 1.0), band_prob=0.15, codec_prob=0.15)
TRUSTED = "transcript"  # a word's origin where the aligner placed it (not an estimate)


def speaker_split(corpus: Path = CORPUS, seed: int = SEED) -> tuple[list, list]:
    """(train, held out): the corpus's non-English items, a fifth of its speakers held out; the
    one split every model trained on this corpus keeps (the English check's head too)."""
    from audioface.evaluate.corpus import find_items

    return split([it for it in find_items(corpus) if (it.language or "en") != "en"], HOLDOUT, seed)


def training_items(corpus: Path = CORPUS) -> list:
    """The corpus's non-English items of its training speakers."""
    return speaker_split(corpus)[0]


def held_out_names(corpus: Path = CORPUS) -> set[str]:
    """The items of the speakers kept out, for the benchmarks."""
    return {it.name for it in speaker_split(corpus)[1]}


def aligned(item):
    """(audio, track) of one item's transcript aligned in its own language; None where a word
    is only estimated or nothing was aligned."""
    from audioface.audio.activity import detect_activity
    from audioface.audio.load import load_audio
    from audioface.language.track_builder import build_track

    audio = load_audio(str(item.audio))
    track = build_track(audio, detect_activity(audio), item.text, language=item.language, jobs=1)
    if not track.words or any(w.origin != TRUSTED for w in track.words):
        return None
    return audio, track


def arpabet_timeline(track, duration: float) -> Timeline:
    """The track's phones as the phone models' classes, silences between them."""
    return with_silence([(p.phone, p.start, p.end) for p in track.phones() if p.phone != "sil"], duration)


def write_copies(work: Path, name: str, samples: np.ndarray, copies: int, seed: int) -> None:
    """``copies`` augmented versions of the clean example ``name`` (``NAME~k.npz``)."""
    rng = np.random.default_rng(seed)
    for k in range(copies):
        noisy, _ = augment(samples, rng, AUGMENT)
        np.savez(work / "cache" / f"{name}~{k}.npz", mel=log_mel(noisy[: len(samples)]).astype(np.float32))


def label(work: Path, corpus: Path = CORPUS, copies: int = 2, mouth: Path | None = None) -> list[str]:
    """Write every training item that aligns cleanly; the names written (clean ones). With
    ``mouth``, each is also written as ``mouth/data/NAME.wav`` and its IPA phones, for
    :mod:`audioface.training.multilingual_mouth` to prepare."""
    names = []
    for n, item in enumerate(training_items(corpus)):
        got = aligned(item)
        if got is None:
            _log(f"skip {item.name}: a word only estimated")
            continue
        audio, track = got
        name = PREFIX + item.name
        write_example(work, name, audio.samples, arpabet_timeline(track, audio.duration))
        write_copies(work, name, audio.samples, copies, seed=n)
        if mouth is not None:
            write_mouth_item(mouth / "data", name, audio.samples, track)
        names.append(name)
    return names


def write_mouth_item(folder: Path, name: str, samples: np.ndarray, track) -> None:
    import soundfile

    from audioface.formats.phones import ipa_labels

    folder.mkdir(parents=True, exist_ok=True)
    soundfile.write(folder / f"{name}.wav", samples, SAMPLE_RATE, subtype="PCM_16")
    (folder / f"{name}.phones.json").write_text(json.dumps(ipa_labels(track), ensure_ascii=False))


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m audioface.training.multilingual_real",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--work", type=Path, default=Path("runs/multilingual"))
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="multilingual-speech (a manifest.tsv)")
    parser.add_argument("--copies", type=int, default=2, help="augmented copies of each utterance")
    parser.add_argument("--split-in", type=Path, required=True, help="the split to add the training items to")
    parser.add_argument("--split-out", type=Path, required=True)
    parser.add_argument(
        "--drop", action="append", default=[], metavar="PREFIX", help="leave out the split's items so named"
    )
    parser.add_argument(
        "--mouth", type=Path, help="also prepare the mouth models' examples here (e.g. runs/ml-mouth-real)"
    )
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    names = label(args.work, args.corpus, args.copies, args.mouth)
    if args.mouth:
        from audioface.training.multilingual_mouth import prepare_item

        made = [p for n in names for p in prepare_item((args.mouth / "data", n, args.copies, 0))]
        _log(f"{len(made)} mouth examples in {args.mouth / 'examples'}")
    _log(f"{len(names)} real utterances in other languages in {time.perf_counter() - t0:.0f} s")
    doc = json.loads(args.split_in.read_text())
    dropped = (PREFIX, *args.drop)
    doc["train"] = [n for n in doc["train"] if not n.startswith(dropped)] + names
    args.split_out.write_text(json.dumps(doc, indent=0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
