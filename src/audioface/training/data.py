"""Training examples from corpus folders: inputs as the pipeline will see them, targets as wanted.

Inputs are made the way animating makes them: the audio through the audio
stage, the transcript through the language stage's forced alignment (so the
model learns from the alignment it will really get, errors included). Targets
come from a face capture where an item has one (a Live Link CSV, or any CSV
with ARKit-named columns), otherwise from the articulatory rules run on the
item's exact phone timings. The mask says which channels an item really
supervises: the rules speak only for the mouth; a capture for its columns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from audioface import arkit
from audioface.audio import detect_activity, load_audio
from audioface.audio.mel import FRAME_RATE, log_mel
from audioface.evaluate.corpus import Item
from audioface.formats.livelink import read_capture
from audioface.formats.phones import read_phones
from audioface.language import build_track
from audioface.motion.learned import MOUTH_CHANNELS
from audioface.motion.learned.cues import phone_cues
from audioface.motion.mouth import mouth_params
from audioface.motion.shapes import resample_rows
from audioface.motion.targets import to_arkit
from audioface.parallel import parallel_map
from audioface.track import Phone
from audioface.training.augment import AugmentConfig, augment


@dataclass
class Example:
    name: str
    mel: np.ndarray  # (n, n_mels)
    cues: np.ndarray | None  # (n, N_CUES), None where the item has no transcript
    targets: np.ndarray  # (n, 52)
    mask: np.ndarray  # (52,) bool: channels this item supervises
    sentence: np.ndarray | None = None  # (384,)

    def save(self, path: Path) -> None:
        arrays = {"mel": self.mel, "targets": self.targets, "mask": self.mask}
        if self.cues is not None:
            arrays["cues"] = self.cues
        if self.sentence is not None:
            arrays["sentence"] = self.sentence
        np.savez(path, **arrays)

    @classmethod
    def load(cls, path: Path) -> Example:
        with np.load(path) as z:
            return cls(path.stem, z["mel"], z.get("cues"), z["targets"], z["mask"], z.get("sentence"))


def stretch_frames(rows: np.ndarray, n: int, factor: float, nearest: bool = False) -> np.ndarray:
    """Rows at 100 per second, slowed down by ``factor``, as ``n`` frames."""
    src = np.minimum(np.arange(n) / factor, len(rows) - 1)
    if nearest:
        return rows[np.round(src).astype(int)]
    return resample_rows(rows, np.arange(len(rows)), src).astype(np.float32)


def rule_targets(item: Item, loudness: np.ndarray, hop: float, n: int) -> np.ndarray:
    ref = read_phones(item.phones)
    phones = [Phone(p.phone, p.start, p.end, p.stress) for p in ref]
    duration = max(ref[-1].end if ref else 0.0, (n - 1) / FRAME_RATE)
    params = mouth_params(phones, duration, FRAME_RATE, loudness, hop)
    return to_arkit(params)[:n]


def capture_targets(item: Item, n: int) -> tuple[np.ndarray, np.ndarray]:
    cap = read_capture(item.capture)
    weights = resample_rows(cap.weights, cap.times, np.arange(n) / FRAME_RATE)
    mask = np.array([name in cap.present for name in arkit.NAMES])
    return weights.astype(np.float32), mask


def prepare_item(
    item: Item, copies: int, seed: int, aug: AugmentConfig, use_text: bool = True
) -> list[Example]:
    """The clean example and ``copies`` augmented ones of one corpus item."""
    sound = load_audio(item.audio)
    activity = detect_activity(sound)
    mel = log_mel(sound.samples)
    n = len(mel)
    if item.capture is not None:
        targets, mask = capture_targets(item, n)
    elif item.phones is not None:
        targets, mask = rule_targets(item, activity.loudness, activity.hop, n), MOUTH_CHANNELS.copy()
    else:
        raise ValueError(f"{item.name}: nothing to learn from (no capture CSV and no phone file)")
    targets = np.pad(targets, ((0, n - len(targets)), (0, 0)), mode="edge") if len(targets) < n else targets
    cues = None
    if use_text and item.text:
        track = build_track(sound, activity, item.text, jobs=1)
        cues = phone_cues(track, n, FRAME_RATE)
    out = [Example(item.name, mel, cues, targets.astype(np.float32), mask)]
    rng = np.random.default_rng([seed, *item.name.encode()])
    for k in range(copies):
        samples, stretch = augment(sound.samples, rng, aug)
        m = log_mel(samples)
        out.append(Example(
            f"{item.name}~{k}", m,
            stretch_frames(cues, len(m), stretch, nearest=True) if cues is not None else None,
            stretch_frames(targets, len(m), stretch), mask,
        ))  # fmt: skip
    return out


def _prepare(job: tuple) -> list[Path]:
    item, copies, seed, aug, use_text, cache = job
    paths = [cache / f"{item.name}.npz"] + [cache / f"{item.name}~{k}.npz" for k in range(copies)]
    if all(p.is_file() for p in paths):
        return paths
    for example, path in zip(prepare_item(item, copies, seed, aug, use_text), paths, strict=True):
        tmp = path.with_suffix(".tmp.npz")
        example.save(tmp)
        tmp.replace(path)
    return paths


def prepare(
    items: list[Item],
    cache: Path,
    copies: int,
    seed: int,
    aug: AugmentConfig,
    use_text: bool = True,
    jobs: int = 2,
    progress: Callable[[int, int], None] | None = None,
) -> list[Path]:
    """Prepare every item once (cached as .npz, so an interrupted run resumes); all example files."""
    cache.mkdir(parents=True, exist_ok=True)
    work = [(item, copies, seed, aug, use_text, cache) for item in items]
    return [path for got in parallel_map(_prepare, work, max(1, jobs), progress) for path in got]
