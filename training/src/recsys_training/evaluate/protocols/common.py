"""Pieces shared by the protocols: the evaluation context and task construction."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from recsys_training.data.types import Dataset
from recsys_training.evaluate.beyond import category_matrix
from recsys_training.evaluate.matrix import binary_matrix, interaction_matrix
from recsys_training.evaluate.protocols.pool import ModelPool
from recsys_training.evaluate.ranking import RankingTask

Results = dict[str, dict[str, list[float]]]  # model -> metric -> one value per seed


@dataclass
class Context:
    dataset: Dataset
    pool: ModelPool
    seeds: list[int]
    max_users: int | None = None  # cap on evaluated users per task (quick runs)
    progress: bool = True
    notes: list[str] = field(default_factory=list)
    _categories: sp.csr_matrix | None = field(default=None, init=False, repr=False)

    def categories(self) -> sp.csr_matrix:
        """items x categories indicator, built once per protocol run."""
        if self._categories is None:
            self._categories = category_matrix(self.dataset.items.categories)
        return self._categories


def record(results: Results, model: str, metrics: dict[str, float]) -> None:
    for name, value in metrics.items():
        results.setdefault(model, {}).setdefault(name, []).append(value)


def truth_matrix(dataset: Dataset, rows: np.ndarray, history: sp.csr_matrix) -> sp.csr_matrix:
    """Held-out (user, item) pairs at `rows`, minus pairs already in the user's history."""
    inter = dataset.interactions
    truth = binary_matrix(inter.user[rows], inter.item[rows], dataset.n_users, dataset.n_items)
    truth = (truth - truth.multiply(history)).tocsr()
    truth.eliminate_zeros()
    return truth


def ranking_task(
    ctx: Context,
    train: Dataset,
    history: sp.csr_matrix,
    truth: sp.csr_matrix,
    candidates: np.ndarray,
    ks: tuple[int, ...],
    seed: int,
    need_history: bool = True,
) -> RankingTask:
    """Users with >= 1 truth item among the candidates (and history, if asked); capped."""
    truth = (truth @ sp.diags(candidates.astype(np.float32))).tocsr()
    truth.eliminate_zeros()
    ok = np.diff(truth.indptr) > 0
    if need_history:
        ok &= np.diff(history.indptr) > 0
    users = np.flatnonzero(ok)
    if ctx.max_users is not None and len(users) > ctx.max_users:
        users = np.sort(np.random.default_rng(seed).choice(users, ctx.max_users, replace=False))
    popularity = np.bincount(train.interactions.item, minlength=train.n_items).astype(np.float64)
    return RankingTask(users, history, truth, candidates, popularity, ctx.categories(), ks=ks)


def train_history(train: Dataset) -> sp.csr_matrix:
    return interaction_matrix(train)
