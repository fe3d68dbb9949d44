"""Per-interaction sample weights and context for ranker labels: inverse
propensity of the impression slot (position-based model, Joachims et al. 2017),
watch time relative to its median, and the source's own weight."""

from __future__ import annotations

import numpy as np

from recsys_training.context import interaction_context
from recsys_training.data.types import Dataset

MAX_IPS = 10.0


def position_propensity(dataset: Dataset) -> np.ndarray | None:
    """Click-through rate by slot relative to slot 0 (a PBM examination estimate), clipped to [1/MAX_IPS, 1]."""
    imp = dataset.impressions
    if imp is None or len(imp) == 0:
        return None
    n_pos = int(imp.position.max()) + 1
    shown = np.bincount(imp.position, minlength=n_pos).astype(np.float64)
    clicks = np.bincount(imp.position, weights=imp.clicked.astype(np.float64), minlength=n_pos)
    ctr = clicks / np.maximum(shown, 1.0)
    if ctr[0] <= 0:
        return None
    return np.clip(ctr / ctr[0], 1.0 / MAX_IPS, 1.0)


def clicked_impressions(dataset: Dataset, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For interactions at `rows`: (slot, device code, surface code) of the latest clicked
    impression of the same (user, item), -1 where none."""
    n = len(rows)
    none = np.full(n, -1, np.int64)
    imp = dataset.impressions
    if imp is None or len(imp) == 0:
        return none, none.copy(), none.copy()
    c = np.flatnonzero(imp.clicked)
    n_items = np.int64(dataset.n_items)
    keys = imp.user[c] * n_items + imp.item[c]
    order = np.lexsort((imp.timestamp[c], keys))
    keys, c = keys[order], c[order]
    inter = dataset.interactions
    want = inter.user[rows] * n_items + inter.item[rows]
    pos = np.searchsorted(keys, want, side="right") - 1
    ok = (pos >= 0) & (keys[np.maximum(pos, 0)] == want) if len(keys) else np.zeros(n, bool)
    pick = c[np.maximum(pos, 0)] if len(c) else np.zeros(n, np.int64)
    slot = np.where(ok, imp.position[pick] if len(c) else 0, -1)
    device = np.where(ok, imp.device[pick] if len(c) else 0, -1)
    surface = np.where(ok, imp.surface[pick] if len(c) else 0, -1)
    return slot.astype(np.int64), device.astype(np.int64), surface.astype(np.int64)


def label_weights(dataset: Dataset, rows: np.ndarray) -> np.ndarray:
    """Sample weight of each interaction at `rows`, mean 1."""
    inter = dataset.interactions
    w = np.ones(len(rows), np.float64)
    if inter.weight is not None:
        w *= np.clip(inter.weight[rows].astype(np.float64), 0.0, None)
    if inter.watch_seconds is not None:
        watch = inter.watch_seconds[rows].astype(np.float64)
        med = np.median(watch[watch > 0]) if (watch > 0).any() else 1.0
        w *= np.clip(np.nan_to_num(watch, nan=med) / med, 0.25, 4.0)
    prop = position_propensity(dataset)
    if prop is not None:
        slot, _, _ = clicked_impressions(dataset, rows)
        has = slot >= 0
        w[has] /= prop[np.minimum(slot[has], len(prop) - 1)]
    mean = w.mean() if len(w) and w.mean() > 0 else 1.0
    return (w / mean).astype(np.float32)


def label_context(dataset: Dataset, rows: np.ndarray) -> dict[str, np.ndarray]:
    """Context of the interactions at `rows` (device/surface from their clicked impression)."""
    _, device, surface = clicked_impressions(dataset, rows)
    ctx = interaction_context(dataset.interactions.timestamp[rows])
    ctx["device"] = np.where(device >= 0, device + 1, 0)
    ctx["surface"] = np.where(surface >= 0, surface + 1, 0)
    return ctx
