"""Synthetic generator: determinism and the behaviours it promises to simulate."""

from pathlib import Path

import numpy as np

from recsys_training.data import load
from recsys_training.data.synthetic import SyntheticConfig, generate, main

CONFIG = SyntheticConfig(n_users=300, n_items=200, seed=7)


def test_same_seed_same_data_other_seed_differs() -> None:
    a, b, c = generate(CONFIG), generate(CONFIG), generate(SyntheticConfig(n_users=300, n_items=200, seed=8))
    np.testing.assert_array_equal(a.interactions.item, b.interactions.item)
    np.testing.assert_array_equal(a.impressions.position, b.impressions.position)
    assert a.items.titles == b.items.titles and a.data_hash == b.data_hash
    assert a.data_hash != c.data_hash
    assert len(a.interactions) != len(c.interactions) or not np.array_equal(
        a.interactions.item, c.interactions.item
    )


def test_shapes_and_references() -> None:
    data = generate(CONFIG)
    inter, imp = data.interactions, data.impressions
    assert imp is not None and data.user_region is not None and data.items.created_at is not None
    assert data.n_users == 300 and data.n_items == 200
    assert inter.user.max() < 300 and inter.item.max() < 200
    assert np.all(np.diff(inter.timestamp) >= 0)  # a log in time order
    assert np.all(data.items.created_at[inter.item] <= inter.timestamp)  # no clicks before arrival
    assert np.all(inter.watch_seconds > 0)
    assert imp.clicked.sum() == len(inter)  # every click is an interaction
    assert set(np.unique(imp.device)) <= set(range(len(data.devices)))
    assert set(np.unique(imp.surface)) <= set(range(len(data.surfaces)))
    assert all(len(c) >= 1 for c in data.items.categories)
    assert any(tags for tags in data.items.tags) and any(not tags for tags in data.items.tags)


def test_position_bias_and_power_law_popularity() -> None:
    data = generate(CONFIG)
    imp = data.impressions
    ctr = [imp.clicked[imp.position == p].mean() for p in range(CONFIG.slate_size)]
    assert ctr[0] > 2 * ctr[4] > 0  # examination decays with position
    counts = np.sort(np.bincount(data.interactions.item, minlength=data.n_items))[::-1]
    assert counts[: data.n_items // 10].sum() > 0.3 * counts.sum()  # the top 10% take a large share


def test_sessions_drift_between_topics() -> None:
    data = generate(CONFIG)
    imp = data.impressions
    primary = np.array([data.items.categories[i][0] for i in imp.item])
    sessions = np.unique(imp.session)
    assert len(sessions) > data.n_users  # several sessions per user
    # within a session some categories dominate, but sessions are not single-topic
    shown = {s: set(primary[imp.session == s]) for s in sessions[:100]}
    assert any(len(c) > 1 for c in shown.values())


def test_tastes_are_learnable() -> None:
    """Users click their favourite categories far more than the catalogue share."""
    data = generate(CONFIG)
    primary = np.array([c[0] for c in data.items.categories])
    share = []
    for user in range(50):
        cats = primary[data.interactions.item[data.interactions.user == user]]
        if len(cats):
            _, counts = np.unique(cats, return_counts=True)
            share.append(counts.max() / counts.sum())
    assert np.mean(share) > 0.3


def test_cli_writes_generic_folder(tmp_path: Path) -> None:
    assert main(["--users", "30", "--items", "20", "--seed", "1", "--out", str(tmp_path)]) == 0
    back = load(tmp_path)
    assert back.n_users <= 30 and back.n_items == 20 and len(back.interactions) > 0
