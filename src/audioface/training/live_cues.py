"""Cues as a live stream is told them: the words aligned as the audio arrives, not in hindsight.

A live model (``cue_delay`` > 0) is told each frame's phone as the live aligner
(:class:`audioface.language.align.online.OnlineAligner`) settles it, from 60 ms of
look-ahead and with that aligner's mistakes. Trained on the offline alignment's
phones instead, it learns to trust its cues more than live ones deserve. So
each example's cues are remade from its own log-mel (augmented copies
included: a noisy copy misleads the live aligner as a noisy stream would) and
its item's transcript, once, and kept beside the examples; the targets stay the
offline alignment's.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from audioface.audio.mel import N_MELS
from audioface.errors import AudioFaceError
from audioface.language.align.online import LAG, OnlineAligner
from audioface.motion.learned.cues import live_cues
from audioface.parallel import parallel_map
from audioface.training.data import Example


def live_cue_rows(mel: np.ndarray, text: str) -> np.ndarray:
    """(len(mel), N_CUES) cues of each frame's phone as the live aligner settles it, given
    the whole text up front (as a voice agent knows its words); not yet delayed."""
    aligner = OnlineAligner(history=len(mel) + LAG + 1)
    aligner.add_text(text)
    aligner.push(mel)
    aligner.finish()
    phones, present = aligner.settled(np.arange(len(mel)))
    return live_cues(phones, present)


def _remake(job: tuple[np.ndarray, str, Path]) -> None:
    mel, text, path = job
    tmp = path.with_suffix(".tmp.npy")
    np.save(tmp, live_cue_rows(mel, text))
    tmp.replace(path)


def with_live_cues(
    examples: list[Example],
    texts: dict[str, str],
    folder: Path,
    jobs: int = 2,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Replace each example's cues by the live aligner's (made once, kept in ``folder``);
    examples without cues or without a transcript keep what they have."""
    folder.mkdir(parents=True, exist_ok=True)
    todo, chosen = [], []
    for e in examples:
        text = texts.get(e.name.split("~")[0])
        if e.cues is None or not text:
            continue
        if e.mel.shape[1] != N_MELS:
            raise AudioFaceError(f"live cues need the live aligner's {N_MELS}-band log-mel; {e.name} has "
                                 f"{e.mel.shape[1]} bands")  # fmt: skip
        path = folder / f"{e.name}.npy"
        chosen.append((e, path))
        if not path.is_file():
            todo.append((e.mel, text, path))
    parallel_map(_remake, todo, jobs, progress, whisper_free=True)
    for e, path in chosen:
        e.cues = np.load(path)
