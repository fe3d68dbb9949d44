"""Baselines on a tiny synthetic set: they learn something, and EASE is Steck's formula."""

import numpy as np
import pytest
import scipy.sparse as sp

from recsys_training.data.synthetic import SyntheticConfig, generate
from recsys_training.evaluate.baselines import (
    BPRRecommender,
    ContentKNNRecommender,
    EASERecommender,
    ItemKNNRecommender,
    RandomRecommender,
    TopPopRecommender,
)
from recsys_training.evaluate.baselines.ease import ease_weights
from recsys_training.evaluate.beyond import category_matrix
from recsys_training.evaluate.matrix import binary_matrix, interaction_matrix, subset
from recsys_training.evaluate.ranking import RankingTask, evaluate_ranking
from recsys_training.evaluate.splits import cold_item_split, stratified_split


@pytest.fixture(scope="module")
def p1_setup():
    data = generate(SyntheticConfig(n_users=300, n_items=150, seed=11))
    rows = stratified_split(data.interactions.item)
    train = subset(data, rows)
    history = interaction_matrix(train)
    inter = data.interactions
    truth = binary_matrix(inter.user[~rows], inter.item[~rows], data.n_users, data.n_items)
    truth = (truth - truth.multiply(history)).tocsr()
    truth.eliminate_zeros()
    users = np.flatnonzero((np.diff(truth.indptr) > 0) & (np.diff(history.indptr) > 0))
    pop = np.bincount(train.interactions.item, minlength=data.n_items).astype(float)
    task = RankingTask(users, history, truth, pop > 0, pop, category_matrix(data.items.categories), ks=(10,))
    return train, task


def ndcg(model, train, task) -> float:
    model.fit(train, seed=0)
    return evaluate_ranking(model, task)["ndcg@10"]


def test_learned_baselines_beat_random(p1_setup) -> None:
    train, task = p1_setup
    random = ndcg(RandomRecommender(), train, task)
    toppop = ndcg(TopPopRecommender(), train, task)
    assert toppop > 2 * random
    for model in (EASERecommender(), ItemKNNRecommender(k_grid=(20, 50), shrink_grid=(0.0, 10.0))):
        assert ndcg(model, train, task) > max(3 * random, toppop)
    bpr = BPRRecommender(max_epochs=10)
    assert ndcg(bpr, train, task) > 2 * random
    assert bpr.item_embeddings().shape == (train.n_items, bpr.dim)


def test_ease_matches_closed_form() -> None:
    rng = np.random.default_rng(0)
    x = (rng.random((40, 12)) < 0.3).astype(np.float64)
    weights = ease_weights(sp.csr_matrix(x), 5.0)
    p = np.linalg.inv(x.T @ x + 5.0 * np.eye(12))
    expected = -p / np.diag(p)
    np.fill_diagonal(expected, 0.0)
    np.testing.assert_allclose(weights, expected, atol=1e-5)


def test_bpr_folds_in_unseen_users(p1_setup) -> None:
    train, task = p1_setup
    model = BPRRecommender(max_epochs=5)
    model.fit(train, seed=1)
    model.known[:] = False  # pretend every user is new: scores come from history alone
    history = task.history[task.users[:3]]
    scores = model.score(task.users[:3], history)
    assert scores.shape == (3, train.n_items) and np.isfinite(scores).all()


def test_content_knn_ranks_cold_items_above_chance() -> None:
    data = generate(SyntheticConfig(n_users=400, n_items=300, seed=5))
    split = cold_item_split(data.interactions.item, data.n_items, seed=0)
    train = subset(data, split.train)
    history = interaction_matrix(train)
    inter = data.interactions
    truth = binary_matrix(inter.user[~split.train], inter.item[~split.train], data.n_users, data.n_items)
    users = np.flatnonzero((np.diff(truth.indptr) > 0) & (np.diff(history.indptr) > 0))
    pop = np.bincount(train.interactions.item, minlength=data.n_items).astype(float)
    task = RankingTask(
        users, history, truth, split.cold_items, pop, category_matrix(data.items.categories), ks=(10,)
    )
    content = ndcg(ContentKNNRecommender(), train, task)
    random = ndcg(RandomRecommender(), train, task)
    assert content > 1.3 * random


def test_content_knn_profile_follows_ratings_not_exposure() -> None:
    """A user who rated every 'A' item 5 and every 'B' item 1 should prefer a new 'A' item."""
    from recsys_training.data.types import Dataset, Interactions, Items

    cats = [["A"], ["A"], ["B"], ["B"], ["A"], ["B"]]
    items = Items(
        ids=np.array([str(i) for i in range(6)], dtype=object),
        titles=[f"t{i}" for i in range(6)],
        categories=cats,
        tags=[[] for _ in range(6)],
    )
    inter = Interactions(
        user=np.array([0, 0, 0, 0]),
        item=np.array([0, 1, 2, 3]),
        timestamp=np.arange(4),
        rating=np.array([5.0, 5.0, 1.0, 1.0], dtype=np.float32),
    )
    data = Dataset(name="t", user_ids=np.array(["u"], dtype=object), items=items, interactions=inter)
    model = ContentKNNRecommender()
    model.fit(data, seed=0)
    scores = model.score(np.array([0]), interaction_matrix(data))
    assert scores[0, 4] > scores[0, 5]  # unseen 'A' item above unseen 'B' item
