"""Item-to-item neighbour table and its aggregation over a user's history.

The table is what serving loads (rows x K neighbour rows and scores); the
aggregation is how both the session candidate source and the ranker's i2i
features read it: for each history position h and each neighbour c of h,
add score(h, c) to c's sum, track the max, and count the hits.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ItemToItem:
    rows: np.ndarray  # int32 (N+1, K) neighbour item rows, best first, 0-padded
    scores: np.ndarray  # float32 (N+1, K), 0 where padded


@dataclass(frozen=True)
class Aggregate:
    """Per (user position b, candidate row c): sum, max and count of i2i scores."""

    keys: np.ndarray  # int64 sorted b * n_rows + c
    sums: np.ndarray  # float32
    maxes: np.ndarray  # float32
    counts: np.ndarray  # float32
    n_rows: int

    def lookup(self, candidates: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(sum, max, count) for candidates [B, K]; zeros where c is no neighbour."""
        b = np.arange(candidates.shape[0], dtype=np.int64)[:, None]
        want = (b * self.n_rows + candidates).ravel()
        pos = np.searchsorted(self.keys, want)
        pos = np.minimum(pos, max(len(self.keys) - 1, 0))
        hit = (self.keys[pos] == want) if len(self.keys) else np.zeros(len(want), bool)
        out = []
        for values in (self.sums, self.maxes, self.counts):
            v = np.where(hit, values[pos] if len(values) else 0.0, 0.0).astype(np.float32)
            out.append(v.reshape(candidates.shape))
        return out[0], out[1], out[2]

    def top(self, k: int, exclude: np.ndarray | None = None) -> np.ndarray:
        """Per user position, the k candidate rows with the largest sums (0-padded) [B, k]."""
        n_users = int(exclude.shape[0]) if exclude is not None else 0
        b = self.keys // self.n_rows
        c = self.keys % self.n_rows
        sums = self.sums.astype(np.float64).copy()
        if exclude is not None and len(self.keys):
            ex_keys = np.unique((np.arange(n_users)[:, None] * self.n_rows + exclude).ravel())
            sums[np.isin(self.keys, ex_keys)] = -np.inf
        n_b = n_users if exclude is not None else (int(b.max()) + 1 if len(b) else 0)
        out = np.zeros((n_b, k), np.int64)
        order = np.lexsort((c, -sums, b))
        b_sorted = b[order]
        starts = np.searchsorted(b_sorted, np.arange(n_b + 1))
        for u in range(n_b):
            picks = order[starts[u] : min(starts[u + 1], starts[u] + k)]
            picks = picks[np.isfinite(sums[picks])]
            out[u, : len(picks)] = c[picks]
        return out


def aggregate(table: ItemToItem, history_rows: np.ndarray) -> Aggregate:
    """Aggregates the neighbours of every non-padding history position."""
    n_rows = table.rows.shape[0]
    hist = np.where((history_rows >= 0) & (history_rows < n_rows), history_rows, 0)
    nbr = table.rows[hist].astype(np.int64)  # [B, L, K]
    sc = table.scores[hist]
    valid = (hist[:, :, None] > 0) & (nbr > 0)
    b = np.broadcast_to(np.arange(hist.shape[0], dtype=np.int64)[:, None, None], nbr.shape)
    keys = (b * n_rows + nbr)[valid]
    vals = sc[valid].astype(np.float32)
    if len(keys) == 0:
        empty = np.zeros(0, np.float32)
        return Aggregate(np.zeros(0, np.int64), empty, empty, empty, n_rows)
    order = np.argsort(keys, kind="stable")
    keys, vals = keys[order], vals[order]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    sums = np.add.reduceat(vals, starts)
    maxes = np.maximum.reduceat(vals, starts)
    counts = np.diff(np.r_[starts, len(keys)]).astype(np.float32)
    return Aggregate(keys[starts], sums, maxes, counts, n_rows)
