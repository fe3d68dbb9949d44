"""The retrieval stage: the union of the candidate sources serving runs (ANN on
the user embedding, item-to-item over the recent history, popular items),
with the user's own history removed."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from recsys_training.ann_index import AnnIndex, exact_top
from recsys_training.features.item_to_item import ItemToItem, aggregate


@dataclass(frozen=True)
class CandidateConfig:
    ann_k: int = 300
    i2i_k: int = 100
    popular_k: int = 50
    # The i2i source and the ranker's i2i columns aggregate over the whole seen set
    # (up to seen_cap rows) instead of the newest history rows.
    i2i_over_seen: bool = False
    seen_cap: int = 1000


def ann_candidates(user_emb: np.ndarray, item_emb: np.ndarray, history: np.ndarray, k: int,
                   ann: AnnIndex | None, allowed: np.ndarray | None) -> np.ndarray:
    """Top-k rows per user not in history: FAISS when given and unrestricted, else exact."""
    extra = k + history.shape[1]
    if ann is not None and allowed is None:
        found = ann.search(user_emb, extra)[0]
    else:
        found = exact_top(item_emb, user_emb, extra, allowed)
    seen = (found[:, :, None] == history[:, None, :]).any(axis=2) | (found == 0)
    order = np.argsort(seen, axis=1, kind="stable")  # unseen first, in score order
    out = np.take_along_axis(np.where(seen, 0, found), order, axis=1)[:, :k]
    return np.pad(out, ((0, 0), (0, k - out.shape[1])))


def popular_candidates(popular: np.ndarray, history: np.ndarray, k: int,
                       allowed: np.ndarray | None) -> np.ndarray:
    """The k most popular rows (popular: rows best first) not in each user's history."""
    pool = popular if allowed is None else popular[allowed[popular]]
    head = np.broadcast_to(pool[: k + history.shape[1]], (len(history), min(len(pool), k + history.shape[1])))
    seen = (head[:, :, None] == history[:, None, :]).any(axis=2)
    order = np.argsort(seen, axis=1, kind="stable")
    out = np.take_along_axis(np.where(seen, 0, head), order, axis=1)[:, :k]
    return np.pad(out, ((0, 0), (0, k - out.shape[1])))


def union_rows(parts: list[np.ndarray], allowed: np.ndarray | None) -> np.ndarray:
    """Per row, distinct non-zero ids across parts in first-seen order, 0-padded."""
    joined = np.concatenate(parts, axis=1)
    if allowed is not None:
        joined = np.where(allowed[joined], joined, 0)
    out = np.zeros_like(joined)
    width = 0
    for r, row in enumerate(joined):
        ids = row[row > 0]
        _, first = np.unique(ids, return_index=True)
        ids = ids[np.sort(first)]
        out[r, : len(ids)] = ids
        width = max(width, len(ids))
    return out[:, : max(width, 1)]


def drop_seen(cand: np.ndarray, seen: sp.csr_matrix) -> np.ndarray:
    """Zeroes candidates (rows, 1-based) that are in the users' whole history `seen`
    ([B, n_items] by item index), then moves the zeros to the end of each row."""
    hit = np.asarray(seen[np.arange(len(cand))[:, None], np.maximum(cand - 1, 0)].todense()) > 0
    cand = np.where(hit & (cand > 0), 0, cand)
    return np.take_along_axis(cand, np.argsort(cand == 0, axis=1, kind="stable"), axis=1)


def seen_rows(seen: sp.csr_matrix, cap: int) -> np.ndarray:
    """[B, <= cap] item rows (index + 1) of each user's seen set, 0-padded."""
    seen = seen.tocsr()
    counts = np.diff(seen.indptr)
    r = np.repeat(np.arange(seen.shape[0]), counts)
    pos = np.arange(seen.nnz) - seen.indptr[r]
    keep = pos < cap
    out = np.zeros((seen.shape[0], max(int(min(counts.max(initial=0), cap)), 1)), np.int64)
    out[r[keep], pos[keep]] = seen.indices[keep] + 1
    return out


def gather_candidates(user_emb: np.ndarray, history: np.ndarray, item_emb: np.ndarray,
                      i2i: ItemToItem, popular: np.ndarray, cfg: CandidateConfig,
                      ann: AnnIndex | None = None, allowed: np.ndarray | None = None,
                      seen: sp.csr_matrix | None = None, i2i_rows: np.ndarray | None = None) -> np.ndarray:
    """Candidate rows [B, K] (0-padded). `allowed`: optional bool over rows. `seen`: the
    users' whole histories ([B, n_items]); `history` holds only the newest rows, and a
    heavy user's older items would otherwise come back as candidates."""
    if allowed is not None:
        allowed = allowed.copy()
        allowed[0] = False
    parts = [ann_candidates(user_emb, item_emb, history, cfg.ann_k, ann, allowed)]
    if cfg.i2i_k > 0:
        agg = aggregate(i2i, history if i2i_rows is None else i2i_rows)
        parts.append(agg.top(cfg.i2i_k, exclude=history))
    if cfg.popular_k > 0:
        parts.append(popular_candidates(popular, history, cfg.popular_k, allowed))
    cand = union_rows(parts, allowed)
    hist_hit = (cand[:, :, None] == history[:, None, :]).any(axis=2)
    cand = np.where(hist_hit, 0, cand)
    order = np.argsort(cand == 0, axis=1, kind="stable")
    cand = np.take_along_axis(cand, order, axis=1)
    return cand if seen is None else drop_seen(cand, seen)
