"""The end of a training run: the held-out items scored by the evaluator, against the rules.

The held-out items never reach the optimiser. Each is animated by the rules,
by the new model with its phone cues (when it takes them) and by the new model
on the audio alone; the report gives the metrics.md figures for each.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from audioface.evaluate.corpus import find_items
from audioface.evaluate.report import table
from audioface.evaluate.runner import Task, run
from audioface.evaluate.summary import summarize
from audioface.motion.learned.generator import Model
from audioface.output.atomic import write_atomic


def held_out_items(run_dir: Path) -> list:
    split = json.loads((run_dir / "split.json").read_text())
    wanted = set(split["held_out"])
    folders = [run_dir / "data", run_dir / "retargeted"]
    config = (run_dir / "config.toml").read_text()
    from audioface.training.config import load_config

    folders += [Path(c) for c in load_config(text=config).data.corpora]
    items = []
    for folder in folders:
        if folder.is_dir():
            items += [it for it in find_items(folder) if it.name in wanted and it.phones is not None]
    return sorted({it.name: it for it in items}.values(), key=lambda it: it.name)


def evaluate_run(
    run_dir: Path, onnx_path: Path, jobs: int = 2, log: Callable[[str], None] = print
) -> Path | None:
    """Write ``report.md`` in the run folder; None when no held-out item has reference phones."""
    items = held_out_items(run_dir)
    if not items:
        log("no held-out item has reference phones: skipping the evaluation")
        return None
    model = Model(onnx_path)
    tasks = []
    for item in items:
        base = Task(item, "transcript" if item.text else "recognized")
        tasks.append(replace(base, mode="rules"))
        if model.info.phones and item.text:
            tasks.append(replace(base, mode="learned", generator=str(onnx_path)))
        tasks.append(replace(base, mode="learned-audio", generator=str(onnx_path), audio_only=True))
    # the runner picks the pipeline from the mode name; ours are labels, so map them back
    results = run([replace(t, mode="transcript" if t.item.text else "recognized") for t in tasks], jobs)
    for res, task in zip(results, tasks, strict=True):
        res.mode = task.mode
    summary = summarize(results)
    lines = [f"# Held-out evaluation: {run_dir.name}", "",
             f"Model: `{onnx_path}` ({len(items)} held-out items; look-ahead {model.info.lookahead * 10} ms, "
             f"phone cues: {'yes' if model.info.phones else 'no'}).", "",
             "| generator | items | lip-sync score | correlation | lag ms | movement |",
             "|---|---|---|---|---|---|"]  # fmt: skip
    for mode, row in summary.items():
        lines.append(f"| {mode} | {row['items']} | {row['score']:.3f} | {row['correlation']:.3f} | "
                     f"{row['lag_ms']:.0f} | {row['movement_ratio']:.2f} |")  # fmt: skip
    lines += ["", "Per item:", "", "```", table(results), "```", ""]
    path = run_dir / "report.md"
    write_atomic(path, "\n".join(lines))
    return path
