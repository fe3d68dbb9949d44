"""Train/test splits of EVALUATION.md's protocols, as boolean row masks in file order."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def stratified_split(item: np.ndarray, seed: int = 42, ratio: float = 0.75) -> np.ndarray:
    """P1: the Microsoft Recommenders `python_stratified_split(filter_by="item")`.

    One MT19937 draw per row (`np.random.seed(seed); np.random.rand(n)`, taken
    from an equivalent RandomState so global state is untouched), rows sorted by
    (item, draw), and per item the rows with rank <= round(ratio * count), where
    round is half-to-even as in pandas/numpy, go to train. Returns the train mask.
    """
    n = len(item)
    draw = np.random.RandomState(seed).rand(n)
    order = np.lexsort((draw, item))
    sorted_item = item[order]
    starts = np.flatnonzero(np.r_[True, sorted_item[1:] != sorted_item[:-1]])
    counts = np.diff(np.r_[starts, n])
    rank = np.arange(n) - np.repeat(starts, counts) + 1
    limit = np.round(ratio * counts.astype(np.float64))
    train = np.zeros(n, dtype=bool)
    train[order] = rank <= np.repeat(limit, counts)
    return train


@dataclass(frozen=True)
class TemporalSplit:
    train: np.ndarray  # bool rows
    test: np.ndarray  # bool rows: after the cut, users seen in train only
    cut_ms: int  # first test timestamp


def temporal_split(user: np.ndarray, timestamp: np.ndarray, test_share: float = 0.2) -> TemporalSplit:
    """P3: the last `test_share` of rows by time (file order breaks ties) are test, warm users only."""
    n = len(user)
    order = np.argsort(timestamp, kind="stable")
    n_train = n - int(round(test_share * n))
    train = np.zeros(n, dtype=bool)
    train[order[:n_train]] = True
    warm = np.zeros(int(user.max()) + 1 if n else 0, dtype=bool)
    warm[user[train]] = True
    test = ~train & warm[user]
    cut = int(timestamp[order[n_train]]) if n_train < n else int(timestamp.max(initial=0)) + 1
    return TemporalSplit(train, test, cut)


@dataclass(frozen=True)
class ColdItemSplit:
    train: np.ndarray  # bool rows: interactions with warm items
    cold_items: np.ndarray  # bool over items


def cold_item_split(item: np.ndarray, n_items: int, seed: int, share: float = 0.2) -> ColdItemSplit:
    """P4: `share` of the items that have interactions, drawn with `seed`, go wholly to test."""
    present = np.flatnonzero(np.bincount(item, minlength=n_items) > 0)
    rng = np.random.default_rng(seed)
    chosen = rng.choice(present, size=int(round(share * len(present))), replace=False)
    cold = np.zeros(n_items, dtype=bool)
    cold[chosen] = True
    return ColdItemSplit(~cold[item], cold)


@dataclass(frozen=True)
class NewUserSplit:
    train: np.ndarray  # bool rows of the other users
    held_users: np.ndarray  # int64 user_idx, sorted
    order: np.ndarray  # int64, per held user: 0 for their first interaction by time, 1 next...


def new_user_split(
    user: np.ndarray, timestamp: np.ndarray, n_users: int, seed: int, share: float = 0.2
) -> NewUserSplit:
    """P5: hold out `share` of the users with interactions; rank each one's rows by time."""
    present = np.flatnonzero(np.bincount(user, minlength=n_users) > 0)
    rng = np.random.default_rng(seed)
    held = np.sort(rng.choice(present, size=int(round(share * len(present))), replace=False))
    is_held = np.zeros(n_users, dtype=bool)
    is_held[held] = True
    order = np.lexsort((np.arange(len(user)), timestamp, user))  # by user, then time, then file order
    sorted_user = user[order]
    starts = np.flatnonzero(np.r_[True, sorted_user[1:] != sorted_user[:-1]])
    counts = np.diff(np.r_[starts, len(user)])
    rank = np.empty(len(user), dtype=np.int64)
    rank[order] = np.arange(len(user)) - np.repeat(starts, counts)
    return NewUserSplit(~is_held[user], held, rank)
