#!/usr/bin/env python3
"""Seals and roundings in the wrong place: the other side of the lip-sync score (issue 32).

The score counts only events a mouth misses, so a mouth that seals and rounds everywhere gains.
This counts, for ``--stream`` on the held-out speakers of ``multilingual-speech``, the live
mouth's seals (lip gap <= 0.08) with no closure, labiodental or pause of the reference within
30 ms, and its roundings (max(funnel, pucker) >= 0.15) with no rounded segment within 50 ms.
References: the transcripts aligned in their own language, as ``bench_multilingual_real.py``
wrote them (run it first, or point ``--refs`` at its ``refs`` folder).

    python3 bench/bench_false_events.py [--refs runs/multilingual-real/refs] [--no-ear]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "multilingual-speech"
SEAL_SLACK, ROUND_SLACK = 0.03, 0.05


def _runs(mask: np.ndarray) -> list[tuple[float, float]]:
    """(first, end) frame indices of each run of True."""
    edges = np.flatnonzero(np.diff(np.r_[0, mask.astype(int), 0]))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def _false(runs: list, fps: float, allowed: list[tuple[float, float]], slack: float) -> int:
    """Runs with no allowed span within ``slack`` seconds."""
    near = (any(a - slack <= e / fps and s / fps <= b + slack for a, b in allowed) for s, e in runs)
    return sum(not ok for ok in near)


def count(weights: np.ndarray, fps: float, ref: list) -> np.ndarray:
    """[seals, false seals, roundings, false roundings] of one animation against its reference."""
    from audioface import arkit
    from audioface.evaluate.lipsync import _event
    from audioface.signals import lip_gap

    kinds = [(_event(p), p.start, p.end, p.phone) for p in ref]
    sealing = ("closure", "labiodental", "rest")
    seal_ok = [(a, b) for kind, a, b, phone in kinds if kind in sealing or phone == "sil"]
    round_ok = [(a, b) for kind, a, b, _ in kinds if kind == "rounding"]
    seals = _runs(lip_gap(weights) <= 0.08)
    rounded = np.maximum(weights[:, arkit.INDEX["mouthFunnel"]], weights[:, arkit.INDEX["mouthPucker"]])
    rounds = _runs(rounded >= 0.15)
    return np.array([len(seals), _false(seals, fps, seal_ok, SEAL_SLACK),
                     len(rounds), _false(rounds, fps, round_ok, ROUND_SLACK)])  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--refs", type=Path, default=ROOT / "runs" / "multilingual-real" / "refs")
    parser.add_argument("--no-ear", action="store_true", help="the live loop without Whisper's ear")
    args = parser.parse_args(argv)
    import audioface
    from audioface.audio import load_audio
    from audioface.evaluate.corpus import find_items
    from audioface.formats.phones import read_phones
    from audioface.language.recognize import whisper_live
    from audioface.training.multilingual_real import held_out_names

    if args.no_ear:
        whisper_live.available = lambda: False  # every loop made from here on hears without it

    held = held_out_names(DATA)
    total = np.zeros(4, np.int64)
    for item in (it for it in find_items(DATA) if it.name in held):
        anim = audioface.animate_stream(load_audio(item.audio)).animation
        total += count(anim.weights, anim.fps, read_phones(args.refs / f"{item.name}.phones.json", "ipa"))
    print(f"seals {total[0]}, {total[1]} with no closure, tuck or pause within 30 ms; "
          f"roundings {total[2]}, {total[3]} with no rounded segment within 50 ms")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
