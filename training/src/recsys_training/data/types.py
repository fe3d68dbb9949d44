"""In-memory data model shared by loaders, training and evaluation.

Every table is column-oriented numpy, indexed by dense integer ids (user_idx,
item_idx) assigned by the loader; the external (opaque string) ids live in
`Dataset.user_ids` and `Items.ids` so exports can map back.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Items:
    ids: np.ndarray  # object array of external item ids; position = item_idx
    titles: list[str]
    categories: list[list[str]]
    tags: list[list[str]]
    # Numeric content fields (year, duration, price...), float32, NaN when unknown.
    numeric: dict[str, np.ndarray] = field(default_factory=dict)
    # Arrival time in ms since epoch (synthetic data); None when unknown.
    created_at: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class Interactions:
    """Positive interactions (ratings, clicks, watches), in source order."""

    user: np.ndarray  # int64 user_idx
    item: np.ndarray  # int64 item_idx
    timestamp: np.ndarray  # int64 ms since epoch
    # Explicit rating when the source has one (MovieLens), else None.
    rating: np.ndarray | None = None
    # Optional per-row weight (generic format), float32.
    weight: np.ndarray | None = None
    # Seconds watched, where known (synthetic data).
    watch_seconds: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.user)


@dataclass(frozen=True)
class Impressions:
    """Shown items with their slot and whether they were clicked (synthetic data)."""

    user: np.ndarray  # int64
    item: np.ndarray  # int64
    timestamp: np.ndarray  # int64 ms
    position: np.ndarray  # int64, zero-based slot
    clicked: np.ndarray  # bool
    session: np.ndarray  # int64 session id
    device: np.ndarray  # int64 code into Dataset.devices
    surface: np.ndarray  # int64 code into Dataset.surfaces

    def __len__(self) -> int:
        return len(self.user)


@dataclass(frozen=True)
class Dataset:
    name: str
    user_ids: np.ndarray  # object array of external user ids; position = user_idx
    items: Items
    interactions: Interactions
    impressions: Impressions | None = None
    # Per-user region code into `regions` (synthetic data), else None.
    user_region: np.ndarray | None = None
    regions: list[str] = field(default_factory=list)
    devices: list[str] = field(default_factory=list)
    surfaces: list[str] = field(default_factory=list)
    # sha256 over the source files (or the generator's parameters).
    data_hash: str = ""
    # Other per-user columns from the source (ml-100k age/gender/occupation...),
    # one array per column aligned with user_idx; empty when the source has none.
    user_attributes: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def n_users(self) -> int:
        return len(self.user_ids)

    @property
    def n_items(self) -> int:
        return len(self.items)
