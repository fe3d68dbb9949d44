"""User-item matrices and dataset slicing used by splits, models and metrics."""

from __future__ import annotations

from dataclasses import fields, replace

import numpy as np
import scipy.sparse as sp

from recsys_training.data.types import Dataset, Impressions, Interactions


def binary_matrix(user: np.ndarray, item: np.ndarray, n_users: int, n_items: int) -> sp.csr_matrix:
    """CSR with 1.0 wherever a (user, item) pair occurs (repeats collapse)."""
    data = np.ones(len(user), dtype=np.float32)
    matrix = sp.csr_matrix((data, (user, item)), shape=(n_users, n_items), dtype=np.float32)
    matrix.sum_duplicates()
    matrix.data[:] = 1.0
    matrix.sort_indices()
    return matrix


def interaction_matrix(dataset: Dataset) -> sp.csr_matrix:
    inter = dataset.interactions
    return binary_matrix(inter.user, inter.item, dataset.n_users, dataset.n_items)


def subset(dataset: Dataset, rows: np.ndarray) -> Dataset:
    """The training view: only the interactions at `rows` (bool mask), order kept.

    Impressions survive only where they cannot leak the held-out rows: the user
    and the item have training interactions, the time is not after the last
    training interaction, and the (user, item) pair is not a held-out one.
    """
    inter = dataset.interactions

    def take(values: np.ndarray | None) -> np.ndarray | None:
        return None if values is None else values[rows]

    kept = Interactions(
        user=inter.user[rows],
        item=inter.item[rows],
        timestamp=inter.timestamp[rows],
        rating=take(inter.rating),
        weight=take(inter.weight),
        watch_seconds=take(inter.watch_seconds),
    )
    impressions = dataset.impressions
    if impressions is not None:
        impressions = _safe_impressions(dataset, kept, ~rows)
    return replace(dataset, interactions=kept, impressions=impressions)


def _safe_impressions(dataset: Dataset, kept: Interactions, held: np.ndarray) -> Impressions | None:
    imp = dataset.impressions
    assert imp is not None
    if len(kept) == 0:
        return None
    inter = dataset.interactions
    n_items = np.int64(dataset.n_items)
    held_pairs = np.unique(inter.user[held] * n_items + inter.item[held])
    pairs = imp.user * n_items + imp.item
    pos = np.minimum(np.searchsorted(held_pairs, pairs), max(len(held_pairs) - 1, 0))
    leaked = held_pairs[pos] == pairs if len(held_pairs) else np.zeros(len(pairs), dtype=bool)
    warm_user = np.bincount(kept.user, minlength=dataset.n_users) > 0
    warm_item = np.bincount(kept.item, minlength=dataset.n_items) > 0
    ok = ~leaked & warm_user[imp.user] & warm_item[imp.item] & (imp.timestamp <= kept.timestamp.max())
    return Impressions(**{f.name: getattr(imp, f.name)[ok] for f in fields(Impressions)})


def rows_of(matrix: sp.csr_matrix, users: np.ndarray) -> sp.csr_matrix:
    return matrix[users]
