"""Candidate generation and the ranker's training lists: a heavy user's older items
(beyond the newest `history_length` rows) never come back as candidates, lists from
several label folds concatenate, and the ranker's prior start is kept unless beaten."""

import dataclasses

import numpy as np
import pytest
import scipy.sparse as sp

from recsys_training.candidates import drop_seen, seen_rows
from recsys_training.features.history import Histories
from recsys_training.features.item_table import ItemTable
from recsys_training.features.item_to_item import ItemToItem
from recsys_training.features.ranker_features import SessionSpec, ranker_inputs
from recsys_training.data.synthetic import SyntheticConfig, generate
from recsys_training.presets import preset
from recsys_training.text_features import item_text_embeddings
from recsys_training.train_pipeline import fit_two_stage
from recsys_training.train_ranker import RankerData
from recsys_training.train_ranker_data import concat_lists, split_lists


def test_drop_seen_removes_whole_history_items_and_packs_the_rest():
    cand = np.array([[3, 1, 4, 0], [2, 5, 6, 7]])
    seen = sp.csr_matrix(np.array([[1, 0, 0, 1, 0, 0, 0], [0, 0, 0, 0, 0, 1, 0]], np.float32))  # items 0,3 | 5
    out = drop_seen(cand, seen)
    assert out.tolist() == [[3, 0, 0, 0], [2, 5, 7, 0]]


def _lists(n_lists: int, size: int, first_user: int) -> RankerData:
    n = n_lists * size
    return RankerData({"dense": np.arange(n, dtype=np.float32)[:, None]}, np.tile([1.0] + [0.0] * (size - 1), n_lists),
                      np.ones(n, np.float32), np.arange(0, n + 1, size, dtype=np.int64),
                      np.arange(first_user, first_user + n_lists, dtype=np.int64))


def test_concat_and_split_keep_whole_lists_by_user():
    both = concat_lists([_lists(3, 2, 0), _lists(2, 2, 1)])  # users 0,1,2 and 1,2
    assert both.starts.tolist() == [0, 2, 4, 6, 8, 10] and both.users.tolist() == [0, 1, 2, 1, 2]
    held = np.array([False, True, False])
    train, val = split_lists(both, held)
    assert val.users.tolist() == [1, 1] and train.users.tolist() == [0, 2, 2]
    assert val.inputs["dense"][:, 0].tolist() == [2, 3, 0, 1]  # user 1 in each part
    assert len(train.labels) == 6 and train.starts.tolist() == [0, 2, 4, 6]


def test_folds_add_lists_and_the_prior_start_is_kept_when_no_epoch_beats_it():
    data = generate(SyntheticConfig(n_users=200, n_items=120, seed=1))
    text = item_text_embeddings(data.items, "hashing")
    base = preset("tiny")
    one = fit_two_stage(data, text, base, 0)
    two = fit_two_stage(data, text, dataclasses.replace(base, ranker_folds=2), 0)
    assert two.metrics["ranker.lists"] > 1.5 * one.metrics["ranker.lists"]
    prior = dataclasses.replace(base, ranker=dataclasses.replace(base.ranker, prior_column="i2i_sum", epochs=1))
    fit = fit_two_stage(data, text, prior, 0)
    assert fit.metrics["val.ranker_ndcg@10"] >= fit.metrics["val.i2i_ndcg@10"] - 1e-9


def test_seen_rows_pads_each_users_items_as_rows_up_to_the_cap():
    seen = sp.csr_matrix(np.array([[1, 0, 1, 1], [0, 0, 0, 0], [0, 1, 0, 0]], np.float32))
    assert seen_rows(seen, 10).tolist() == [[1, 3, 4], [0, 0, 0], [2, 0, 0]]
    assert seen_rows(seen, 2).tolist() == [[1, 3], [0, 0], [2, 0]]


def test_i2i_over_seen_counts_items_beyond_the_history():
    table = ItemToItem(np.array([[0, 0], [3, 0], [3, 0], [0, 0]], np.int32),
                       np.array([[0, 0], [0.5, 0], [0.25, 0], [0, 0]], np.float32))
    hist = Histories(np.array([[1]]), np.array([[1_000]]))  # newest row only; row 2 is older
    args = (np.array([[3]]), np.zeros((1, 2), np.float32), np.zeros((4, 2), np.float32), _items(),
            table, np.zeros(4, bool), {k: np.zeros(1, np.int64) for k in ("hour", "dow", "device", "surface")},
            SessionSpec())
    only_history = ranker_inputs(hist, *args)["dense"][0, 1]
    whole = ranker_inputs(hist, *args, i2i_rows=np.array([[1, 2]]))["dense"][0, 1]
    assert only_history == pytest.approx(0.5) and whole == pytest.approx(0.75)


def _items() -> ItemTable:
    n = 3
    return ItemTable(n, ["", "a"], np.zeros((n + 1, 1), np.int64), [], np.zeros((n + 1, 0), np.float32),
                     np.zeros(0, np.float32), np.ones(0, np.float32), np.ones(n + 1, np.float32),
                     np.ones(n + 1, np.float32), 30.0, 0)
