"""Per-item arrays indexed by item row (row = item_idx + 1; row 0 = padding).

The same values are exported as item features, so the ranker sees identical
inputs offline and online.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from recsys_training.data.types import Interactions, Items

DAY_MS = 86_400_000
# Content scalars derived from every catalog, after the dataset's own numeric fields.
DERIVED_SCALARS = ["tag_count", "category_count"]


@dataclass(frozen=True)
class ItemTable:
    n_items: int
    category_vocab: list[str]  # index = category row; [0] = "" (padding)
    categories: np.ndarray  # int64 (N+1, C) category rows, 0-padded
    scalar_names: list[str]
    scalars: np.ndarray  # float32 (N+1, S) raw, NaN unknown
    scalar_mean: np.ndarray  # float32 (S,)
    scalar_std: np.ndarray  # float32 (S,)
    counts: np.ndarray  # int64 (N+1,) training interactions per item
    decayed: np.ndarray  # float32 (N+1,) time-decayed interaction count
    half_life_days: float
    reference_ms: int  # "now" of the decay: the newest training interaction

    @property
    def n_rows(self) -> int:
        return self.n_items + 1

    @property
    def n_category_rows(self) -> int:
        return len(self.category_vocab)


def content_scalars(names: list[str], numeric: dict[str, float], tags: list[str], categories: list[str]) -> list[float]:
    """One item's raw scalar vector: dataset numeric fields by name, then DERIVED_SCALARS."""
    derived = {"tag_count": float(len(set(tags))), "category_count": float(len(set(categories)))}
    return [derived[n] if n in derived else float(numeric.get(n, math.nan)) for n in names]


def category_rows(vocab_index: dict[str, int], categories: list[str], width: int) -> list[int]:
    """Category rows of one item in first-seen order, unknown ones dropped, 0-padded."""
    rows: list[int] = []
    for c in categories:
        r = vocab_index.get(c, 0)
        if r and r not in rows:
            rows.append(r)
    rows = rows[:width]
    return rows + [0] * (width - len(rows))


def build_item_table(
    items: Items, train: Interactions, max_categories: int = 6, half_life_days: float = 30.0
) -> ItemTable:
    n = len(items)
    vocab = [""] + sorted({c for cats in items.categories for c in cats})
    index = {c: i for i, c in enumerate(vocab)}
    width = max(1, min(max_categories, max((len(set(c)) for c in items.categories), default=1)))
    cats = np.zeros((n + 1, width), np.int64)
    for i, c in enumerate(items.categories):
        cats[i + 1] = category_rows(index, c, width)

    names = sorted(items.numeric) + [s for s in DERIVED_SCALARS if s not in items.numeric]
    scalars = np.full((n + 1, len(names)), np.nan, np.float32)
    numeric = {k: np.asarray(v, np.float32) for k, v in items.numeric.items()}
    for j, name in enumerate(names):
        if name in numeric:
            scalars[1:, j] = numeric[name]
    for i in range(n):
        scalars[i + 1, -len(DERIVED_SCALARS):] = content_scalars(
            DERIVED_SCALARS, {}, items.tags[i], items.categories[i]
        )
    with np.errstate(all="ignore"):
        mean = np.nan_to_num(np.nanmean(scalars[1:], axis=0), nan=0.0).astype(np.float32)
        std = np.nan_to_num(np.nanstd(scalars[1:], axis=0), nan=1.0).astype(np.float32)
    std[std < 1e-6] = 1.0

    rows = train.item + 1
    counts = np.bincount(rows, minlength=n + 1).astype(np.int64)
    ref = int(train.timestamp.max()) if len(train) else 0
    age_days = (ref - train.timestamp).astype(np.float64) / DAY_MS
    weights = np.exp2(-age_days / half_life_days)
    decayed = np.bincount(rows, weights=weights, minlength=n + 1).astype(np.float32)
    return ItemTable(n, vocab, cats, names, scalars, mean, std, counts, decayed, half_life_days, ref)
