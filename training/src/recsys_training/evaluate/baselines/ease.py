"""EASE: closed-form item-item linear autoencoder (Steck, WWW 2019).

B = I - P diag(1/diag(P)), P = (X^T X + lambda I)^-1, with diag(B) = 0; scores
are X_u B. lambda is chosen on a validation holdout of train. Items without
training interactions cannot be scored (-inf: never recommended).
"""

from __future__ import annotations

import numpy as np
import scipy.linalg as sl
import scipy.sparse as sp

from recsys_training.data.types import Dataset
from recsys_training.evaluate.baselines.validation import carve, validation_ndcg
from recsys_training.evaluate.matrix import interaction_matrix
from recsys_training.evaluate.recommender import Recommender
from recsys_training.evaluate.registry import ModelUnavailable

MAX_ACTIVE_ITEMS = 25_000  # two dense n^2 float64 matrices must fit in memory
COARSE = (25.0, 100.0, 400.0, 1600.0)


def ease_weights(matrix: sp.csr_matrix, lam: float) -> np.ndarray:
    """Dense B (n x n, float32) for the columns of `matrix`."""
    gram = (matrix.T @ matrix).toarray().astype(np.float64)
    gram[np.diag_indices_from(gram)] += lam
    # Cholesky-based inverse: the Gram matrix plus lambda I is symmetric positive definite.
    factor, info = sl.lapack.dpotrf(gram, lower=False, clean=True, overwrite_a=True)
    if info != 0:
        raise np.linalg.LinAlgError(f"Cholesky failed ({info})")
    inverse, info = sl.lapack.dpotri(factor, lower=False, overwrite_c=True)
    if info != 0:
        raise np.linalg.LinAlgError(f"inverse failed ({info})")
    inverse = np.triu(inverse) + np.triu(inverse, 1).T
    weights = inverse / (-np.diag(inverse))
    weights[np.diag_indices_from(weights)] = 0.0
    return weights.astype(np.float32)


class EASERecommender(Recommender):
    name = "ease"
    deterministic = True

    def __init__(self, coarse: tuple[float, ...] = COARSE):
        self.coarse = coarse
        self.params: dict[str, float] = {}

    def fit(self, train: Dataset, seed: int) -> None:
        matrix = interaction_matrix(train)
        self.active = np.flatnonzero(np.diff(matrix.tocsc().indptr) > 0)
        if len(self.active) > MAX_ACTIVE_ITEMS:
            n = len(self.active)
            raise ModelUnavailable(
                f"EASE is limited to {MAX_ACTIVE_ITEMS} items with interactions ({n} here)"
            )
        self.n_items = train.n_items
        dense = matrix[:, self.active].tocsr()
        holdout = carve(dense)
        tried: dict[float, float] = {}

        def trial(lam: float) -> float:
            if lam not in tried:
                weights = ease_weights(holdout.fit, lam)
                tried[lam] = validation_ndcg(lambda u, h: h @ weights, holdout)
            return tried[lam]

        lam = max(self.coarse, key=trial)
        for _ in range(4):  # then halve/double around the best while that improves
            for neighbour in (lam / 2, lam * 2):
                trial(neighbour)
            best = max(tried, key=lambda v: tried[v])
            if best == lam:
                break
            lam = best
        self.params = {"lambda": lam, "validation_ndcg@10": round(tried[lam], 4)}
        self.weights = ease_weights(dense, lam)

    def score(self, users: np.ndarray, history: sp.csr_matrix) -> np.ndarray:
        out = np.full((len(users), self.n_items), -np.inf, dtype=np.float32)
        out[:, self.active] = history[:, self.active] @ self.weights
        return out
