"""The training recipe's own data: synthetic speech whose phone timings are exact.

Sentences are drawn (seeded) from the CMU dictionary, with common function
words between content words so they read like speech, and spoken by every
installed engine and voice. The corpus is written in the evaluation format
(``NAME.wav``, ``NAME.txt``, ``NAME.phones.json``), so a held-out part can be
scored by ``audioface evaluate`` like any other corpus.
"""

from __future__ import annotations

import json
import random
import subprocess
from collections.abc import Callable
from pathlib import Path

from audioface.parallel import parallel_map
from audioface.training import synth

FUNCTION_WORDS = (
    "the a of to and in is you that it he was for on are with as his they be at one have this from "
    "or had by but what some we can out other were all there when up use your how said an each she "
    "which do their will way about many then them would so these her like him has more could no"
).split()

VOICES: tuple[tuple[str, str], ...] = (
    ("flite", "slt"), ("flite", "awb"), ("flite", "rms"),
    ("festival", "cmu_us_slt_arctic_hts"), ("festival", "kal_diphone"),
    ("espeak", "en-us"), ("espeak", "en"), ("espeak", "en-us+f3"), ("espeak", "en-029"),
    ("espeak", "en-gb-x-rp+m3"), ("espeak", "en-gb-scotland+f2"), ("espeak", "en-us-nyc+m5"),
)  # fmt: skip


def content_words(seed: int) -> list[str]:
    """Everyday-looking dictionary words: short, plain letters, one pronunciation."""
    from audioface.language.pronounce.lexicon import dictionary

    words = [w for w, prons in dictionary().items() if w.isalpha() and 3 <= len(w) <= 8 and len(prons) == 1]
    random.Random(seed).shuffle(words)
    return words[:6000]


def sentences(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    vocab = content_words(seed)
    out = []
    for _ in range(count):
        n = rng.randint(4, 9)
        words = [rng.choice(FUNCTION_WORDS) if i % 2 == 0 and rng.random() < 0.6 else rng.choice(vocab)
                 for i in range(n)]  # fmt: skip
        text = " ".join(words)
        out.append(text[0].upper() + text[1:] + rng.choice(".?!."))
    return out


def _make(job: tuple[Path, str, str, str, list[str], list[float]]) -> str | None:
    folder, name, engine, voice, texts, pauses = job
    if (folder / f"{name}.phones.json").is_file():
        return name  # made by an earlier, interrupted run
    try:
        audio, timeline = synth.make_item(engine, voice, texts, pauses)
    except (RuntimeError, subprocess.SubprocessError, OSError):
        return None
    synth.write_item(folder, name, audio, timeline, " ".join(texts))
    return name


def make_synthetic(
    folder: Path,
    per_voice: int,
    seed: int = 0,
    voices: tuple[tuple[str, str], ...] = VOICES,
    jobs: int = 2,
    progress: Callable[[int, int], None] | None = None,
) -> list[str]:
    """Synthesise ``per_voice`` two-sentence items for each installed voice; names of items made."""
    folder.mkdir(parents=True, exist_ok=True)
    usable = [(e, v) for e, v in voices if synth.available(e)]
    if not usable:
        raise RuntimeError("no speech synthesizer installed: install flite, festival or espeak-ng")
    texts = sentences(2 * per_voice * len(usable), seed)
    rng = random.Random(seed + 1)
    work = []
    for i, (engine, voice) in enumerate(usable):
        short = voice.replace("+", "_").replace("cmu_us_", "").replace("_arctic_hts", "")
        for j in range(per_voice):
            k = 2 * (i * per_voice + j)
            pauses = [round(rng.uniform(0.15, 0.6), 2), round(rng.uniform(0.1, 0.3), 2)]
            work.append((folder, f"{engine}_{short}_{j:03d}", engine, voice, texts[k : k + 2], pauses))
    made = [name for name in parallel_map(_make, work, max(1, jobs), progress) if name]
    (folder / "items.json").write_text(json.dumps(made, indent=0) + "\n")
    return made
