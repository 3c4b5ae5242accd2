"""Many files at once: a folder or a manifest of recordings animated into one output folder.

Studios animate thousands of lines; what they need from a batch is that one bad file never
stops it, that a rerun only does what is missing or out of date, and a report saying what
happened to each file. Work is spread over worker processes forked after the models are
loaded, so each worker reuses them for every file it takes instead of loading them per file.
"""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from audioface.api import animate
from audioface.audio.load import AUDIO_EXTENSIONS
from audioface.errors import AudioFaceError
from audioface.formats import FORMATS, SUFFIXES, save
from audioface.formats.atomic import write_atomic
from audioface.language import check_language
from audioface.language.align.aligners import DEFAULT_ALIGNER
from audioface.motion import FaceOptions
from audioface.parallel import parallel_map

REPORT = "batch-report.json"
# what a manifest row may set
ROW_OPTIONS = ("format", "fps", "generator", "asr", "aligner", "emotion", "language")


@dataclass(frozen=True)
class BatchOptions:
    """Settings for every file (a manifest row may override ``ROW_OPTIONS``)."""

    format: str = "livelink"
    fps: float = 60.0
    generator: str = "learned"
    asr: str = "auto"
    aligner: str = DEFAULT_ALIGNER
    emotion: str = "neutral"
    language: str = "auto"
    face: FaceOptions = field(default_factory=FaceOptions)
    save_options: dict = field(default_factory=dict)  # extended_shapes, dat_fps, mesh, gltf_targets


@dataclass(frozen=True)
class BatchItem:
    audio: Path
    name: str
    text: str | None = None
    text_file: Path | None = None
    options: BatchOptions = field(default_factory=BatchOptions)

    def output(self, out_dir: Path) -> Path:
        return out_dir / f"{self.name}{SUFFIXES[self.options.format]}"


@dataclass
class ItemReport:
    name: str
    audio: str
    output: str
    status: str  # "ok", "failed" or "skipped"
    reason: str = ""
    seconds: float = 0.0


def from_folder(folder: str | Path, options: BatchOptions) -> list[BatchItem]:
    """Every recording in ``folder`` (recursively), with its same-name ``.txt`` if there is one."""
    folder = Path(folder)
    items = []
    for audio in sorted(p for p in folder.rglob("*") if p.suffix.lower() in AUDIO_EXTENSIONS):
        text = audio.with_suffix(".txt")
        name = audio.relative_to(folder).with_suffix("").as_posix().replace("/", "__")
        items.append(BatchItem(audio, name, None, text if text.is_file() else None, options))
    if not items:
        raise AudioFaceError(f"no recordings ({', '.join(AUDIO_EXTENSIONS)}) in {folder}")
    return items


def from_manifest(path: str | Path, options: BatchOptions) -> list[BatchItem]:
    """Rows of a CSV (header row) or JSONL manifest: ``audio``, optional ``text`` or ``text_file``,
    ``name``, and any of ``ROW_OPTIONS``. Paths are relative to the manifest's folder."""
    path = Path(path)
    try:
        if path.suffix.lower() == ".jsonl":
            rows = [
                json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
            ]
        else:
            with open(path, newline="", encoding="utf-8-sig") as fh:
                rows = list(csv.DictReader(fh))
    except (json.JSONDecodeError, csv.Error, UnicodeDecodeError) as exc:
        raise AudioFaceError(f"cannot read manifest {path}: {exc}") from None
    items, names = [], set()
    for k, row in enumerate(rows, 1):
        if not isinstance(row, dict) or not row.get("audio"):
            raise AudioFaceError(f"manifest {path}, row {k}: no 'audio' column")
        audio = path.parent / str(row["audio"])
        name = str(row.get("name") or Path(str(row["audio"])).stem)
        if name in names:
            raise AudioFaceError(f"manifest {path}, row {k}: the output name {name!r} is used twice")
        names.add(name)
        overrides = {key: row[key] for key in ROW_OPTIONS if row.get(key) not in (None, "")}
        if "fps" in overrides:
            try:
                overrides["fps"] = float(overrides["fps"])
            except ValueError:
                raise AudioFaceError(f"manifest {path}, row {k}: fps must be a number") from None
        if overrides.get("format", options.format) not in FORMATS:
            raise AudioFaceError(f"manifest {path}, row {k}: unknown format {overrides['format']!r}")
        if "language" in overrides:
            try:
                overrides["language"] = check_language(overrides["language"])
            except AudioFaceError as exc:
                raise AudioFaceError(f"manifest {path}, row {k}: {exc}") from None
        text_file = path.parent / str(row["text_file"]) if row.get("text_file") else None
        items.append(BatchItem(audio, name, str(row["text"]) if row.get("text") else None, text_file,
                               replace(options, **overrides)))  # fmt: skip
    if not items:
        raise AudioFaceError(f"manifest {path} has no rows")
    return items


def up_to_date(item: BatchItem, out_dir: Path) -> bool:
    """The output exists and is newer than the recording and its transcript."""
    out = item.output(out_dir)
    if not out.is_file():
        return False
    inputs = [p for p in (item.audio, item.text_file) if p is not None and p.is_file()]
    return all(out.stat().st_mtime >= p.stat().st_mtime for p in inputs)


def run_batch(
    items: list[BatchItem],
    out_dir: str | Path,
    *,
    force: bool = False,
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    ray: str | None = None,
) -> list[ItemReport]:
    """Animate every item into ``out_dir``; one report per item, in order, also written to
    ``out_dir/batch-report.json``. Failures are reported, never raised.

    ``ray`` sends the work to a Ray cluster instead of local processes: ``"auto"`` (the
    cluster this machine belongs to), an address, or ``"local"`` (the Ray instance this
    process already started or a new one on this machine). Paths must mean the same on
    every node: keep inputs and outputs on shared storage.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    todo = [it for it in items if force or not up_to_date(it, out_dir)]
    work = [(it, out_dir) for it in todo]
    if ray is not None:
        from functools import partial

        from audioface.batch_ray import run_on_ray

        results = run_on_ray(work, ray, partial(preload, todo), work_one, progress)
    else:
        preload(todo)
        results = parallel_map(work_one, work, jobs, progress)
    done = {r.name: r for r in results}
    reports = [done.get(it.name) or ItemReport(it.name, str(it.audio), str(it.output(out_dir)), "skipped")
               for it in items]  # fmt: skip
    doc = {**summary(reports), "files": [asdict(r) for r in reports]}
    write_atomic(out_dir / REPORT, json.dumps(doc, indent=1))
    return reports


def summary(reports: list[ItemReport]) -> dict[str, int]:
    """How many files were ok, failed and skipped."""
    return {status: sum(r.status == status for r in reports) for status in ("ok", "failed", "skipped")}


def work_one(job: tuple[BatchItem, Path]) -> ItemReport:
    item, out_dir = job
    out = item.output(out_dir)
    started = time.perf_counter()
    try:
        text = item.text
        if text is None and item.text_file is not None:
            try:
                text = item.text_file.read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError) as exc:
                raise AudioFaceError(f"cannot read the transcript {item.text_file}: {exc}") from None
        opts = item.options
        face = replace(opts.face, emotion=opts.emotion)
        anim = animate(
            item.audio,
            text,
            fps=opts.fps,
            asr=opts.asr,
            aligner=opts.aligner,
            language=opts.language,
            generator=opts.generator,
            face=face,
            jobs=1,
        )
        save(anim, out, opts.format, **opts.save_options)
        status, reason = "ok", ""
    except AudioFaceError as exc:
        status, reason = "failed", " ".join(str(exc).split())
    except Exception as exc:  # a bug must not stop the other files either
        status, reason = "failed", f"internal error: {type(exc).__name__}: {exc}"
    return ItemReport(
        item.name, str(item.audio), str(out), status, reason, round(time.perf_counter() - started, 3)
    )


def preload(items: list[BatchItem]) -> None:
    """Load what every file needs once, before the workers fork, so they share it."""
    from audioface.language.align import aligners
    from audioface.language.pronounce import lexicon
    from audioface.motion.generators import resolve
    from audioface.motion.learned import load_model

    for generator in {it.options.generator for it in items}:
        spec = resolve(generator)
        if spec.model is not None:
            load_model(spec.model)
    for aligner in {it.options.aligner for it in items} & set(aligners.ALIGNERS):  # a bad one fails its row
        aligners.prepare(aligners.resolve(aligner))
    if items:
        lexicon.load()
