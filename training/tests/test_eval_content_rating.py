"""The content-only rating baseline: quality from content, taste per user, ratings required."""

import numpy as np
import pytest

from recsys_training.data.types import Dataset, Interactions, Items
from recsys_training.evaluate.baselines import ContentRatingRecommender
from recsys_training.evaluate.registry import ModelUnavailable


def catalog(n: int) -> Items:
    """Items alternate acclaimed / panned tags and categories A / B in a cycle of 4."""
    tags = [["acclaimed"] if i % 2 == 0 else ["panned"] for i in range(n)]
    cats = [["A"] if i % 4 < 2 else ["B"] for i in range(n)]
    return Items(ids=np.array([str(i) for i in range(n)], dtype=object), titles=[f"film {i}" for i in range(n)],
                 categories=cats, tags=tags)


def dataset(rating_of) -> Dataset:
    n_users, n_items = 30, 40
    users, items, ratings = [], [], []
    for u in range(n_users):
        for i in range(n_items - 4):  # the last 4 items are new: no ratings
            users.append(u)
            items.append(i)
            ratings.append(rating_of(u, i))
    inter = Interactions(np.array(users), np.array(items), np.arange(len(users), dtype=np.int64),
                         rating=np.array(ratings, np.float32))
    return Dataset("t", np.array([f"u{u}" for u in range(n_users)], dtype=object), catalog(n_items), inter)


def test_new_items_score_by_the_quality_their_content_predicts():
    data = dataset(lambda u, i: 4.5 if i % 2 == 0 else 2.0)
    model = ContentRatingRecommender()
    model.fit(data, seed=0)
    scores = model.score(np.arange(30), None)
    new_good, new_bad = [36, 38], [37, 39]
    assert (scores[:, new_good].min(axis=1) > scores[:, new_bad].max(axis=1)).all()


def test_a_users_taste_moves_new_items_of_their_category():
    # User 0 loves category A; everyone else rates by quality alone.
    data = dataset(lambda u, i: (5.0 if i % 4 < 2 else 1.0) if u == 0 else (4.0 if i % 2 == 0 else 3.0))
    model = ContentRatingRecommender()
    model.fit(data, seed=0)
    scores = model.score(np.array([0, 1]), None)
    a_item, b_item = 37, 39  # both panned; 37 is in A, 39 in B
    assert scores[0, a_item] - scores[0, b_item] > scores[1, a_item] - scores[1, b_item] + 0.5


def test_needs_ratings():
    data = dataset(lambda u, i: 3.0)
    bare = Dataset(data.name, data.user_ids, data.items,
                   Interactions(data.interactions.user, data.interactions.item, data.interactions.timestamp))
    with pytest.raises(ModelUnavailable, match="needs ratings"):
        ContentRatingRecommender().fit(bare, seed=0)
