"""Beyond-accuracy metrics of a recommendation table (one row of item_idx per user).

Catalogue coverage@k: share of candidate items recommended to anyone. Long-tail
share: share of recommended slots holding items outside the top 20% of
candidates by training popularity. Distinct categories in the top k, and
intra-list diversity: mean pairwise cosine distance of item embeddings.
"""

from __future__ import annotations

import math

import numpy as np
import scipy.sparse as sp

HEAD_SHARE = 0.2


def coverage(recs: np.ndarray, n_candidates: int) -> float:
    valid = recs[recs >= 0]
    return len(np.unique(valid)) / max(n_candidates, 1)


def head_items(popularity: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """bool mask of the most popular 20% of the candidate items (ties by lower index)."""
    ids = np.flatnonzero(candidates)
    n_head = math.ceil(HEAD_SHARE * len(ids))
    order = np.argsort(-popularity[ids], kind="stable")
    head = np.zeros(len(popularity), dtype=bool)
    head[ids[order[:n_head]]] = True
    return head


def long_tail_share(recs: np.ndarray, head: np.ndarray) -> float:
    valid = recs[recs >= 0]
    return float((~head[valid]).mean()) if len(valid) else float("nan")


def category_matrix(categories: list[list[str]]) -> sp.csr_matrix:
    """items x categories indicator."""
    names = {name: i for i, name in enumerate(sorted({c for cats in categories for c in cats}))}
    rows = [i for i, cats in enumerate(categories) for _ in cats]
    cols = [names[c] for cats in categories for c in cats]
    data = np.ones(len(rows), dtype=np.float32)
    return sp.csr_matrix((data, (rows, cols)), shape=(len(categories), max(len(names), 1)))


def distinct_categories(recs: np.ndarray, item_categories: sp.csr_matrix) -> np.ndarray:
    """Per user, how many distinct categories the recommended items span."""
    n, k = recs.shape
    rows = np.repeat(np.arange(n), k)
    cols = recs.ravel()
    ok = cols >= 0
    picked = sp.csr_matrix(
        (np.ones(ok.sum(), dtype=np.float32), (rows[ok], cols[ok])), shape=(n, item_categories.shape[0])
    )
    return np.asarray(((picked @ item_categories) > 0).sum(axis=1)).ravel().astype(np.float64)


def intra_list_distance(recs: np.ndarray, embeddings: np.ndarray) -> np.ndarray:
    """Per user, mean pairwise cosine distance among recommended items (NaN if < 2 items)."""
    unit = embeddings / np.maximum(np.linalg.norm(embeddings, axis=1, keepdims=True), 1e-12)
    valid = recs >= 0
    vectors = unit[np.where(valid, recs, 0)] * valid[..., None]
    m = valid.sum(axis=1).astype(np.float64)
    total = vectors.sum(axis=1)
    # sum over pairs i<j of cos = (|sum|^2 - sum |v|^2) / 2, and |v| = 1
    pair_sum = (np.einsum("nd,nd->n", total, total) - m) / 2.0
    pairs = m * (m - 1) / 2.0
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(pairs > 0, 1.0 - pair_sum / pairs, np.nan)
