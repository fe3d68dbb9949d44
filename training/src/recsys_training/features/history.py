"""Users' recent histories as fixed-width row matrices (newest first, 0-padded).

This is the shape serving keeps per user (the newest `length` item rows and
their timestamps), so the user tower and the ranker features read the same
thing offline and online.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Histories:
    rows: np.ndarray  # int64 (U, L) item rows, newest first, 0 = padding
    timestamps: np.ndarray  # int64 (U, L) ms, 0 where padded

    @property
    def lengths(self) -> np.ndarray:
        return (self.rows > 0).sum(axis=1)

    def take(self, users: np.ndarray) -> Histories:
        return Histories(self.rows[users], self.timestamps[users])


def build_histories(
    user: np.ndarray, item: np.ndarray, timestamp: np.ndarray, n_users: int, length: int
) -> Histories:
    """Newest `length` distinct-position interactions per user (ties: later rows newer)."""
    rows = np.zeros((n_users, length), np.int64)
    stamps = np.zeros((n_users, length), np.int64)
    if len(user) == 0:
        return Histories(rows, stamps)
    order = np.lexsort((-np.arange(len(user)), -timestamp, user))
    u, it, ts = user[order], item[order], timestamp[order]
    starts = np.searchsorted(u, np.arange(n_users))
    pos = np.arange(len(u)) - starts[u]
    keep = pos < length
    rows[u[keep], pos[keep]] = it[keep] + 1
    stamps[u[keep], pos[keep]] = ts[keep]
    return Histories(rows, stamps)


def user_sequences(user: np.ndarray, timestamp: np.ndarray, n_users: int) -> tuple[np.ndarray, np.ndarray]:
    """Interaction indices grouped by user, newest first: (order, starts) with
    user u's indices at order[starts[u]:starts[u+1]]."""
    order = np.lexsort((-np.arange(len(user)), -timestamp, user))
    starts = np.searchsorted(user[order], np.arange(n_users + 1))
    return order, starts
