"""Item-based k-nearest-neighbours with shrunk cosine similarity.

Sarwar et al. 2001 (item-based CF); shrinkage as in Koren & Bell's neighbourhood
models: sim(i, j) = |U_i ∩ U_j| / (sqrt(|U_i| |U_j|) + shrink). Each item keeps
its k most similar items; score(u, i) = sum of sim(j, i) over u's history j.
k and shrink are chosen on a validation holdout of train.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from recsys_training.data.types import Dataset
from recsys_training.evaluate.baselines.validation import carve, validation_ndcg
from recsys_training.evaluate.matrix import interaction_matrix
from recsys_training.evaluate.recommender import Recommender
from recsys_training.evaluate.registry import ModelUnavailable

MAX_ITEMS = 100_000  # the similarity pass is O(n_items^2)
K_GRID = (20, 50, 100, 200)
SHRINK_GRID = (0.0, 10.0, 100.0)
BLOCK_CELLS = 20_000_000  # dense similarity cells per block: ~160 MB of float64


def neighbours(matrix: sp.csr_matrix, k: int, shrink: float) -> sp.csr_matrix:
    """(n_items, n_items) sparse S with S[j, i] = sim(j, i) for j among i's top k (j != i)."""
    n_items = matrix.shape[1]
    by_item = matrix.T.tocsr()
    norms = np.sqrt(np.asarray(matrix.sum(axis=0)).ravel())
    k = min(k, max(n_items - 1, 1))
    rows, cols, vals = [], [], []
    csc = matrix.tocsc()
    step = max(16, min(1024, BLOCK_CELLS // max(n_items, 1)))
    for start in range(0, n_items, step):
        block = np.arange(start, min(n_items, start + step))
        co = (by_item @ csc[:, block]).toarray()
        sim = co / np.maximum(norms[:, None] * norms[block][None, :] + shrink, 1e-12)
        sim[block, np.arange(len(block))] = 0.0
        if k < n_items:
            top = np.argpartition(-sim, k - 1, axis=0)[:k]
        else:
            top = np.tile(np.arange(n_items)[:, None], len(block))
        top_vals = np.take_along_axis(sim, top, axis=0)
        keep = top_vals > 0
        rows.append(top[keep])
        cols.append(np.broadcast_to(block, top.shape)[keep])
        vals.append(top_vals[keep].astype(np.float32))
    data = (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols)))
    return sp.csr_matrix(data, shape=(n_items, n_items))


def truncate(similarity: sp.csr_matrix, k: int) -> sp.csr_matrix:
    """Keeps the k largest entries of each column."""
    csc = similarity.tocsc()
    rows, cols, vals = [], [], []
    for col in range(csc.shape[1]):
        lo, hi = csc.indptr[col], csc.indptr[col + 1]
        if hi - lo > k:
            best = lo + np.argpartition(-csc.data[lo:hi], k - 1)[:k]
        else:
            best = np.arange(lo, hi)
        rows.append(csc.indices[best])
        cols.append(np.full(len(best), col))
        vals.append(csc.data[best])
    return sp.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=csc.shape
    )


class ItemKNNRecommender(Recommender):
    name = "itemknn"
    deterministic = True

    def __init__(self, k_grid: tuple[int, ...] = K_GRID, shrink_grid: tuple[float, ...] = SHRINK_GRID):
        self.k_grid, self.shrink_grid = k_grid, shrink_grid
        self.params: dict[str, float] = {}

    def fit(self, train: Dataset, seed: int) -> None:
        if train.n_items > MAX_ITEMS:
            raise ModelUnavailable(f"ItemKNN is limited to {MAX_ITEMS} items ({train.n_items} here)")
        matrix = interaction_matrix(train)
        holdout = carve(matrix)
        best = (-1.0, self.k_grid[0], self.shrink_grid[0])
        for shrink in self.shrink_grid:
            full = neighbours(holdout.fit, max(self.k_grid), shrink)
            for k in self.k_grid:
                sim = truncate(full, k) if k < max(self.k_grid) else full
                ndcg = validation_ndcg(lambda u, h, s=sim: (h @ s).toarray(), holdout)
                best = max(best, (ndcg, k, shrink))
        _, k, shrink = best
        self.params = {"k": k, "shrink": shrink, "validation_ndcg@10": round(best[0], 4)}
        self.similarity = neighbours(matrix, k, shrink)

    def score(self, users: np.ndarray, history: sp.csr_matrix) -> np.ndarray:
        return (history @ self.similarity).toarray().astype(np.float32)
