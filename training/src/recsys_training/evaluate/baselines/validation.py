"""Validation carved from the training matrix, for choosing hyperparameters.

EVALUATION.md forbids tuning on the test split; every baseline that has a
hyperparameter picks it by nDCG@10 on a random per-user holdout of train.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from recsys_training.evaluate.metrics import hits_of, ranking_metrics
from recsys_training.evaluate.recommender import top_k

VALIDATION_SEED = 20_240_917  # fixed: deterministic models must pick the same value every run


@dataclass(frozen=True)
class Holdout:
    fit: sp.csr_matrix  # train minus the held-out cells
    users: np.ndarray  # validation users
    truth: sp.csr_matrix  # their held-out items (rows aligned with users)


def carve(
    train: sp.csr_matrix,
    share: float = 0.2,
    max_users: int = 1000,
    min_items: int = 5,
    seed: int = VALIDATION_SEED,
) -> Holdout:
    rng = np.random.default_rng(seed)
    counts = np.diff(train.indptr)
    eligible = np.flatnonzero(counts >= min_items)
    if len(eligible) == 0:
        eligible = np.flatnonzero(counts >= 2)
    users = np.sort(rng.choice(eligible, size=min(max_users, len(eligible)), replace=False))
    chosen = np.zeros(train.shape[0], dtype=bool)
    chosen[users] = True
    rows = np.repeat(np.arange(train.shape[0]), counts)
    held = chosen[rows] & (rng.random(train.nnz) < share)
    coo = train.tocoo()
    fit = sp.csr_matrix((coo.data[~held], (coo.row[~held], coo.col[~held])), shape=train.shape)
    truth_all = sp.csr_matrix((coo.data[held], (coo.row[held], coo.col[held])), shape=train.shape)
    users = users[np.diff(truth_all.indptr)[users] > 0]
    return Holdout(fit, users, truth_all[users])


def validation_ndcg(
    score: Callable[[np.ndarray, sp.csr_matrix], np.ndarray], holdout: Holdout, k: int = 10, batch: int = 1024
) -> float:
    """Mean nDCG@k of `score(users, history)` on the holdout (history = holdout.fit rows)."""
    values = []
    for start in range(0, len(holdout.users), batch):
        users = holdout.users[start : start + batch]
        history = holdout.fit[users]
        recs = top_k(np.array(score(users, history), dtype=np.float32), history, k)
        truth = holdout.truth[start : start + batch]
        values.append(ranking_metrics(hits_of(recs, truth), np.diff(truth.indptr), k)[f"ndcg@{k}"])
    return float(np.concatenate(values).mean()) if values else 0.0
