"""Maximal Marginal Relevance (Carbonell & Goldstein, SIGIR 1998), the same
rule as the serving package @recsys/mmr: relevance min-max scaled to [0, 1]
within the window, then pick by lambda * relevance - (1 - lambda) * max cosine
to the items already picked."""

from __future__ import annotations

import numpy as np


def mmr_order(scores: np.ndarray, vectors: np.ndarray, lam: float, k: int) -> np.ndarray:
    """Indices into `scores` in pick order (at most k)."""
    m = len(scores)
    k = min(k, m)
    if k <= 0:
        return np.zeros(0, np.int64)
    s = np.asarray(scores, np.float64)
    lo, hi = s.min(), s.max()
    rel = (s - lo) / (hi - lo) if hi > lo else np.ones(m)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    unit = np.where(norms > 0, vectors / np.maximum(norms, 1e-12), 0.0)
    max_sim = np.full(m, -np.inf)
    taken = np.zeros(m, bool)
    picks = np.zeros(k, np.int64)
    for step in range(k):
        penalty = 0.0 if step == 0 or lam == 1 else (1 - lam) * max_sim
        value = np.where(taken, -np.inf, lam * rel - penalty)
        best = int(np.argmax(value))  # first maximum: the better-ranked candidate on ties
        picks[step] = best
        taken[best] = True
        max_sim = np.maximum(max_sim, unit @ unit[best])
    return picks
