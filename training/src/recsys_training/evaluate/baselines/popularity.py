"""The two anchors: uniform Random and TopPop (most interacted items first)."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from recsys_training.data.types import Dataset
from recsys_training.evaluate.recommender import Recommender


class RandomRecommender(Recommender):
    name = "random"

    def fit(self, train: Dataset, seed: int) -> None:
        self.n_items = train.n_items
        self.rng = np.random.default_rng(seed)

    def score(self, users: np.ndarray, history: sp.csr_matrix) -> np.ndarray:
        return self.rng.random((len(users), self.n_items), dtype=np.float32)


class TopPopRecommender(Recommender):
    name = "toppop"
    deterministic = True

    def fit(self, train: Dataset, seed: int) -> None:
        counts = np.bincount(train.interactions.item, minlength=train.n_items)
        self.popularity = counts.astype(np.float32)

    def score(self, users: np.ndarray, history: sp.csr_matrix) -> np.ndarray:
        return np.broadcast_to(self.popularity, (len(users), len(self.popularity)))
