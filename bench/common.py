"""Shared by the benchmarks: test speech of any length, and timing in a fresh process."""

from __future__ import annotations

import multiprocessing as mp
import resource
import time
from pathlib import Path

import numpy as np

CORPUS = Path(__file__).resolve().parent.parent / "corpus" / "dev"


def make_speech(seconds: float, voices: str = "natural") -> tuple[np.ndarray, str]:
    """The development corpus end to end, repeated to at least ``seconds``, with its transcript.

    ``voices="natural"`` leaves out espeak-ng's formant voices, which pocketsphinx
    aligns poorly: long audio of one kind of voice is the realistic case.
    """
    from audioface.audio import load_audio

    names = sorted(p.stem for p in CORPUS.glob("*.wav") if voices == "all" or not p.stem.startswith("espeak"))
    pieces, texts, total = [], [], 0.0
    while total < seconds:
        for name in names:
            audio = load_audio(CORPUS / f"{name}.wav")
            pieces.append(audio.samples)
            texts.append((CORPUS / f"{name}.txt").read_text().strip())
            total += audio.duration
            if total >= seconds:
                break
    # whole items only: cutting the audio short would leave words in the transcript
    # that are not in the audio
    return np.concatenate(pieces), " ".join(texts)


def _job(samples, text, asr, jobs, queue) -> None:
    import audioface

    audio = audioface.audio.Audio(samples)
    t0 = time.perf_counter()
    anim = audioface.animate(audio, text, asr=asr, jobs=jobs)
    elapsed = time.perf_counter() - t0
    queue.put(
        {
            "seconds": elapsed,
            "main_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "worker_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
            "words": len(anim.track.words),
        }
    )


def in_fresh_process(target, *args, method: str = "spawn"):
    """Run ``target(*args, queue)`` in its own process and return what it puts on the queue."""
    ctx = mp.get_context(method)
    queue = ctx.Queue()
    proc = ctx.Process(target=target, args=(*args, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def measure(samples: np.ndarray, text: str | None, asr: str = "words", jobs: int = 2) -> dict:
    """Run one animate() in a clean process, so its peak memory is its own."""
    return in_fresh_process(_job, samples, text, asr, jobs)
