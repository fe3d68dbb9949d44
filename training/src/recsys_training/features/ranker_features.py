"""The ranker's inputs for (user, candidate) pairs: the reference implementation
of what the ranking service computes online (training/README.md, "Ranker
inputs"). Keep the two in step: the column order is part of the manifest.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from recsys_training.features.history import Histories
from recsys_training.features.item_table import ItemTable
from recsys_training.features.item_to_item import ItemToItem, aggregate

BASE_COLUMNS = [
    "retrieval_score",  # user embedding . candidate embedding (the ANN score)
    "i2i_sum",  # sum over history positions h of i2i score(h -> candidate)
    "i2i_max",
    "i2i_count",  # history positions that list the candidate as a neighbour
    "history_sim_mean",  # candidate embedding . mean of history item embeddings
    "last_items_sim_max",  # max cosine to the newest `last_n` history items
    "last_items_sim_mean",
    "session_click_count",  # clicks in the current session
    "session_category_affinity",  # share of session clicks in the candidate's categories
    "user_category_affinity",  # same over the whole history
    "item_log_count",  # log1p(training interactions of the candidate)
    "item_log_decayed_popularity",  # log1p(time-decayed interactions)
    "item_uses_content",  # 1 when the candidate's embedding came from the content encoder
    "user_history_length",  # non-padding history positions
]


@dataclass(frozen=True)
class SessionSpec:
    gap_ms: int = 30 * 60 * 1000  # a gap longer than this starts a new session
    last_n: int = 5
    user_categories: int = 3  # U: top history categories fed to the wide part


def dense_columns(items: ItemTable) -> list[str]:
    return BASE_COLUMNS + [f"item_{s}" for s in items.scalar_names]


def session_mask(hist: Histories, gap_ms: int) -> np.ndarray:
    """The newest run of history positions with gaps <= gap_ms: the current session."""
    valid = hist.rows > 0
    gaps = hist.timestamps[:, :-1] - hist.timestamps[:, 1:]
    linked = np.concatenate([valid[:, :1], (gaps <= gap_ms) & valid[:, 1:]], axis=1)
    return np.cumprod(linked, axis=1).astype(bool)


def category_counts(rows: np.ndarray, mask: np.ndarray, items: ItemTable) -> np.ndarray:
    """[B, n_category_rows] count of masked positions per category (column 0 unused)."""
    cats = items.categories[np.where(mask, rows, 0)]  # [B, L, C]
    b = np.broadcast_to(np.arange(rows.shape[0])[:, None, None], cats.shape)
    out = np.zeros((rows.shape[0], items.n_category_rows), np.float32)
    np.add.at(out, (b[cats > 0], cats[cats > 0]), 1.0)
    return out


def top_categories(counts: np.ndarray, k: int) -> np.ndarray:
    """[B, k] category rows by count desc, ties to the lower row, 0 where count is 0."""
    c = counts.copy()
    c[:, 0] = 0
    order = np.argsort(-c, axis=1, kind="stable")[:, :k]
    picked = np.take_along_axis(c, order, axis=1)
    out = np.where(picked > 0, order, 0).astype(np.int64)
    if out.shape[1] < k:
        out = np.pad(out, ((0, 0), (0, k - out.shape[1])))
    return out


def affinity(counts: np.ndarray, total: np.ndarray, cand_cats: np.ndarray) -> np.ndarray:
    """Sum over the candidate's categories of counts / max(1, total): [B, K]."""
    got = np.take_along_axis(counts[:, None, :].repeat(cand_cats.shape[1], 1), cand_cats, axis=2)
    got = np.where(cand_cats > 0, got, 0.0).sum(axis=2)
    return got / np.maximum(total, 1.0)[:, None]


def ranker_inputs(
    hist: Histories,
    candidates: np.ndarray,
    user_emb: np.ndarray,
    item_emb: np.ndarray,
    items: ItemTable,
    i2i: ItemToItem,
    uses_content: np.ndarray,
    context: dict[str, np.ndarray],
    spec: SessionSpec,
    i2i_rows: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Model inputs for candidates [B, K] (rows, 0 = padding), flattened to B*K rows.
    i2i_rows: the rows the i2i columns aggregate over (default: the history rows)."""
    b, k = candidates.shape
    rows, valid = hist.rows, hist.rows > 0
    n_hist = valid.sum(axis=1).astype(np.float32)
    cand_emb = item_emb[candidates]  # [B, K, D]
    retrieval = np.einsum("bkd,bd->bk", cand_emb, user_emb)
    i2i_sum, i2i_max, i2i_count = aggregate(i2i, rows if i2i_rows is None else i2i_rows).lookup(candidates)
    hist_mean = item_emb[rows].sum(axis=1) / np.maximum(n_hist, 1.0)[:, None]
    hist_sim = np.einsum("bkd,bd->bk", cand_emb, hist_mean)
    last = rows[:, : spec.last_n]
    sims = np.einsum("bkd,bld->bkl", cand_emb, item_emb[last])
    last_valid = (last > 0)[:, None, :]
    n_last = last_valid.sum(axis=2)
    last_max = np.where(n_last > 0, np.where(last_valid, sims, -np.inf).max(axis=2), 0.0)
    last_mean = np.where(last_valid, sims, 0.0).sum(axis=2) / np.maximum(n_last, 1)
    sess = session_mask(hist, spec.gap_ms)
    n_sess = sess.sum(axis=1).astype(np.float32)
    sess_counts = category_counts(rows, sess, items)
    user_counts = category_counts(rows, valid, items)
    cand_cats = items.categories[candidates]  # [B, K, C]
    per_user = lambda x: np.broadcast_to(x[:, None], (b, k))  # noqa: E731
    columns = [
        retrieval,
        i2i_sum,
        i2i_max,
        i2i_count,
        hist_sim,
        last_max,
        last_mean,
        per_user(n_sess),
        affinity(sess_counts, n_sess, cand_cats),
        affinity(user_counts, n_hist, cand_cats),
        np.log1p(items.counts[candidates]),
        np.log1p(items.decayed[candidates]),
        uses_content[candidates].astype(np.float32),
        per_user(n_hist),
    ]
    dense = np.stack([np.asarray(c, np.float32) for c in columns], axis=2)
    dense = np.concatenate([dense, items.scalars[candidates]], axis=2)
    user_cats = top_categories(user_counts, spec.user_categories)
    rep = lambda x: np.repeat(x, k, axis=0)  # noqa: E731
    return {
        "dense": dense.reshape(b * k, -1).astype(np.float32),
        "item_row": candidates.reshape(-1).astype(np.int64),
        "item_categories": cand_cats.reshape(b * k, -1).astype(np.int64),
        "user_categories": rep(user_cats),
        **{name: rep(np.asarray(context[name], np.int64)) for name in ("hour", "dow", "device", "surface")},
    }
