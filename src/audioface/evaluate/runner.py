"""Running the pipeline over a corpus and scoring every item, in parallel on all cores."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from audioface.errors import AudioFaceError
from audioface.evaluate.capture import CaptureScores, FaceMesh, score_capture
from audioface.evaluate.corpus import Item
from audioface.evaluate.lipsync import LipSyncResult, RefPhone, score_lipsync
from audioface.evaluate.phone_accuracy import AlignmentAccuracy, alignment_accuracy
from audioface.formats import read_weights
from audioface.formats.livelink import read_capture
from audioface.formats.phones import read_phones
from audioface.language import AUTO_LANGUAGE
from audioface.language.align.aligners import DEFAULT_ALIGNER
from audioface.motion.generators import DEFAULT, GeneratorSpec
from audioface.parallel import parallel_map

MODES = ("transcript", "recognized", "whisper", "phonetic")
MODE_ASR = {"transcript": "auto", "recognized": "words", "whisper": "whisper", "phonetic": "phonetic"}


@dataclass
class ItemResult:
    item: str
    mode: str
    lipsync: LipSyncResult
    alignment: AlignmentAccuracy | None = None
    capture: CaptureScores | None = None
    seconds: float = 0.0  # pipeline time
    duration: float = 0.0  # audio length
    weights: np.ndarray | None = field(default=None, repr=False)
    fps: float = 60.0
    reference: list[RefPhone] = field(default_factory=list, repr=False)
    language: str | None = None  # the item's own, where the corpus says (what --by language groups)
    read_as: str = AUTO_LANGUAGE  # the language the pipeline was told


@dataclass(frozen=True)
class Task:
    item: Item
    mode: str  # one of MODES, "pred" or "capture"
    pred_dir: Path | None = None
    phoneset: str = "auto"
    fps: float = 60.0
    mesh: FaceMesh | None = None
    generator: str | GeneratorSpec = DEFAULT  # a registry name, a model path or a resolved spec
    aligner: str = DEFAULT_ALIGNER
    language: str = AUTO_LANGUAGE  # told to every item; "auto": each item's own, else auto

    @property
    def read_as(self) -> str:
        """The language the pipeline is told: the flag's, else the item's, else auto."""
        if self.language != AUTO_LANGUAGE:
            return self.language
        return self.item.language or AUTO_LANGUAGE


def plan(items: list[Item], modes: list[str], pred_dir: Path | None, phoneset: str, fps: float,
         mesh: FaceMesh | None, generator: str | GeneratorSpec = DEFAULT,
         aligner: str = DEFAULT_ALIGNER, language: str = AUTO_LANGUAGE) -> list[Task]:  # fmt: skip
    tasks = []
    for item in items:
        if item.phones is None:
            continue  # nothing to score against
        if pred_dir is not None:
            tasks.append(Task(item, "pred", pred_dir, phoneset, fps, mesh))
        else:
            for mode in modes:
                if mode == "transcript" and item.text is None:
                    continue
                tasks.append(Task(item, mode, None, phoneset, fps, mesh, generator, aligner, language))
        if item.capture is not None:
            tasks.append(Task(item, "capture", None, phoneset, fps, mesh))
    return tasks


def run_task(task: Task) -> ItemResult:
    ref = read_phones(task.item.phones, task.phoneset)
    duration = ref[-1].end if ref else 0.0
    align = None
    t0 = time.perf_counter()
    if task.mode == "pred":
        weights, fps = read_weights(_prediction_file(task.pred_dir, task.item.name))
    elif task.mode == "capture":
        cap = read_capture(task.item.capture)
        fps = 1.0 / float(np.median(np.diff(cap.times)))
        weights = cap.weights
    else:
        from audioface.api import animate  # the evaluator drives the whole pipeline

        anim = animate(
            task.item.audio,
            task.item.text if task.mode == "transcript" else None,
            fps=task.fps,
            language=task.read_as,
            asr=MODE_ASR[task.mode],
            aligner=task.aligner,
            jobs=1,
            generator=task.generator,
        )
        weights, fps, duration = anim.weights, anim.fps, anim.duration
        if anim.track.words:
            predicted = [RefPhone(p.phone, p.start, p.end, p.stress) for p in anim.track.phones()]
            align = alignment_accuracy(predicted, ref)
    seconds = time.perf_counter() - t0
    capture = None
    if task.item.capture is not None and task.mode != "capture":
        capture = score_capture(weights, fps, read_capture(task.item.capture), task.mesh)
    result = score_lipsync(weights, fps, ref)
    return ItemResult(task.item.name, task.mode, result, align, capture, seconds, duration, weights, fps, ref,
                      task.item.language, task.read_as)  # fmt: skip


def _prediction_file(folder: Path, name: str) -> Path:
    for ext in (".json", ".csv", ".tsv", ".xml"):
        if (folder / f"{name}{ext}").is_file():
            return folder / f"{name}{ext}"
    raise AudioFaceError(f"no prediction for {name} in {folder} (.json, .csv, .tsv or .xml)")


def run(
    tasks: list[Task], jobs: int | None = None, progress: Callable[[int, int], None] | None = None
) -> list[ItemResult]:
    """All tasks, one per worker process; results in task order."""
    return parallel_map(run_task, tasks, jobs, progress)
