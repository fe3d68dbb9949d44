"""Content-only rating model: the P4(a) anchor for "will this user like this new item",
from content alone (no item ids).

A user-centred rating is modelled as item quality plus user taste. Quality is a ridge
regression from the item's content (content_knn's TF-IDF of genres, tags and title words on two items or more,
plus its numeric fields, e.g. the release year) to the item's mean user-centred rating,
rows weighted by sqrt(min(count, 50)); its L2 weight is chosen on a holdout of the
training items. Taste is a per-user ridge over categories and numeric fields, fitted to
what quality leaves of that user's ratings. Needs ratings.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import scipy.sparse as sp

from recsys_training.data.types import Dataset, Items
from recsys_training.evaluate.baselines.content_knn import tfidf
from recsys_training.evaluate.baselines.validation import VALIDATION_SEED
from recsys_training.evaluate.recommender import Recommender
from recsys_training.evaluate.registry import ModelUnavailable

QUALITY_LAMBDAS = (3.0, 10.0, 30.0, 100.0)
TASTE_PRIOR = 5.0  # ridge weight of a user's taste, in ratings: few ratings -> little taste
COUNT_CAP = 50
MIN_ITEMS_PER_TOKEN = 2  # a token on one item only says nothing about other items


def numeric_columns(items: Items) -> np.ndarray:
    """Standardised numeric fields and their squares, 0 where unknown: (n_items, 2 * fields)."""
    cols = []
    for values in items.numeric.values():
        v = np.asarray(values, np.float64)
        known = np.isfinite(v)
        mean, std = (v[known].mean(), v[known].std() or 1.0) if known.any() else (0.0, 1.0)
        z = np.where(known, (v - mean) / std, 0.0)
        cols += [z, z * z]
    return np.stack(cols, axis=1) if cols else np.zeros((len(items), 0))


def categories(items: Items) -> np.ndarray:
    names = sorted({c for cs in items.categories for c in cs})
    index = {c: j for j, c in enumerate(names)}
    out = np.zeros((len(items), len(names)))
    for i, cs in enumerate(items.categories):
        out[i, [index[c] for c in cs]] = 1.0
    return out


def ridge(x: np.ndarray, y: np.ndarray, w: np.ndarray, lam: float) -> np.ndarray:
    xw = x * w[:, None]
    return np.linalg.solve(xw.T @ xw + lam * np.eye(x.shape[1]), xw.T @ (y * w))


class ContentRatingRecommender(Recommender):
    name = "content_rating"
    deterministic = True

    def fit(self, train: Dataset, seed: int) -> None:
        inter = train.interactions
        if inter.rating is None:
            raise ModelUnavailable("content_rating needs ratings; this dataset has none")
        numeric = numeric_columns(train.items)
        taste_x = np.concatenate([categories(train.items), numeric], axis=1)
        words = tfidf(train.items).tocsc()
        shared = np.flatnonzero(np.diff(words.indptr) >= MIN_ITEMS_PER_TOKEN)
        content = np.asarray(sp.hstack([words[:, shared], sp.csr_matrix(taste_x)]).todense())
        content = np.concatenate([content, np.ones((len(content), 1))], axis=1)
        rating = inter.rating.astype(np.float64)
        n_users, n_items = train.n_users, train.n_items
        counts_u = np.maximum(np.bincount(inter.user, minlength=n_users), 1)
        centred = rating - (np.bincount(inter.user, rating, n_users) / counts_u)[inter.user]
        counts = np.bincount(inter.item, minlength=n_items).astype(np.float64)
        target = np.bincount(inter.item, centred, n_items) / np.maximum(counts, 1.0)
        warm = np.flatnonzero(counts > 0)
        weight = np.sqrt(np.minimum(counts, COUNT_CAP))
        lam = self._choose_lambda(content, target, weight, warm)
        beta = ridge(content[warm], target[warm], weight[warm], lam)
        self.quality = content @ beta
        left = centred - self.quality[inter.item]
        self.taste_x = taste_x
        self.taste = np.zeros((n_users, taste_x.shape[1]))
        order = np.argsort(inter.user, kind="stable")
        bounds = np.flatnonzero(np.r_[True, np.diff(inter.user[order]) != 0, True])
        for a, b in pairwise(bounds):
            rows = order[a:b]
            self.taste[inter.user[rows[0]]] = ridge(taste_x[inter.item[rows]], left[rows], np.ones(len(rows)),
                                                    TASTE_PRIOR)
        self.params = {"quality_lambda": lam}

    def _choose_lambda(self, content, target, weight, warm) -> float:
        """Weighted squared error of item quality on 20% of the warm items, held out."""
        rng = np.random.default_rng(VALIDATION_SEED)
        held = rng.random(len(warm)) < 0.2
        fit, test = warm[~held], warm[held]

        def error(lam: float) -> float:
            beta = ridge(content[fit], target[fit], weight[fit], lam)
            return float(np.average((content[test] @ beta - target[test]) ** 2, weights=weight[test] ** 2))

        return min(QUALITY_LAMBDAS, key=error)

    def score(self, users: np.ndarray, history: sp.csr_matrix) -> np.ndarray:
        """Quality plus the user's taste; users unseen in fit get quality alone."""
        known = users < len(self.taste)
        taste = np.where(known[:, None], self.taste[np.where(known, users, 0)], 0.0)
        return (self.quality[None, :] + taste @ self.taste_x.T).astype(np.float32)
