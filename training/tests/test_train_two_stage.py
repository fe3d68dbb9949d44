"""The two-stage Recommender on tiny data: it learns planted structure and keeps
the Recommender contract (no history, `exclude` honoured, unseen users)."""

import numpy as np
import pytest
import scipy.sparse as sp

from recsys_training.data.types import Dataset, Interactions, Items
from recsys_training.evaluate.diagnostics import StageDiagnostics
from recsys_training.evaluate.registry import ModelOptions, build

N_USERS, N_ITEMS = 60, 40


def planted() -> Dataset:
    """Two taste groups: users 0..29 only use items 0..19, users 30..59 items 20..39."""
    rng = np.random.default_rng(0)
    users, items, stamps = [], [], []
    for u in range(N_USERS):
        group = u // 30
        picks = rng.choice(20, 12, replace=False) + 20 * group
        users += [u] * 12
        items += picks.tolist()
        stamps += (1_700_000_000_000 + u * 10_000_000 + np.arange(12) * 60_000).tolist()
    cats = [["left"] if i < 20 else ["right"] for i in range(N_ITEMS)]
    catalog = Items(ids=np.array([f"i{i}" for i in range(N_ITEMS)], dtype=object),
                    titles=[f"Item {i}" for i in range(N_ITEMS)], categories=cats, tags=[[] for _ in cats])
    inter = Interactions(np.array(users), np.array(items), np.array(stamps, np.int64))
    return Dataset("planted", np.array([f"u{u}" for u in range(N_USERS)], dtype=object), catalog, inter)


@pytest.fixture(scope="module")
def fitted():
    data = planted()
    model = build("two_stage", ModelOptions(quick=True, progress=False))
    model.fit(data, seed=0)
    history = sp.csr_matrix((np.ones(len(data.interactions)), (data.interactions.user, data.interactions.item)),
                            shape=(N_USERS, N_ITEMS))
    model.data = data  # kept alive for the MMR variant's shared fit
    return model, history


def test_recommends_from_the_users_own_group_and_never_their_history(fitted):
    model, history = fitted
    users = np.arange(N_USERS)
    recs = model.recommend(users, history[users], 5)
    assert recs.shape == (N_USERS, 5) and (recs >= 0).all()
    own = (recs // 20) == (users[:, None] // 30)
    assert own.mean() >= 0.8
    assert not any(history[u, recs[u]].sum() for u in users)


def test_score_is_float32_over_all_items_and_exclude_is_honoured(fitted):
    model, history = fitted
    users = np.array([0, 45])
    scores = model.score(users, history[users])
    assert scores.shape == (2, N_ITEMS) and scores.dtype == np.float32 and np.isfinite(scores).all()
    exclude = np.ones(N_ITEMS, bool)
    exclude[[3, 25, 30]] = False
    recs = model.recommend(users, history[users], 4, exclude=exclude)
    allowed = {3, 25, 30}
    for row, u in zip(recs, users):
        got = [i for i in row if i >= 0]
        assert set(got) <= allowed - set(history[u].indices)


def test_unseen_users_are_served_from_their_history(fitted):
    model, _ = fitted
    history = sp.csr_matrix((np.ones(3), ([0, 0, 0], [21, 22, 23])), shape=(1, N_ITEMS))
    recs = model.recommend(np.array([N_USERS + 5]), history, 5)
    assert (recs[0] >= 20).mean() >= 0.6


def test_mmr_variant_and_stage_diagnostics(fitted):
    model, history = fitted
    assert isinstance(model, StageDiagnostics)
    users = np.arange(0, N_USERS, 7)
    test = history[users]
    train = sp.csr_matrix(test.shape)
    recall = model.retrieval_recall(users, train, test, [5, 10])
    assert 0 <= recall[5] <= recall[10] <= 1
    assert 0.0 <= model.ann_recall_at(users, history[users], 10) <= 1.0
    assert 0.0 <= model.ranking_ndcg(users, train, test, 10) <= 1.0
    mmr = build("two_stage_mmr", ModelOptions(quick=True, progress=False))
    mmr.fit(model.data, seed=0)
    assert mmr.system is model.system  # same split and seed: fitted once
    recs = mmr.recommend(users, history[users], 5)
    assert recs.shape == (len(users), 5) and len({tuple(r) for r in recs}) >= 1
    assert all(len(set(r)) == 5 for r in recs)
