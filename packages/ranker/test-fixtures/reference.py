"""Reference ranker inputs and scores for the @recsys/ranker parity test.

Builds tiny random tables in training's own types (ItemTable, ItemToItem,
Histories), computes the ranker inputs with
recsys_training.features.ranker_features, exports a randomly initialised
WideDeepRanker and UserTower to ONNX, and prints one JSON document with the
tables, the reference inputs, the torch scores and the user embeddings. The
TypeScript test rebuilds the features from the same tables and runs the ONNX
files, so both halves of the serving contract are checked against training.

Usage: reference.py OUT_DIR [--seed S] [--items N] [--dim D] [--historyLength L]
                    [--neighbours K] [--users U] [--candidates C] [--lastN N] [--userCategories U]
(JSON on stdout, ONNX files in OUT_DIR; the defaults are test-sized.)
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import warnings
from pathlib import Path

import numpy as np
import torch

from recsys_training.features.history import Histories
from recsys_training.features.item_table import ItemTable
from recsys_training.features.item_to_item import ItemToItem
from recsys_training.features.ranker_features import SessionSpec, dense_columns, ranker_inputs
from recsys_training.models.ranker import WideDeepRanker
from recsys_training.models.user_tower import UserTower

WIDTH, N_CATS = 3, 7
DEVICES, SURFACES = ["mobile", "desktop", "tv"], ["home", "search"]
MINUTE = 60_000


def parse() -> argparse.Namespace:
    p = argparse.ArgumentParser()
    p.add_argument("out", type=Path)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--items", type=int, default=40)
    p.add_argument("--dim", type=int, default=8)
    p.add_argument("--historyLength", type=int, default=10)
    p.add_argument("--neighbours", type=int, default=5)
    p.add_argument("--users", type=int, default=5)
    p.add_argument("--candidates", type=int, default=16)
    p.add_argument("--lastN", type=int, default=3)
    p.add_argument("--userCategories", type=int, default=4)
    return p.parse_args()


def items_table(rng: np.random.Generator, n: int) -> ItemTable:
    cats = np.zeros((n + 1, WIDTH), np.int64)
    for r in range(1, n + 1):
        picked = rng.choice(np.arange(1, N_CATS), size=rng.integers(0, WIDTH + 1), replace=False)
        cats[r, : len(picked)] = picked
    scalars = rng.normal(size=(n + 1, 2)).astype(np.float32) * 10
    scalars[0] = np.nan
    scalars[rng.random(n + 1) < 0.2, 0] = np.nan
    counts = rng.integers(0, 50, n + 1).astype(np.int64)
    counts[0] = 0
    decayed = (counts * rng.random(n + 1)).astype(np.float32)
    return ItemTable(
        n, [""] + [f"c{i}" for i in range(1, N_CATS)], cats, ["year", "tag_count"], scalars,
        np.nanmean(scalars[1:], axis=0).astype(np.float32), np.nanstd(scalars[1:], axis=0).astype(np.float32),
        counts, decayed, 30.0, 0,
    )


def histories(rng: np.random.Generator, users: int, length: int, n_items: int) -> Histories:
    rows = np.zeros((users, length), np.int64)
    stamps = np.zeros((users, length), np.int64)
    sizes = [0, 3, length, 7, 1]  # user 0 has no history; then short, full, partial
    for u in range(users):
        n = min(length, sizes[u] if u < len(sizes) else int(rng.integers(0, length + 1)))
        rows[u, :n] = rng.integers(1, n_items + 1, n)
        gaps = np.where(rng.random(n) < 0.3, 90 * MINUTE, 5 * MINUTE)  # some sessions break
        stamps[u, :n] = 1_700_000_000_000 - np.cumsum(gaps)
    if users > 2 and length > 4:
        rows[2, 4] = rows[2, 1]  # a repeated item counts twice
    return Histories(rows, stamps)


def main() -> None:
    args = parse()
    out, n_items, dim, users = args.out, args.items, args.dim, args.users
    rng = np.random.default_rng(args.seed)
    torch.manual_seed(args.seed)
    items = items_table(rng, n_items)
    emb = rng.normal(size=(n_items + 1, dim)).astype(np.float32)
    emb[0] = 0
    k_nbr = args.neighbours
    nbr = np.zeros((n_items + 1, k_nbr), np.int32)
    nbr_scores = np.zeros((n_items + 1, k_nbr), np.float32)
    for r in range(1, n_items + 1):
        k = rng.integers(0, k_nbr + 1)
        nbr[r, :k] = rng.choice(np.arange(1, n_items + 1), size=k, replace=False)
        nbr_scores[r, :k] = np.sort(rng.random(k))[::-1]
    i2i = ItemToItem(nbr, nbr_scores)
    uses_content = rng.random(n_items + 1) < 0.3
    hist = histories(rng, users, args.historyLength, n_items)
    cands = rng.integers(1, n_items + 1, (users, args.candidates))
    cands[:, 0] = 0  # an unknown item
    # Time known for most users (hour + 1 and weekday together, as the gateway sends them).
    known = rng.random(users) < 0.7
    context = {
        "hour": np.where(known, rng.integers(1, 25, users), 0), "dow": np.where(known, rng.integers(1, 8, users), 0),
        "device": rng.integers(0, len(DEVICES) + 1, users), "surface": rng.integers(0, len(SURFACES) + 1, users),
    }
    # retrieval_score reads the user tower's embedding, as serving computes it.
    tower = UserTower(users + 1, n_items + 1, len(DEVICES) + 1, len(SURFACES) + 1, dim=dim, hidden=16).eval()
    t_args = (torch.arange(users) + 1, torch.from_numpy(hist.rows),
              *(torch.from_numpy(np.asarray(context[k], np.int64)) for k in ("hour", "dow", "device", "surface")))
    with torch.no_grad():
        user_emb = tower(*t_args).numpy()
    export(tower, t_args, ["user_row", "history_rows", "hour", "dow", "device", "surface"], "user_embedding",
           out / "user_tower.onnx")
    spec = SessionSpec(gap_ms=30 * MINUTE, last_n=args.lastN, user_categories=args.userCategories)
    inputs = ranker_inputs(hist, cands, user_emb, emb, items, i2i, uses_content, context, spec)

    columns = dense_columns(items)
    dense = torch.from_numpy(inputs["dense"])
    finite = torch.nan_to_num(dense, nan=0.0)
    ranker = WideDeepRanker(finite.mean(0), finite.std(0) + 0.5, n_items + 1, N_CATS, len(DEVICES) + 1,
                            len(SURFACES) + 1, wide_buckets=31).eval()
    for table in (ranker.wide_cross, ranker.wide_device):
        torch.nn.init.normal_(table.weight, std=0.3)  # zero-initialised in training; exercise them here
    names = ["dense", "item_row", "item_categories", "user_categories", "hour", "dow", "device", "surface"]
    r_args = tuple(torch.from_numpy(np.ascontiguousarray(inputs[n])) for n in names)
    with torch.no_grad():
        scores = ranker(*r_args).numpy()
    export(ranker, r_args, names, "score", out / "ranker.onnx")

    doc = {
        "dim": dim, "category_width": WIDTH, "n_category_rows": N_CATS, "k": k_nbr, "history_length": args.historyLength,
        "devices": DEVICES, "surfaces": SURFACES,
        "spec": {"gap_ms": spec.gap_ms, "last_n": spec.last_n, "user_categories": spec.user_categories},
        "columns": columns, "scalar_names": items.scalar_names,
        "embeddings": emb, "categories": items.categories, "scalars": items.scalars,
        "counts": items.counts, "decayed": items.decayed, "uses_content": uses_content.astype(np.int64),
        "neighbour_rows": nbr, "neighbour_scores": nbr_scores,
        "history_rows": hist.rows, "history_timestamps": hist.timestamps,
        "candidates": cands, "user_embeddings": user_emb, "context": context,
        "expected": {k: v for k, v in inputs.items()}, "scores": scores,
    }
    json.dump(doc, sys.stdout, default=plain, allow_nan=False)


def export(model: torch.nn.Module, args: tuple, names: list[str], output: str, path: Path) -> None:
    warnings.filterwarnings("ignore", category=DeprecationWarning)  # the TorchScript exporter: small, fast
    axes = {n: {0: "batch"} for n in [*names, output]}
    torch.onnx.export(model, args, str(path), input_names=names, output_names=[output], dynamic_axes=axes,
                      opset_version=17, dynamo=False)


def plain(value: object) -> object:
    """numpy -> JSON lists, NaN -> null (JSON has no NaN)."""
    if isinstance(value, np.ndarray):
        return [plain(v) for v in value] if value.ndim > 1 else [
            None if isinstance(v, float) and math.isnan(v) else v for v in value.tolist()]
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(type(value))


if __name__ == "__main__":
    main()
