"""Splits: P1 matches the Recommenders reference exactly; P3-P5 keep their promises."""

import numpy as np
import pandas as pd

from recsys_training.evaluate.splits import cold_item_split, new_user_split, stratified_split, temporal_split


def reference_stratified(item: np.ndarray, seed: int = 42, ratio: float = 0.75) -> np.ndarray:
    """recommenders.datasets.python_splitters.python_stratified_split(filter_by="item"), inlined."""
    data = pd.DataFrame({"item": item, "row": np.arange(len(item))})
    np.random.seed(seed)
    data["random"] = np.random.rand(data.shape[0])
    data = data.sort_values(by=["item", "random"])
    groups = data.groupby("item")
    data["count"] = groups["item"].transform("count")
    data["rank"] = groups.cumcount() + 1
    train_rows = data[data["rank"] <= round(ratio * data["count"])]["row"]
    mask = np.zeros(len(item), dtype=bool)
    mask[train_rows.to_numpy()] = True
    return mask


def test_stratified_matches_reference_implementation() -> None:
    rng = np.random.default_rng(0)
    item = rng.integers(0, 60, 2000) * 7  # arbitrary ids, not sorted, uneven counts
    for seed in (42, 7):
        np.testing.assert_array_equal(stratified_split(item, seed), reference_stratified(item, seed))


def test_stratified_counts_round_half_to_even() -> None:
    counts = {1: 1, 2: 2, 3: 2, 4: 3, 6: 4, 10: 8, 14: 10}  # 1.5->2, 4.5->4, 7.5->8, 10.5->10
    item = np.concatenate([np.full(c, c) for c in counts])
    np.random.default_rng(1).shuffle(item)
    train = stratified_split(item)
    for count, expected in counts.items():
        assert train[item == count].sum() == expected


def test_stratified_is_deterministic_and_seeded() -> None:
    item = np.random.default_rng(2).integers(0, 30, 500)
    assert np.array_equal(stratified_split(item, 42), stratified_split(item, 42))
    assert not np.array_equal(stratified_split(item, 42), stratified_split(item, 43))
    state = np.random.get_state()[1].copy()
    stratified_split(item, 42)
    assert np.array_equal(np.random.get_state()[1], state)  # global numpy state untouched


def test_temporal_split_last_fifth_warm_users() -> None:
    user = np.array([0, 0, 1, 1, 0, 2, 2, 0, 1, 3])
    ts = np.arange(10) * 10
    split = temporal_split(user, ts)
    assert split.train.sum() == 8 and split.cut_ms == 80
    np.testing.assert_array_equal(np.flatnonzero(split.test), [8])  # user 3 (row 9) is cold


def test_cold_items_take_all_their_rows() -> None:
    item = np.random.default_rng(3).integers(0, 50, 1000)
    split = cold_item_split(item, 60, seed=5)
    assert split.cold_items.sum() == round(0.2 * len(np.unique(item)))
    assert not split.cold_items[item[split.train]].any()
    assert split.cold_items[item[~split.train]].all()
    assert np.array_equal(split.cold_items, cold_item_split(item, 60, seed=5).cold_items)
    assert not np.array_equal(split.cold_items, cold_item_split(item, 60, seed=6).cold_items)


def test_new_users_ranked_by_time() -> None:
    user = np.array([0, 1, 0, 1, 0, 2, 3, 4, 5, 6, 7, 8, 9])
    ts = np.array([30, 5, 10, 1, 10, 0, 0, 0, 0, 0, 0, 0, 0])
    split = new_user_split(user, ts, 10, seed=0)
    assert len(split.held_users) == 2
    assert not split.train[np.isin(user, split.held_users)].any()
    np.testing.assert_array_equal(split.order[[2, 4, 0]], [0, 1, 2])  # ties keep file order
    np.testing.assert_array_equal(split.order[[3, 1]], [0, 1])
