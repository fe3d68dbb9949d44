"""The EASE neighbour table against the dense EASE baseline it truncates."""

import numpy as np
import pytest
import scipy.sparse as sp

from recsys_training.evaluate.baselines.ease import ease_weights
from recsys_training.features.item_to_item import aggregate
from recsys_training.train_item_to_item import ease_neighbours


def _interactions(seed: int = 0, n_users: int = 60, n_items: int = 25):
    rng = np.random.default_rng(seed)
    taste = rng.random((n_users, 3)) @ rng.random((3, n_items))
    user, item = np.nonzero(rng.random((n_users, n_items)) < taste / taste.max() * 0.6)
    return user, item, n_users, n_items


def _dense(user, item, n_users, n_items, lam):
    x = sp.csr_matrix((np.ones(len(user), np.float32), (user, item)), shape=(n_users, n_items))
    return x, ease_weights(x, lam)


def test_positive_then_negative_weights_best_first():
    user, item, n_users, n_items = _interactions()
    _, b = _dense(user, item, n_users, n_items, 10.0)
    table = ease_neighbours(user, item, n_users, n_items, k=4, lam=10.0, k_negative=3)
    assert table.rows.shape == (n_items + 1, 7)
    for h in range(n_items):
        row = b[h].copy()
        row[h] = np.nan
        order = np.argsort(-np.nan_to_num(row, nan=-np.inf))
        pos = [c for c in order[:4] if row[c] > 0]
        neg = [c for c in np.argsort(np.nan_to_num(row, nan=np.inf))[:3] if row[c] < 0][::-1]
        want = np.array(pos + neg) + 1
        got = table.rows[h + 1][table.rows[h + 1] > 0]
        np.testing.assert_array_equal(got, want)
        np.testing.assert_allclose(table.scores[h + 1][: len(want)], b[h, want - 1], rtol=1e-4, atol=1e-6)
        assert np.all(table.scores[h + 1][len(want):] == 0)


def test_without_negatives_the_table_keeps_positive_weights_only():
    user, item, n_users, n_items = _interactions(1)
    table = ease_neighbours(user, item, n_users, n_items, k=6, lam=10.0)
    assert table.rows.shape == (n_items + 1, 6)
    assert np.all(table.scores >= 0)
    assert np.all((table.scores > 0) == (table.rows > 0))


def test_a_table_of_every_weight_aggregates_to_the_ease_score():
    user, item, n_users, n_items = _interactions(2)
    x, b = _dense(user, item, n_users, n_items, 5.0)
    table = ease_neighbours(user, item, n_users, n_items, k=n_items, lam=5.0, k_negative=n_items)
    history = np.zeros((n_users, n_items), np.int64)
    for u in range(n_users):
        items = x[u].indices
        history[u, : len(items)] = items + 1
    sums, _, _ = aggregate(table, history).lookup(np.tile(np.arange(1, n_items + 1), (n_users, 1)))
    dense = x.toarray() @ b
    np.testing.assert_allclose(sums, dense, rtol=1e-3, atol=1e-4)


def test_the_offline_only_i2i_options_cannot_be_exported():
    import dataclasses
    from types import SimpleNamespace

    from recsys_training.export.bundle import check_servable
    from recsys_training.presets import preset

    base = preset("tiny")
    check_servable(SimpleNamespace(config=base))
    negative = dataclasses.replace(base, stage1=dataclasses.replace(base.stage1, i2i_k_negative=5))
    over_seen = dataclasses.replace(base, candidates=dataclasses.replace(base.candidates, i2i_over_seen=True))
    for config in (negative, over_seen):
        with pytest.raises(ValueError, match="offline experiments"):
            check_servable(SimpleNamespace(config=config))
