"""Merges evaluation runs that were split by protocol, model or seed into one report.

python -m recsys_training.evaluate.merge --out DIR RUN_DIR [RUN_DIR ...]

Each RUN_DIR holds the eval_meta.json of one `recsys_training.evaluate` run (its
"raw" per-seed values). Values of the same protocol, model and metric are
concatenated in the order given, so every seed counts once in the mean and std.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from recsys_training.evaluate.report import Summary, summarise, write_report


def load_raw(run: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    path = run / "eval_meta.json"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: not found (each run folder needs the eval_meta.json its run wrote)")
    meta = json.loads(path.read_text())
    raw = meta.get("raw")
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: no per-seed 'raw' values (written by runs since the --seed-list option)")
    return raw, meta


def merge(runs: list[Path], out: Path) -> Summary:
    combined: dict[str, dict[str, dict[str, list[float]]]] = {}
    metas = []
    for run in runs:
        raw, meta = load_raw(run)
        metas.append(meta)
        for protocol, models in raw.items():
            for model, metrics in models.items():
                for metric, values in metrics.items():
                    combined.setdefault(protocol, {}).setdefault(model, {}).setdefault(metric, []).extend(values)
    summary = summarise(combined)
    meta = dict(metas[0]) if metas else {}
    for key in ("skipped", "params", "model_seconds", "protocol_seconds"):
        meta[key] = {k: v for m in metas for k, v in m.get(key, {}).items()}
    meta["notes"] = [n for m in metas for n in m.get("notes", [])]
    meta["seeds"] = sorted({s for m in metas for s in m.get("seeds", [])})
    meta["p4_seeds"] = sorted({s for m in metas for s in m.get("p4_seeds", [])})
    meta["merged_from"] = [str(r) for r in runs]
    meta["raw"] = combined
    write_report(out, summary, meta)
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Merge split evaluation runs into one eval.json / eval.md")
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("runs", nargs="+", type=Path)
    args = parser.parse_args(argv)
    merge(args.runs, args.out)
    print(f"wrote {args.out / 'eval.json'} and {args.out / 'eval.md'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
