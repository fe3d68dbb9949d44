"""Writes eval.json ({protocol: {model: {metric: {mean, std}}}}), eval_meta.json, eval.md and PNG plots."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np


Summary = dict[str, dict[str, dict[str, dict[str, float]]]]

# Column order per protocol in eval.md; other metrics follow alphabetically.
LEADING = {
    "P1": ["ndcg@10", "precision@10", "recall@10", "map@10", "recall@20", "ndcg@20"]
    + ["coverage@10", "ild@10", "categories@10", "long_tail@10"],
    "P2": ["ndcg@10", "recall@20"]
    + [f"retrieval_recall@{k}" for k in (50, 100, 200, 1000)]
    + ["ann_recall@1000", "ranking_ndcg@10"],
    "P3": ["ndcg@10", "recall@20", "precision@10", "recall@10", "map@10", "ndcg@20", "coverage@10"],
    "P4": ["auc", "auc_tagged", "auc_untagged"]
    + [f"{m}_{s}" for s in ("cold", "cold_tagged", "cold_untagged", "all") for m in ("recall@20", "ndcg@20")],
    "P5": [f"{m}_n{n}" for n in (0, 1, 3, 5) for m in ("ndcg@10", "recall@20")],
}
TITLES = {
    "P1": "P1: comparable headline (stratified 75/25 per item, seed 42)",
    "P2": "P2: stage diagnostics (P1 split)",
    "P3": "P3: temporal split (last 20% by time, warm users)",
    "P4": "P4: new-item cold start",
    "P5": "P5: new users (first n interactions revealed)",
}


def summarise(raw: dict[str, dict[str, dict[str, list[float]]]]) -> Summary:
    """Per-seed values -> {mean, std} (population std over seeds)."""
    return {
        protocol: {
            model: {m: {"mean": _clean(np.mean(v)), "std": _clean(np.std(v))} for m, v in metrics.items()}
            for model, metrics in models.items()
        }
        for protocol, models in raw.items()
    }


def write_report(out: Path, summary: Summary, meta: dict[str, Any]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "eval.json").write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n")
    (out / "eval_meta.json").write_text(json.dumps(meta, indent=2, sort_keys=True, default=str) + "\n")
    try:  # matplotlib is a dependency; a bare GPU box running split parts may lack it
        from recsys_training.evaluate.plots import draw_plots
    except ImportError:
        plots: dict[str, list[str]] = {}  # merge the parts where it is installed for the PNGs
    else:
        plots = draw_plots(out, summary)
    (out / "eval.md").write_text(markdown(summary, meta, plots))


def markdown(summary: Summary, meta: dict[str, Any], plots: dict[str, list[str]]) -> str:
    data = meta["dataset"]
    lines = [
        f"# Offline evaluation: {data['name']}",
        "",
        f"{data['n_users']} users, {data['n_items']} items, {data['n_interactions']} interactions; "
        f"data sha256 `{data['hash'][:16]}`. Seeds {meta['seeds']} (P4: {meta['p4_seeds']}). "
        f"Every cell is mean ± std over seeds. Generated {meta['finished']} in {meta['seconds']:.0f} s.",
        "",
    ]
    for protocol in sorted(summary):
        models = summary[protocol]
        lines += [f"## {TITLES.get(protocol, protocol)}", ""]
        if not models:
            lines += ["No model produced results.", ""]
            continue
        metrics = sorted({m for v in models.values() for m in v})
        lead = [m for m in LEADING.get(protocol, []) if m in metrics]
        columns = lead + [m for m in metrics if m not in lead]
        lines.append("| model | " + " | ".join(columns) + " |")
        lines.append("|---" * (len(columns) + 1) + "|")
        for model, values in models.items():
            cells = [_cell(values.get(m)) for m in columns]
            lines.append(f"| {model} | " + " | ".join(cells) + " |")
        lines.append("")
        lines += [f"![{protocol}]({name})" for name in plots.get(protocol, [])]
        lines.append("")
    skipped = meta.get("skipped", {})
    if any(skipped.values()):
        lines += ["## Skipped", ""]
        for protocol, models in sorted(skipped.items()):
            lines += [f"- {protocol} / {model}: {reason}" for model, reason in models.items()]
        lines.append("")
    if meta.get("notes"):
        lines += ["## Notes", ""] + [f"- {note}" for note in meta["notes"]] + [""]
    if meta.get("params"):
        lines += ["## Chosen hyperparameters (validation split carved from train)", ""]
        for model, params in sorted(meta["params"].items()):
            lines.append(f"- {model}: {params}")
        lines.append("")
    return "\n".join(lines)


def _cell(value: dict[str, float] | None) -> str:
    if value is None or value["mean"] is None:
        return "–"
    return f"{value['mean']:.4f} ± {value['std']:.4f}"


def _clean(value: float) -> float | None:
    value = float(value)
    return None if math.isnan(value) else round(value, 6)
