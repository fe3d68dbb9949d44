"""`write_generic(dataset, folder)`: the inverse of the generic loader.

Writes interactions.csv and items.csv always, users.csv when the dataset has
regions or user attributes, impressions.csv when it has impressions. Timestamps
are written in ms, so `load_generic(write_generic(d))` reproduces `d`'s tables.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from recsys_training.data.types import Dataset

CHUNK = 2_000_000  # rows per to_csv call: bounded memory for 100 M-row impression logs


def write_generic(dataset: Dataset, folder: str | Path) -> Path:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    users = dataset.user_ids.astype(str)
    items = dataset.items.ids.astype(str)
    inter = dataset.interactions
    columns = {
        "user_id": lambda s: users[inter.user[s]],
        "item_id": lambda s: items[inter.item[s]],
        "timestamp": lambda s: inter.timestamp[s],
    }
    for name in ("weight", "rating", "watch_seconds"):
        values = getattr(inter, name)
        if values is not None:
            columns[name] = lambda s, v=values: v[s]
    _write_chunked(folder / "interactions.csv", len(inter), columns)
    _write_items(dataset, folder / "items.csv")
    if dataset.user_region is not None or dataset.user_attributes:
        frame = pd.DataFrame({"user_id": users})
        if dataset.user_region is not None:
            frame["region"] = np.asarray(dataset.regions, dtype=object)[dataset.user_region]
        for name, values in dataset.user_attributes.items():
            frame[name] = values
        frame.to_csv(folder / "users.csv", index=False)
    imp = dataset.impressions
    if imp is not None:
        devices = np.asarray(dataset.devices, dtype=object)
        surfaces = np.asarray(dataset.surfaces, dtype=object)
        _write_chunked(
            folder / "impressions.csv",
            len(imp),
            {
                "user_id": lambda s: users[imp.user[s]],
                "item_id": lambda s: items[imp.item[s]],
                "timestamp": lambda s: imp.timestamp[s],
                "position": lambda s: imp.position[s],
                "clicked": lambda s: imp.clicked[s].astype(np.int8),
                "session": lambda s: imp.session[s],
                "device": lambda s: devices[imp.device[s]],
                "surface": lambda s: surfaces[imp.surface[s]],
            },
        )
    return folder


def _write_items(dataset: Dataset, path: Path) -> None:
    catalogue = dataset.items
    frame = pd.DataFrame(
        {
            "item_id": catalogue.ids.astype(str),
            "title": catalogue.titles,
            "categories": ["|".join(_clean(c) for c in cats) for cats in catalogue.categories],
            "tags": ["|".join(_clean(t) for t in tags) for tags in catalogue.tags],
        }
    )
    if catalogue.created_at is not None:
        frame["created_at"] = catalogue.created_at
    for name, values in catalogue.numeric.items():
        frame[name] = values
    frame.to_csv(path, index=False)


def _clean(value: str) -> str:
    # '|' separates list entries in the generic format, so it cannot appear inside one.
    return value.replace("|", "/")


def _write_chunked(path: Path, n: int, columns: dict) -> None:
    with path.open("w", newline="") as handle:
        handle.write(",".join(columns) + "\n")
        for start in range(0, n, CHUNK):
            rows = slice(start, min(n, start + CHUNK))
            frame = pd.DataFrame({name: get(rows) for name, get in columns.items()})
            frame.to_csv(handle, index=False, header=False)
