"""The model interface every evaluated recommender implements.

Baselines live in evaluate/baselines/; the two-stage system implements the same
class in recsys_training.two_stage and registers itself (see registry.py).
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np
import scipy.sparse as sp

from recsys_training.data.types import Dataset


class Recommender(ABC):
    name: str = "recommender"
    # True when fit() gives the same model for every seed: the runner then fits
    # once per split and reuses it (the metrics' std over seeds is then 0).
    deterministic: bool = False

    @abstractmethod
    def fit(self, train: Dataset, seed: int) -> None:
        """Trains on `train`. train.items lists ALL items; cold ones have no interactions."""

    @abstractmethod
    def score(self, users: np.ndarray, history: sp.csr_matrix) -> np.ndarray:
        """float32 (len(users), n_items) scores, higher is better.

        `users` are user_idx values (possibly users unseen in fit, e.g. P5);
        `history` holds their known interactions (binary), rows aligned with
        `users`, n_items columns.
        """

    def recommend(
        self, users: np.ndarray, history: sp.csr_matrix, k: int, exclude: np.ndarray | None = None
    ) -> np.ndarray:
        """int64 (len(users), k) item_idx, best first; never an item in `history`.

        `exclude` is an optional bool mask over items that must not be returned
        (items outside the protocol's candidate set). Slots with no eligible item
        left are -1.
        """
        scores = np.array(self.score(users, history), dtype=np.float32, copy=True)
        return top_k(scores, history, k, exclude)

    def item_embeddings(self) -> np.ndarray | None:
        """(n_items, dim) vectors for intra-list diversity; None when the model has none."""
        return None


def top_k(
    scores: np.ndarray, history: sp.csr_matrix, k: int, exclude: np.ndarray | None = None
) -> np.ndarray:
    """Masks history (and `exclude`) to -inf in place, then takes the top k, sorted."""
    n_rows, n_items = scores.shape
    if exclude is not None:
        scores[:, exclude] = -np.inf
    rows, cols = history.nonzero()
    scores[rows, cols] = -np.inf
    k_eff = min(k, n_items)
    if k_eff < n_items:
        part = np.argpartition(-scores, k_eff - 1, axis=1)[:, :k_eff]
    else:
        part = np.broadcast_to(np.arange(n_items), (n_rows, n_items)).copy()
    part_scores = np.take_along_axis(scores, part, axis=1)
    order = np.argsort(-part_scores, axis=1, kind="stable")
    best = np.take_along_axis(part, order, axis=1).astype(np.int64)
    best[np.take_along_axis(part_scores, order, axis=1) == -np.inf] = -1
    if k_eff < k:
        best = np.hstack([best, np.full((n_rows, k - k_eff), -1, dtype=np.int64)])
    return best
