"""Training examples from corpus folders: inputs as the pipeline will see them, targets as wanted.

Inputs are made the way animating makes them: the audio through the audio
stage, the transcript through the language stage's forced alignment (so the
model learns from the alignment it will really get, errors included). Targets
come from a face capture where an item has one (a Live Link CSV, or any CSV
with ARKit-named columns), otherwise from the articulatory rules run on the
item's exact phone timings, and for real speech that has only a transcript,
from the rules on the transcript's forced alignment: the language stage
teaching the models that must work without words. The mask says which
channels an item really supervises (the rules speak only for the mouth; a
capture for its columns); the frame weight says how far each frame's target
can be trusted (words the aligner could only estimate count for little).
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
from audioface.track import Phone, PhoneTrack
from audioface.training.augment import AugmentConfig, augment


@dataclass
class Example:
    name: str
    mel: np.ndarray  # (n, n_mels)
    cues: np.ndarray | None  # (n, N_CUES), None where the item has no transcript
    targets: np.ndarray  # (n, 52)
    mask: np.ndarray  # (52,) bool: channels this item supervises
    sentence: np.ndarray | None = None  # (384,)
    frame_weight: np.ndarray | None = None  # (n,) trust in each frame's target; None: all 1

    def save(self, path: Path) -> None:
        arrays = {"mel": self.mel, "targets": self.targets, "mask": self.mask}
        for key in ("cues", "sentence", "frame_weight"):
            if getattr(self, key) is not None:
                arrays[key] = getattr(self, key)
        np.savez(path, **arrays)

    @classmethod
    def load(cls, path: Path) -> Example:
        with np.load(path) as z:
            return cls(path.stem, z["mel"], z.get("cues"), z["targets"], z["mask"], z.get("sentence"),
                       z.get("frame_weight"))  # fmt: skip


def stretch_frames(rows: np.ndarray, n: int, factor: float, nearest: bool = False) -> np.ndarray:
    """Rows at 100 per second, slowed down by ``factor``, as ``n`` frames."""
    src = np.minimum(np.arange(n) / factor, len(rows) - 1)
    if nearest:
        return rows[np.round(src).astype(int)]
    return resample_rows(rows, np.arange(len(rows)), src).astype(np.float32)


ESTIMATED_WEIGHT = 0.2  # a word the aligner rejected and placed by estimate: a weak label


def rule_targets(phones: list[Phone], loudness: np.ndarray, hop: float, n: int) -> np.ndarray:
    duration = max(phones[-1].end if phones else 0.0, (n - 1) / FRAME_RATE)
    params = mouth_params(phones, duration, FRAME_RATE, loudness, hop)
    return to_arkit(params)[:n]


def reference_phones(item: Item) -> list[Phone]:
    return [Phone(p.phone, p.start, p.end, p.stress) for p in read_phones(item.phones)]


def alignment_weight(track: PhoneTrack, n: int) -> np.ndarray:
    """1 where the aligner placed the words (and in pauses), ESTIMATED_WEIGHT in estimated words."""
    weight = np.ones(n, np.float32)
    for word in track.words:
        if not word.aligned:
            weight[int(word.start * FRAME_RATE) : int(np.ceil(word.end * FRAME_RATE))] = ESTIMATED_WEIGHT
    return weight


def capture_targets(item: Item, n: int) -> tuple[np.ndarray, np.ndarray]:
    cap = read_capture(item.capture)
    weights = resample_rows(cap.weights, cap.times, np.arange(n) / FRAME_RATE)
    mask = np.array([name in cap.present for name in arkit.NAMES])
    return weights.astype(np.float32), mask


def prepare_item(
    item: Item, copies: int, seed: int, aug: AugmentConfig, use_text: bool = True
) -> list[Example]:
    """The clean example and ``copies`` augmented ones of one corpus item; none for a
    transcript-only item the aligner could not place at all."""
    sound = load_audio(item.audio)
    activity = detect_activity(sound)
    mel = log_mel(sound.samples)
    n = len(mel)
    track = None
    if (use_text or (item.capture is None and item.phones is None)) and item.text:
        track = build_track(sound, activity, item.text, jobs=1)
    frame_weight = None
    if item.capture is not None:
        targets, mask = capture_targets(item, n)
    elif item.phones is not None:
        targets = rule_targets(reference_phones(item), activity.loudness, activity.hop, n)
        mask = MOUTH_CHANNELS.copy()
    elif track is not None:  # the language stage labels real speech
        if not any(w.aligned for w in track.words):
            return []
        targets = rule_targets(track.phones(), activity.loudness, activity.hop, n)
        mask, frame_weight = MOUTH_CHANNELS.copy(), alignment_weight(track, n)
    else:
        raise ValueError(f"{item.name}: nothing to learn from (no capture CSV, phone file or transcript)")
    targets = np.pad(targets, ((0, n - len(targets)), (0, 0)), mode="edge") if len(targets) < n else targets
    cues = phone_cues(track, n, FRAME_RATE) if use_text and track is not None else None
    out = [Example(item.name, mel, cues, targets.astype(np.float32), mask, frame_weight=frame_weight)]
    rng = np.random.default_rng([seed, *item.name.encode()])
    for k in range(copies):
        samples, stretch = augment(sound.samples, rng, aug)
        m = log_mel(samples)
        out.append(Example(
            f"{item.name}~{k}", m,
            stretch_frames(cues, len(m), stretch, nearest=True) if cues is not None else None,
            stretch_frames(targets, len(m), stretch), mask,
            frame_weight=stretch_frames(frame_weight[:, None], len(m), stretch, nearest=True)[:, 0]
            if frame_weight is not None else None,
        ))  # fmt: skip
    return out


def _prepare(job: tuple) -> list[Path]:
    item, copies, seed, aug, use_text, cache = job
    paths = [cache / f"{item.name}.npz"] + [cache / f"{item.name}~{k}.npz" for k in range(copies)]
    unusable = cache / f"{item.name}.unusable"
    if unusable.is_file():
        return []
    if all(p.is_file() for p in paths):
        return paths
    examples = prepare_item(item, copies, seed, aug, use_text)
    if not examples:
        unusable.touch()
        return []
    for example, path in zip(examples, paths, strict=True):
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
