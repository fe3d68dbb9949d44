"""Content-only ItemKNN: the P4 anchor that never looks at interaction ids of items.

Items are TF-IDF vectors over genre, tag and title-word tokens (binary term
frequency, smoothed idf, L2 rows). A user's profile is the sum of their training
items' vectors, weighted by mean-centred rating where ratings exist (binary
history for users unseen in fit); an item's score is its cosine to that profile.
Works for items no one has interacted with.
"""

from __future__ import annotations

import re

import numpy as np
import scipy.sparse as sp

from recsys_training.data.types import Dataset, Items
from recsys_training.evaluate.recommender import Recommender

WORD = re.compile(r"[a-z][a-z']+")
STOP = {"the", "a", "an", "of", "and", "in", "on", "to", "la", "le", "de", "ii"}


def tokens(items: Items, i: int) -> set[str]:
    title = re.sub(r"\(\d{4}\)\s*$", "", items.titles[i].lower())
    words = {f"w:{w}" for w in WORD.findall(title) if w not in STOP}
    return words | {f"g:{c.lower()}" for c in items.categories[i]} | {f"t:{t.lower()}" for t in items.tags[i]}


def tfidf(items: Items) -> sp.csr_matrix:
    vocab: dict[str, int] = {}
    rows, cols = [], []
    for i in range(len(items)):
        for token in tokens(items, i):
            rows.append(i)
            cols.append(vocab.setdefault(token, len(vocab)))
    ones = np.ones(len(rows), dtype=np.float32)
    matrix = sp.csr_matrix((ones, (rows, cols)), shape=(len(items), max(len(vocab), 1)))
    df = np.bincount(cols, minlength=matrix.shape[1]) if cols else np.zeros(matrix.shape[1])
    idf = np.log((1.0 + len(items)) / (1.0 + df)) + 1.0
    matrix = matrix @ sp.diags(idf.astype(np.float32))
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    return sp.diags(1.0 / np.maximum(norms, 1e-12)).astype(np.float32) @ matrix


def _unit_rows(matrix: sp.csr_matrix) -> sp.csr_matrix:
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    return (sp.diags(1.0 / np.maximum(norms, 1e-12)) @ matrix).tocsr()


def _pick(mask: np.ndarray, if_true: sp.csr_matrix, if_false: sp.csr_matrix) -> sp.csr_matrix:
    """Row i from `if_true` where mask[i], else from `if_false`."""
    keep = sp.diags(mask.astype(np.float32))
    other = sp.diags((~mask).astype(np.float32))
    return (keep @ if_true + other @ if_false).tocsr()


class ContentKNNRecommender(Recommender):
    name = "content_knn"
    deterministic = True

    def fit(self, train: Dataset, seed: int) -> None:
        self.vectors = tfidf(train.items).tocsr()
        inter = train.interactions
        shape = (train.n_users, train.n_items)
        ones = np.ones(len(inter), dtype=np.float64)
        binary = sp.csr_matrix((ones, (inter.user, inter.item)), shape=shape)
        profiles = _unit_rows(binary @ self.vectors)
        if inter.rating is not None:
            # Centre each user's ratings so items they rated below their own mean
            # push the profile away: the profile then encodes preference, not just exposure.
            counts = np.maximum(np.bincount(inter.user, minlength=train.n_users), 1)
            mean = np.bincount(inter.user, weights=inter.rating, minlength=train.n_users) / counts
            centred = sp.csr_matrix((inter.rating - mean[inter.user], (inter.user, inter.item)), shape=shape)
            rated = _unit_rows(centred @ self.vectors)
            profiles = _pick(np.diff(rated.indptr) > 0, rated, profiles)
        self.profiles = profiles
        self.known = np.diff(binary.indptr) > 0

    def score(self, users: np.ndarray, history: sp.csr_matrix) -> np.ndarray:
        """Cosine to the user's training profile; users unseen in fit use their history."""
        profile = _pick(self.known[users], self.profiles[users], _unit_rows(history @ self.vectors))
        return np.asarray((profile @ self.vectors.T).todense(), dtype=np.float32)
