"""Evaluation results for people: a terminal table, JSON, and a Markdown or HTML report.

The report plots, per item, the mouth curves the metrics read (lip gap,
rounding, lower-lip tuck) over the reference openness and the reference phone
track, because a glance at a closure that never closes says more than a number.
"""

from __future__ import annotations

import html
import json
import math
from pathlib import Path

import numpy as np

from audioface.evaluate.lipsync import EVENTS, lip_gap, reference_openness, rounding, tuck
from audioface.evaluate.runner import ItemResult
from audioface.evaluate.summary import summarize, summarize_by
from audioface.extras import require
from audioface.formats.atomic import write_atomic

SHORT = {"closure": "clos", "open_vowel": "open", "rounding": "round", "labiodental": "labio", "rest": "rest"}


def _fmt(v, digits: int = 2) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "-"
    return f"{v:.{digits}f}" if isinstance(v, float) else str(v)


def table(results: list[ItemResult], by: str | None = None) -> str:
    """Plain-text table, one row per item and mode, then one per mode, then with ``by``
    (``"language"``) one per group and mode."""
    head = ["item", "mode", "score", *SHORT.values(), "corr", "lag ms", "move", "align50"]
    rows = []
    for r in results:
        ls = r.lipsync
        align = r.alignment.within_50ms if r.alignment else None
        rows.append(
            [r.item, r.mode, _fmt(ls.score), *(_fmt(ls.recall(e)) for e in EVENTS), _fmt(ls.correlation),
             _fmt(ls.lag_ms, 0), _fmt(ls.movement_ratio), _fmt(align)]
        )  # fmt: skip
    groups = [("ALL", summarize(results))]
    if by:
        groups += [(f"{by} {value}", summary) for value, summary in summarize_by(results, by).items()]
    for label, summary in groups:
        for mode, s in summary.items():
            align = s.get("alignment", {}).get("within_50ms")
            rows.append(
                [f"{label} ({s['items']})", mode, _fmt(s["score"]), *(_fmt(s["recalls"][e]) for e in EVENTS),
                 _fmt(s["correlation"]), _fmt(s["lag_ms"], 0), _fmt(s["movement_ratio"]), _fmt(align)]
            )  # fmt: skip
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows, strict=True)]
    lines = ["  ".join(str(x).ljust(w) for x, w in zip(head, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(str(x).ljust(w) for x, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(lines)


def to_json(results: list[ItemResult], by: str | None = None) -> str:
    """Every figure: the summary per mode, with ``by`` the summaries per group
    (``"by_language"``), and each item's."""
    doc: dict = {"summary": summarize(results)}
    if by:
        doc[f"by_{by}"] = summarize_by(results, by)
    doc |= {
        "items": [
            {
                "item": r.item,
                "mode": r.mode,
                "language": r.language,
                "read_as": r.read_as,
                **r.lipsync.to_dict(),
                "alignment": r.alignment.to_dict() if r.alignment else None,
                "capture": r.capture.to_dict() if r.capture else None,
                "seconds": r.seconds,
                "duration": r.duration,
            }
            for r in results
        ],
    }
    return json.dumps(_clean(doc), indent=1) + "\n"


def _clean(obj):
    if isinstance(obj, float):
        return None if math.isnan(obj) else round(obj, 6)
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    return obj


def write_report(results: list[ItemResult], path: str | Path, title: str = "AudioFace evaluation",
                 by: str | None = None) -> None:  # fmt: skip
    """Markdown (.md) or HTML (.html) with one plot per item and mode beside it."""
    path = Path(path)
    figures = path.parent / f"{path.stem}_files"
    figures.mkdir(parents=True, exist_ok=True)
    images = {}
    for r in results:
        if r.weights is not None:
            name = f"{r.item}_{r.mode}.png"
            plot_item(r, figures / name)
            images[r.item, r.mode] = f"{figures.name}/{name}"
    text = table(results, by)
    if path.suffix.lower() in (".html", ".htm"):
        body = [f"<h1>{html.escape(title)}</h1>", f"<pre>{html.escape(text)}</pre>"]
        for (item, mode), src in images.items():
            body.append(f"<h2>{html.escape(item)} ({mode})</h2><img src='{html.escape(src)}' width='900'>")
        doc = f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title></head>"
        write_atomic(path, doc + "<body>" + "\n".join(body) + "</body></html>\n")
    else:
        md = [f"# {title}", "", "```", text, "```", ""]
        for (item, mode), src in images.items():
            md += [f"## {item} ({mode})", "", f"![{item} {mode}]({src})", ""]
        write_atomic(path, "\n".join(md))


def plot_item(r: ItemResult, path: Path) -> None:
    require("report", "the report's plots")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    w = r.weights
    t = np.arange(len(w)) / r.fps
    fig, (ax, lab) = plt.subplots(2, 1, figsize=(12, 3.6), sharex=True, gridspec_kw={"height_ratios": [5, 1]})
    ax.fill_between(
        t, reference_openness(r.reference, len(w), r.fps), color="0.85", label="reference openness"
    )
    ax.plot(t, lip_gap(w), color="tab:red", label="lip gap")
    ax.plot(t, rounding(w), color="tab:blue", label="rounding")
    ax.plot(t, tuck(w), color="tab:green", label="lower-lip tuck")
    ax.set_ylim(0, 1.05)
    ax.set_title(f"{r.item} ({r.mode}): score {_fmt(r.lipsync.score)}, corr {_fmt(r.lipsync.correlation)}, "
                 f"lag {_fmt(r.lipsync.lag_ms, 0)} ms")  # fmt: skip
    ax.legend(loc="upper right", fontsize=7, ncol=4)
    for ph in r.reference:
        if ph.phone == "sil":
            continue
        colour = {"P": "tab:red", "B": "tab:red", "M": "tab:red", "F": "tab:green", "V": "tab:green"}.get(
            ph.phone, "0.6"
        )
        lab.axvspan(ph.start, ph.end, color=colour, alpha=0.25)
        lab.text((ph.start + ph.end) / 2, 0.5, ph.ipa or ph.phone, ha="center", va="center", fontsize=6)
    lab.set_yticks([])
    lab.set_xlabel("seconds")
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)
