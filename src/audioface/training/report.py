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
from audioface.evaluate.lipsync import EVENTS
from audioface.evaluate.report import table
from audioface.evaluate.runner import Task, run
from audioface.evaluate.summary import summarize
from audioface.formats.atomic import write_atomic
from audioface.motion.generators import resolve, without_phones
from audioface.motion.learned.generator import SHIPPED, OnnxGenerator, model_path


def held_out_items(run_dir: Path, need: str = "phones") -> list:
    split = json.loads((run_dir / "split.json").read_text())
    wanted = set(split["held_out"])
    from audioface.training.config import load_config, work_dir

    cfg = load_config(text=(run_dir / "config.toml").read_text())
    folders = [work_dir(cfg, run_dir) / "data", run_dir / "retargeted"]
    folders += [Path(c) for c in cfg.data.corpora]
    items = []
    for folder in folders:
        if folder.is_dir():
            items += [it for it in find_items(folder) if it.name in wanted and getattr(it, need) is not None]
    return sorted({it.name: it for it in items}.values(), key=lambda it: it.name)


def evaluate_run(
    run_dir: Path, onnx_path: Path, jobs: int = 2, log: Callable[[str], None] = print
) -> Path | None:
    """Write ``report.md`` in the run folder; None when no held-out item can be scored."""
    lines = [f"# Held-out evaluation: {run_dir.name}", ""]
    phones = _phone_section(run_dir, onnx_path, jobs)
    real = _real_speech_section(run_dir, onnx_path, jobs)
    captures = _capture_section(run_dir, onnx_path)
    if not phones and not real and not captures:
        log("no held-out item has reference phones, a transcript or a capture: skipping the evaluation")
        return None
    path = run_dir / "report.md"
    write_atomic(path, "\n".join(lines + real + phones + captures))
    return path


def _phone_section(run_dir: Path, onnx_path: Path, jobs: int) -> list[str]:
    items = held_out_items(run_dir, "phones")
    if not items:
        return []
    model = OnnxGenerator(onnx_path)
    trained = resolve(str(onnx_path))
    tasks = []
    for item in items:
        base = Task(item, "transcript" if item.text else "recognized")
        tasks.append(replace(base, mode="rules", generator="rules"))
        if trained.phones and item.text:
            tasks.append(replace(base, mode="learned", generator=trained))
        tasks.append(replace(base, mode="learned-audio", generator=without_phones(trained)))
    # the runner picks the pipeline from the mode name; ours are labels, so map them back
    results = run([replace(t, mode="transcript" if t.item.text else "recognized") for t in tasks], jobs)
    for res, task in zip(results, tasks, strict=True):
        res.mode = task.mode
    summary = summarize(results)
    lines = [f"Model: `{onnx_path}` ({len(items)} held-out items; look-ahead {model.info.lookahead * 10} ms, "
             f"phone cues: {'yes' if model.info.phones else 'no'}).", "",
             "| generator | items | lip-sync score | correlation | lag ms | movement |",
             "|---|---|---|---|---|---|"]  # fmt: skip
    for mode, row in summary.items():
        lines.append(f"| {mode} | {row['items']} | {row['score']:.3f} | {row['correlation']:.3f} | "
                     f"{row['lag_ms']:.0f} | {row['movement_ratio']:.2f} |")  # fmt: skip
    return [*lines, "", "Per item:", "", "```", table(results), "```", ""]


def starting_model(run_dir: Path) -> Path | None:
    """The ONNX model a run started from (a shipped name, or a run's ``model.pt`` beside its
    ``model.onnx``), to compare before and after; None for a run from random weights."""
    from audioface.training.config import load_config

    init = load_config(text=(run_dir / "config.toml").read_text()).train.init
    if not init:
        return None
    if init in SHIPPED:
        return model_path(init)
    onnx = Path(init).with_suffix(".onnx")
    return onnx if onnx.is_file() else None


def _real_speech_section(run_dir: Path, onnx_path: Path, jobs: int) -> list[str]:
    """Held-out real speakers (transcript only): scored against their aligned transcripts,
    the new model beside the one it started from."""
    from audioface.evaluate.real_speech import Way, score_real_speech

    items = [it for it in held_out_items(run_dir, "text") if it.phones is None and it.capture is None]
    if not items:
        return []
    models = {"": resolve(str(onnx_path))}
    start = starting_model(run_dir)
    if start is not None:
        models[" (before)"] = resolve(str(start))
    ways = [Way("rules + transcript", "rules")]
    for tag, spec in models.items():
        if spec.phones:
            ways.append(Way(f"model + transcript{tag}", spec))
        ways.append(Way(f"model, audio only{tag}", without_phones(spec), "audio"))
        if spec.causal:
            ways.append(Way(f"model, streamed in 20 ms chunks{tag}", spec, "live"))
            ways.append(Way(f"model, streamed, told the words ahead{tag}", spec, "live-text"))
    results = score_real_speech(items, ways, jobs)
    summary = summarize(results)
    speakers = len({it.speaker for it in items})
    lines = [f"Held-out real speech: {len(items)} utterances of {speakers} speakers never trained on, "
             "each scored against its own transcript's forced alignment "
             "(audioface.evaluate.real_speech).", "",
             "| way | items | lip-sync score | closure | open_vowel | rounding | labiodental | rest | "
             "correlation |", "|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for mode, row in summary.items():
        rec = " | ".join("-" if row["recalls"][e] is None else f"{row['recalls'][e]:.3f}" for e in EVENTS)
        lines.append(f"| {mode} | {row['items']} | {row['score']:.3f} | {rec} | {row['correlation']:.3f} |")
    return [*lines, ""]


def _capture_section(run_dir: Path, onnx_path: Path) -> list[str]:
    """Held-out captures: the new model's curves against the capture, and the starting model's."""
    items = held_out_items(run_dir, "capture")
    if not items:
        return []
    from audioface.audio import load_audio
    from audioface.evaluate.capture import score_capture
    from audioface.formats.livelink import read_capture
    from audioface.motion.learned import learned_mouth
    from audioface.training.config import load_config

    init = load_config(text=(run_dir / "config.toml").read_text()).train.init
    models = {"trained": OnnxGenerator(onnx_path)}
    if init in SHIPPED:
        models[f"starting point ({init})"] = OnnxGenerator(init)
    lines = ["Held-out captures (mean squared error against the capture, audio only):", "",
             "| item | model | MSE, all channels | MSE, mouth |", "|---|---|---|---|"]  # fmt: skip
    for item in items:
        sound = load_audio(item.audio)
        cap = read_capture(item.capture)
        for label, model in models.items():
            weights = learned_mouth(sound.samples, 100.0, sound.duration, model)
            scores = score_capture(weights, 100.0, cap)
            lines.append(f"| {item.name} | {label} | {scores.mse:.4f} | {scores.mse_mouth:.4f} |")
    return [*lines, ""]
