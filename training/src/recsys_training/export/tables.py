"""The non-model artifacts: embeddings, IVF index, item-to-item table, item
features, popularity, vocabularies and user histories (formats in training/README.md)."""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

from recsys_training.data.types import Dataset
from recsys_training.export.files import Written, write_binary, write_json, write_jsonl
from recsys_training.train_pipeline import TrainedSystem

POPULAR_TOP = 500


def _ranked(scores: np.ndarray, rows: np.ndarray, top: int) -> list[list[float]]:
    order = np.lexsort((rows, -scores))[:top]
    return [[int(rows[i]), float(scores[i])] for i in order if scores[i] > 0]


def popularity(system: TrainedSystem, data: Dataset) -> dict:
    """Time-decayed popularity: global, per category and per user region (top POPULAR_TOP rows)."""
    items = system.stage1.items
    rows = np.arange(1, items.n_rows)
    decayed = items.decayed[1:]
    by_category = {}
    for c in range(1, items.n_category_rows):
        has = (items.categories[1:] == c).any(axis=1)
        by_category[items.category_vocab[c]] = _ranked(decayed[has], rows[has], POPULAR_TOP)
    by_region = {}
    if data.user_region is not None and data.regions:
        inter = data.interactions
        age_days = (items.reference_ms - inter.timestamp) / 86_400_000
        weight = np.exp2(-age_days / items.half_life_days)
        region = data.user_region[inter.user]
        for r, name in enumerate(data.regions):
            mask = region == r
            score = np.bincount(inter.item[mask] + 1, weights=weight[mask], minlength=items.n_rows)[1:]
            by_region[name] = _ranked(score, rows, POPULAR_TOP)
    return {"half_life_days": items.half_life_days, "reference_ms": items.reference_ms,
            "global": _ranked(decayed, rows, POPULAR_TOP), "category": by_category, "region": by_region}


def item_features(system: TrainedSystem, data: Dataset) -> list[dict]:
    items, s1 = system.stage1.items, system.stage1
    lines = []
    for i in range(items.n_items):
        r = i + 1
        lines.append({
            "row": r,
            "id": str(data.items.ids[i]),
            "title": data.items.titles[i],
            "categories": data.items.categories[i],
            "tags": data.items.tags[i],
            "category_rows": items.categories[r].tolist(),
            "scalars": items.scalars[r].tolist(),
            "count": int(items.counts[r]),
            "decayed": float(items.decayed[r]),
            "log_count": float(np.log1p(items.counts[r])),
            "log_decayed_popularity": float(np.log1p(items.decayed[r])),
            "uses_content": bool(s1.uses_content[r]),
            "created_at": None if data.items.created_at is None else int(data.items.created_at[i]),
        })
    return lines


def seen_sets(data: Dataset, n_user_rows: int) -> tuple[np.ndarray, np.ndarray]:
    """Every item row each user row touched (CSR: offsets [user_rows + 1], rows ascending).
    Serving drops these from candidates: user_history_rows holds only the newest ones."""
    inter = data.interactions
    keys = np.unique((inter.user.astype(np.int64) + 1) * (data.n_items + 1) + inter.item + 1)
    users, rows = keys // (data.n_items + 1), keys % (data.n_items + 1)
    offsets = np.searchsorted(users, np.arange(n_user_rows + 1)).astype(np.int64)
    return offsets, rows


def write_tables(system: TrainedSystem, data: Dataset, out: Path) -> list[Written]:
    s1 = system.stage1
    items = s1.items
    seen_offsets, seen_rows = seen_sets(data, data.n_users + 1)
    written = [
        write_binary("item_embeddings", out / "item_embeddings.f32", s1.item_emb, "f32le"),
        write_binary("item_neighbours_rows", out / "item_neighbours_rows.i32", s1.i2i.rows, "i32le"),
        write_binary("item_neighbours_scores", out / "item_neighbours_scores.f32", s1.i2i.scores, "f32le"),
        write_binary("user_history_rows", out / "user_history_rows.i32",
                     np.vstack([np.zeros((1, s1.histories.rows.shape[1]), np.int64), s1.histories.rows]), "i32le"),
        write_binary("user_history_timestamps", out / "user_history_timestamps.i64",
                     np.vstack([np.zeros((1, s1.histories.rows.shape[1]), np.int64), s1.histories.timestamps]),
                     "i64le"),
        write_binary("user_seen_offsets", out / "user_seen_offsets.i64", seen_offsets, "i64le"),
        write_binary("user_seen_rows", out / "user_seen_rows.i32", seen_rows, "i32le"),
        write_jsonl("item_features", out / "item_features.jsonl", item_features(system, data)),
        write_json("popularity", out / "popularity.json", popularity(system, data), 1),
    ]
    vocabularies = {
        "items": [""] + [str(x) for x in data.items.ids],
        "users": [""] + [str(x) for x in data.user_ids],
        "categories": items.category_vocab,
        "devices": [""] + list(data.devices),
        "surfaces": [""] + list(data.surfaces),
        "regions": [""] + list(data.regions),
    }
    for name, values in vocabularies.items():
        written.append(write_json(f"vocab_{name}", out / f"vocab_{name}.json", values, len(values)))
    # The IVF structure in plain arrays too, for a FAISS-free reader.
    ivf = system.ann.index
    centroids = ivf.quantizer.reconstruct_n(0, ivf.nlist) if ivf.nlist else np.zeros((0, s1.item_emb.shape[1]))
    lists = np.full(items.n_rows, -1, np.int64)
    if ivf.ntotal:
        _, assign = ivf.quantizer.search(np.ascontiguousarray(s1.item_emb[1:]), 1)
        lists[1:] = assign[:, 0]
    written.append(write_binary("ivf_centroids", out / "ivf_centroids.f32", centroids, "f32le"))
    written.append(write_binary("ivf_lists", out / "ivf_lists.i32", lists, "i32le"))
    faiss.write_index(ivf, str(out / "item_index.faiss"))
    return written
