#!/usr/bin/env python3
"""Mandarin speech against a captured face: the lip gap's correlation with the capture, per take.

``../shared/data/facegood-capture`` is FACEGOOD's release: seven takes of Mandarin speech
(47-113 s) with the rig weights captured from the speaker's face at 30 fps. Its own mapping
(``audioface.training.facegood``) retargets them to 27 ARKit names, mouth only, which is
enough for the lip gap (``audioface.signals.lip_gap``: jaw open less mouth close, plus the
lower and upper lips). There is no transcript, so every way here hears the words or phones:

- ``auto``: ``animate`` as shipped, without a transcript (Whisper hears the language);
- ``zh``: the same with ``--language zh``;
- ``audio``: ``--generator learned-audio`` (phones heard, no words);
- ``stream``: ``animate_stream`` (the live path, 20 ms chunks);
- ``words``: ``--asr words`` (pocketsphinx's English words, the old fallback), for comparison;
- ``en``: ``--language en`` (Whisper tiny.en's English words, the old default), for comparison.

Per take: Pearson's r of AudioFace's lip gap (resampled to the capture's frame times) with the
capture's, at lag 0 and at the best shift within +-0.3 s (positive: AudioFace's mouth is late).
Whisper's recognitions are cached in ``WORK/asr``, each way's lip gap in ``WORK/gaps``.

    python3 bench/bench_capture.py [--ways auto,zh,audio,stream,words,en] [--takes 1114_3_15,...]
        [--jobs 2] [--work runs/capture]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "facegood-capture"
WAYS = ("auto", "zh", "audio", "stream", "words", "en")
LABELS = {
    "auto": "default, no transcript (auto)",
    "zh": "--language zh",
    "audio": "--generator learned-audio",
    "stream": "--stream",
    "words": "--asr words (pocketsphinx, English)",
    "en": "--language en (Whisper tiny.en)",
}
MAX_LAG = 0.3


def captured_gap(folder: Path, take: str) -> tuple[np.ndarray, float]:
    """The capture's lip gap, retargeted by FACEGOOD's own mapping; ARKit names the rig lacks are 0."""
    from audioface import arkit
    from audioface.signals import lip_gap
    from audioface.training.facegood import FPS, MAPPING, NAMES, _load_npy, read_mapping, retarget

    mapping = read_mapping(folder / MAPPING)
    rig = [str(n) for n in _load_npy(folder / NAMES)]
    values = _load_npy(folder / "bs_value" / f"bs_value_{take}.npy").astype(np.float64)
    part = retarget(values, rig, mapping)
    full = np.zeros((len(part), len(arkit.NAMES)))
    for j, name in enumerate(mapping):
        full[:, arkit.NAMES.index(name)] = part[:, j]
    return lip_gap(full), FPS


def our_gap(way: str, wav: Path, jobs: int) -> tuple[np.ndarray, float, float]:
    """AudioFace's lip gap for the take one way: (gap, fps, seconds of compute)."""
    import audioface
    from audioface.signals import lip_gap

    t0 = time.perf_counter()
    if way == "stream":
        anim = audioface.animate_stream(wav).animation
    else:
        kwargs = {
            "auto": {},
            "zh": {"language": "zh"},
            "audio": {"generator": "learned-audio"},
            "words": {"asr": "words"},
            "en": {"language": "en"},
        }[way]
        anim = audioface.animate(wav, None, jobs=jobs, **kwargs)
    return lip_gap(anim.weights), anim.fps, time.perf_counter() - t0


def correlations(
    ours: np.ndarray, fps: float, captured: np.ndarray, cap_fps: float
) -> tuple[float, float, float]:
    """r at lag 0, the best r within +-MAX_LAG, and that lag in seconds (positive: ours late)."""
    times = np.arange(len(captured)) / cap_fps
    g = np.interp(times, np.arange(len(ours)) / fps, ours)
    best_r, best_k = -np.inf, 0
    max_k = int(MAX_LAG * cap_fps + 1e-9)
    for k in range(-max_k, max_k + 1):
        a, b = (g[k:], captured[: len(captured) - k]) if k >= 0 else (g[:k], captured[-k:])
        r = _pearson(a, b)
        if r > best_r + 1e-12 or (abs(r - best_r) <= 1e-12 and abs(k) < abs(best_k)):
            best_r, best_k = r, k
    return _pearson(g, captured), best_r, best_k / cap_fps


def _pearson(a: np.ndarray, b: np.ndarray) -> float:
    if len(a) < 2 or a.std() < 1e-12 or b.std() < 1e-12:
        return 0.0
    return float(np.corrcoef(a, b)[0, 1])


def cached_gap(way: str, wav: Path, work: Path, jobs: int) -> tuple[np.ndarray, float, float]:
    """A way's lip gap from ``WORK/gaps`` where a run has made it, else made and kept."""
    path = work / "gaps" / f"{wav.stem}.{way}.npz"
    if path.is_file():
        got = np.load(path)
        return got["gap"], float(got["fps"]), float(got["seconds"])
    gap, fps, seconds = our_gap(way, wav, jobs)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, gap=gap, fps=fps, seconds=seconds)
    return gap, fps, seconds


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--work", type=Path, default=ROOT / "runs" / "capture")
    parser.add_argument("--ways", default=",".join(WAYS), help=f"any of {', '.join(WAYS)}")
    parser.add_argument("--takes", help="only these takes (e.g. 1114_3_15), comma-separated")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--fresh", action="store_true", help="animate again, ignoring WORK/gaps")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_multilingual_real import cache_recognitions

    cache_recognitions(args.work / "asr")
    if args.fresh:
        for old in (args.work / "gaps").glob("*.npz"):
            old.unlink()
    ways = args.ways.split(",")
    takes = sorted(p.stem for p in (args.data / "wav").glob("*.wav"))
    takes = [t for t in takes if not args.takes or t in args.takes.split(",")]
    rows: dict[str, list[tuple[float, float, float, float, float]]] = {w: [] for w in ways}
    print("| way | take | s | r at lag 0 | best r (+-0.3 s) | best lag ms | compute, s per s |")
    print("|---|---|---|---|---|---|---|")
    for way in ways:
        for take in takes:
            captured, cap_fps = captured_gap(args.data, take)
            gap, fps, seconds = cached_gap(way, args.data / "wav" / f"{take}.wav", args.work, args.jobs)
            r0, best, lag = correlations(gap, fps, captured, cap_fps)
            duration = len(captured) / cap_fps
            rows[way].append((r0, best, lag, seconds, duration))
            cells = f"{duration:.0f} | {r0:.3f} | {best:.3f} | {lag * 1000:+.0f} | {seconds / duration:.3f}"
            print(f"| {LABELS[way]} | {take} | {cells} |", flush=True)
    print("\n| way | takes | r at lag 0 (mean, min-max) | best r (mean, min-max) | best lag ms (mean) |")
    print("|---|---|---|---|---|")
    for way in ways:
        a = np.array(rows[way])
        print(
            f"| {LABELS[way]} | {len(a)} | {a[:, 0].mean():.3f} ({a[:, 0].min():.2f}-{a[:, 0].max():.2f}) | "
            f"{a[:, 1].mean():.3f} ({a[:, 1].min():.2f}-{a[:, 1].max():.2f}) | {a[:, 2].mean() * 1000:+.0f} |"
        )


if __name__ == "__main__":
    main()
