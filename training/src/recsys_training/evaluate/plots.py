"""PNG plots for eval.md (matplotlib, Agg backend: no display needed)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (backend first)

BARS = {"P1": "ndcg@10", "P3": "ndcg@10", "P4": "auc"}


def draw_plots(out: Path, summary: dict) -> dict[str, list[str]]:
    """Draws what the summary supports; returns protocol -> file names."""
    files: dict[str, list[str]] = {}
    for protocol, metric in BARS.items():
        models = {
            m: v[metric]
            for m, v in summary.get(protocol, {}).items()
            if v.get(metric, {}).get("mean") is not None
        }
        if models:
            name = f"{protocol.lower()}_{metric.replace('@', '_at_')}.png"
            _bars(out / name, f"{protocol}: {metric}", models)
            files.setdefault(protocol, []).append(name)
    p5 = summary.get("P5", {})
    for metric in ("ndcg@10", "recall@20"):
        curves = {}
        for model, values in p5.items():
            points = [(n, values.get(f"{metric}_n{n}")) for n in (0, 1, 3, 5)]
            points = [(n, v["mean"], v["std"]) for n, v in points if v and v.get("mean") is not None]
            if points:
                curves[model] = points
        if curves:
            name = f"p5_{metric.replace('@', '_at_')}_vs_n.png"
            _curves(out / name, f"P5: {metric} vs revealed interactions", metric, curves)
            files.setdefault("P5", []).append(name)
    return files


def _bars(path: Path, title: str, models: dict[str, dict[str, float]]) -> None:
    fig, ax = plt.subplots(figsize=(max(4.0, 0.9 * len(models) + 2), 3.5))
    names = list(models)
    ax.bar(
        names,
        [models[n]["mean"] for n in names],
        yerr=[models[n]["std"] for n in names],
        capsize=4,
        color="#4c72b0",
    )
    ax.set_title(title)
    ax.tick_params(axis="x", rotation=30)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _curves(path: Path, title: str, metric: str, curves: dict[str, list[tuple[int, float, float]]]) -> None:
    fig, ax = plt.subplots(figsize=(5.5, 3.8))
    for model, points in curves.items():
        ns, means, stds = zip(*points, strict=True)
        ax.errorbar(ns, means, yerr=stds, marker="o", capsize=3, label=model)
    ax.set_xlabel("interactions revealed (n)")
    ax.set_ylabel(metric)
    ax.set_xticks([0, 1, 3, 5])
    ax.set_title(title)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
