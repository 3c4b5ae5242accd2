"""One training run as a user asks for it: a recipe (or the fine-tuning one), extra data folders,
overrides, then the held-out report. What ``audioface train`` does, callable from Python."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from audioface.errors import AudioFaceError
from audioface.training.config import load_config, shipped_recipe
from audioface.training.report import evaluate_run
from audioface.training.train import train


@dataclass
class TrainingRun:
    model: Path  # the exported .onnx, usable as a generator path
    report: Path | None  # the held-out report, when anything could be scored


def run_training(
    out: str | Path,
    config: str | Path | None = None,
    data: list[str | Path] | None = None,
    *,
    resume: bool = False,
    epochs: int | None = None,
    seed: int | None = None,
    init: str | None = None,
    evaluate: bool = True,
    log: Callable[[str], None] = print,
) -> TrainingRun:
    """Train from ``config`` (a TOML recipe), or fine-tune the shipped model on ``data``
    with the shipped fine-tuning recipe when no config is given."""
    data = [str(Path(d)) for d in (data or [])]
    if config is None and not data:
        raise AudioFaceError("nothing to train on: give data folders to fine-tune on, or a recipe", "data")
    cfg = load_config(config if config is not None else shipped_recipe("fine-tune"))
    cfg.data.corpora += data
    for folder in cfg.data.corpora:
        if not Path(folder).is_dir():
            raise AudioFaceError(f"data folder not found: {folder}", "data")
    if epochs is not None:
        cfg.train.epochs = epochs
    if seed is not None:
        cfg.seed = seed
    if init is not None:
        cfg.train.init = init
    run_dir = Path(out)
    onnx_path = train(cfg, run_dir, resume=resume, log=log)
    report = evaluate_run(run_dir, onnx_path, log=log) if evaluate else None
    return TrainingRun(onnx_path, report)
