"""Accuracy metrics, exactly as EVALUATION.md defines them (per user; callers average).

P@k = hits/k; R@k = hits/|test items|; nDCG@k with binary gain and the ideal
over min(|test items|, k) slots; MAP@k = sum of precision at each hit in the
top k / |test items|; AUC = P(score of a positive > score of a negative), ties 1/2.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.stats import rankdata


def hits_of(recs: np.ndarray, truth: sp.csr_matrix) -> np.ndarray:
    """bool (n, k): whether recs[u, j] is one of row u's test items (-1 never hits)."""
    truth = truth.tocsr()
    truth.sort_indices()
    n_items = np.int64(truth.shape[1])
    rows = np.repeat(np.arange(truth.shape[0], dtype=np.int64), np.diff(truth.indptr))
    keys = rows * n_items + truth.indices.astype(np.int64)
    if len(keys) == 0:
        return np.zeros(recs.shape, dtype=bool)
    query = np.arange(recs.shape[0], dtype=np.int64)[:, None] * n_items + recs
    pos = np.minimum(np.searchsorted(keys, query), len(keys) - 1)
    return (keys[pos] == query) & (recs >= 0)


def discounts(k: int) -> np.ndarray:
    return 1.0 / np.log2(np.arange(k) + 2.0)


def ranking_metrics(hits: np.ndarray, n_truth: np.ndarray, k: int) -> dict[str, np.ndarray]:
    """Per-user precision, recall, nDCG and MAP at k from a hit matrix (best first)."""
    h = hits[:, :k].astype(np.float64)
    n_truth = np.asarray(n_truth, dtype=np.float64)
    if np.any(n_truth <= 0):
        raise ValueError("every evaluated user needs at least one test item")
    n_hits = h.sum(axis=1)
    disc = discounts(k)
    ideal = np.cumsum(disc)[np.minimum(n_truth, k).astype(np.int64) - 1]
    precision_at = np.cumsum(h, axis=1) / np.arange(1, k + 1)
    return {
        f"precision@{k}": n_hits / k,
        f"recall@{k}": n_hits / n_truth,
        f"ndcg@{k}": (h * disc).sum(axis=1) / ideal,
        f"map@{k}": (precision_at * h).sum(axis=1) / n_truth,
    }


def auc(scores: np.ndarray, positive: np.ndarray) -> float:
    """ROC AUC of `scores` for bool labels `positive`; NaN without both classes."""
    n_pos = int(positive.sum())
    n_neg = len(positive) - n_pos
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    ranks = rankdata(scores)  # average ranks: ties count 1/2
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def per_user_auc(user: np.ndarray, scores: np.ndarray, positive: np.ndarray) -> np.ndarray:
    """AUC per user (rows grouped by `user`), only users with both classes."""
    order = np.argsort(user, kind="stable")
    user, scores, positive = user[order], scores[order], positive[order]
    bounds = np.flatnonzero(np.r_[True, np.diff(user) != 0, True])
    values = [auc(scores[a:b], positive[a:b]) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
    values = np.asarray(values, dtype=np.float64)
    return values[~np.isnan(values)]
