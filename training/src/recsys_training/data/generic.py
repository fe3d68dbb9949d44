"""The generic format: any catalogue and interaction log as a few CSV files.

    interactions.csv  user_id,item_id,timestamp[,weight][,rating][,watch_seconds]
    items.csv         item_id[,title][,categories][,tags][,created_at][,<numeric>...]   (optional)
    users.csv         user_id[,region][,<attribute>...]                                 (optional)
    impressions.csv   user_id,item_id,timestamp,position,clicked,session,device,surface (optional)

Categories and tags are '|'-separated. Timestamps are epoch seconds or
milliseconds (told apart per file by magnitude) or ISO 8601 strings. Every
other items.csv column must be numeric (empty = unknown). Users are sorted by id;
items keep items.csv's order (sorted ids when there is no items.csv).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from recsys_training.data.build import as_int, dense_ids, lookup, split_list, to_ms
from recsys_training.data.tables import check_rows, hash_files, read_header, read_table
from recsys_training.data.types import Dataset, Impressions, Interactions, Items

ITEM_TEXT = {"item_id", "title", "categories", "tags", "created_at"}
IMPRESSION = {
    "user_id": "str", "item_id": "str", "timestamp": "str", "position": "int64",
    "clicked": "int64", "session": "int64", "device": "str", "surface": "str",
}  # fmt: skip
INTERACTION = {"user_id": "str", "item_id": "str", "timestamp": "str"}
OPTIONAL_FLOATS = ("weight", "rating", "watch_seconds")


def load_generic(folder: Path) -> Dataset:
    inter_file, item_file = folder / "interactions.csv", folder / "items.csv"
    user_file, imp_file = folder / "users.csv", folder / "impressions.csv"
    present = read_header(inter_file) if inter_file.exists() else []
    floats = {c: "float64" for c in OPTIONAL_FLOATS if c in present}
    inter = read_table(inter_file, columns=INTERACTION | floats)
    items = read_table(item_file, columns={"item_id": "str"}) if item_file.exists() else None
    users = read_table(user_file, columns={"user_id": "str"}) if user_file.exists() else None
    imps = read_table(imp_file, columns=IMPRESSION) if imp_file.exists() else None

    user_sources = [_ids(inter_file, inter["user_id"], "user_id")]
    if users is not None:
        user_sources.append(_ids(user_file, users["user_id"], "user_id"))
    if imps is not None:
        user_sources.append(_ids(imp_file, imps["user_id"], "user_id"))
    user_ext, user_idx = dense_ids(*user_sources)

    inter_items = _ids(inter_file, inter["item_id"], "item_id")
    if items is not None:
        item_ext = _ids(item_file, items["item_id"], "item_id")
        catalogue = _items(item_file, items, item_ext)
    else:
        extra = [_ids(imp_file, imps["item_id"], "item_id")] if imps is not None else []
        item_ext, _ = dense_ids(inter_items, *extra)
        catalogue = _bare_items(item_ext)
    interactions = Interactions(
        user=user_idx[0],
        item=lookup(inter_file, item_ext, inter_items, "item_id"),
        timestamp=parse_time(inter_file, inter["timestamp"]),
        **{c: _float(inter_file, inter[c], c) for c in floats},
    )
    region, regions, attributes = None, [], {}
    if users is not None:
        region, regions, attributes = _users(users, user_idx[1], len(user_ext))
    impressions, devices, surfaces = (None, [], [])
    if imps is not None:
        impressions, devices, surfaces = _impressions(imp_file, imps, user_idx[-1], item_ext)
    sources = [p for p in (inter_file, item_file, user_file, imp_file) if p.exists()]
    return Dataset(
        name=folder.name,
        user_ids=user_ext.astype(object),
        items=catalogue,
        interactions=interactions,
        impressions=impressions,
        user_region=region,
        regions=regions,
        devices=devices,
        surfaces=surfaces,
        data_hash=hash_files(sources),
        user_attributes=attributes,
    )


def parse_time(path: Path, values: pd.Series) -> np.ndarray:
    """Epoch seconds/ms or ISO 8601 strings -> int64 ms since epoch."""
    text = values.fillna("").astype(str).str.strip()
    numbers = pd.to_numeric(text, errors="coerce")
    if len(text) == 0 or not np.isnan(numbers.iloc[0]):
        array = numbers.to_numpy(dtype=np.float64)
        check_rows(
            path,
            np.isfinite(array) & (array == np.round(array)),
            "timestamp is not an epoch integer like the first row's",
        )
        return to_ms(path, array.astype(np.int64))
    parsed = pd.to_datetime(text, utc=True, errors="coerce", format="ISO8601")
    check_rows(path, parsed.notna().to_numpy(), "timestamp is neither epoch seconds/ms nor ISO 8601")
    # Unit-agnostic: pandas may parse to s, ms, us or ns resolution.
    return ((parsed - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(milliseconds=1)).to_numpy(dtype=np.int64)


def _ids(path: Path, values: pd.Series, column: str) -> np.ndarray:
    text = values.fillna("").astype(str).str.strip()
    check_rows(path, (text != "").to_numpy(), f"{column} is empty")
    return text.to_numpy(dtype=object)


def _float(path: Path, values: pd.Series, column: str) -> np.ndarray:
    array = values.to_numpy(dtype=np.float64)
    check_rows(path, np.isfinite(array) & (array >= 0), f"{column} must be a non-negative number")
    return array.astype(np.float32)


def _bare_items(ids: np.ndarray) -> Items:
    n = len(ids)
    return Items(ids=ids, titles=[""] * n, categories=[[] for _ in range(n)], tags=[[] for _ in range(n)])


def _items(path: Path, frame: pd.DataFrame, ids: np.ndarray) -> Items:
    numeric = {}
    for column in frame.columns:
        if column in ITEM_TEXT:
            continue
        text = frame[column].fillna("").astype(str).str.strip()
        values = pd.to_numeric(text, errors="coerce").to_numpy(dtype=np.float64)
        check_rows(path, ~np.isnan(values) | (text == "").to_numpy(), f"column {column!r} must be numeric")
        numeric[str(column)] = values.astype(np.float32)
    created = None
    if "created_at" in frame.columns:
        created = parse_time(path, frame["created_at"])

    def text(column: str) -> pd.Series:
        return frame[column] if column in frame.columns else pd.Series([""] * len(frame))

    return Items(
        ids=ids,
        titles=text("title").fillna("").astype(str).tolist(),
        categories=split_list(text("categories")),
        tags=split_list(text("tags")),
        numeric=numeric,
        created_at=created,
    )


def _users(frame: pd.DataFrame, idx: np.ndarray, n_users: int):
    region, regions = None, []
    attributes: dict[str, np.ndarray] = {}
    for column in frame.columns.drop("user_id"):
        values = np.full(n_users, "", dtype=object)
        values[idx] = frame[column].fillna("").astype(str).to_numpy()
        if column == "region":
            codes, uniques = pd.factorize(values, sort=True)
            region, regions = codes.astype(np.int64), [str(u) for u in uniques]
        else:
            attributes[str(column)] = values
    return region, regions, attributes


def _impressions(path: Path, frame: pd.DataFrame, user_idx: np.ndarray, item_ext: np.ndarray):
    clicked = as_int(path, frame["clicked"], "clicked")
    check_rows(path, np.isin(clicked, [0, 1]), "clicked must be 0 or 1")
    position = as_int(path, frame["position"], "position")
    check_rows(path, position >= 0, "position must be >= 0")
    device, devices = pd.factorize(frame["device"].fillna("").astype(str), sort=True)
    surface, surfaces = pd.factorize(frame["surface"].fillna("").astype(str), sort=True)
    impressions = Impressions(
        user=user_idx,
        item=lookup(path, item_ext, _ids(path, frame["item_id"], "item_id"), "item_id"),
        timestamp=parse_time(path, frame["timestamp"]),
        position=position,
        clicked=clicked.astype(bool),
        session=as_int(path, frame["session"], "session"),
        device=device.astype(np.int64),
        surface=surface.astype(np.int64),
    )
    return impressions, [str(d) for d in devices], [str(s) for s in surfaces]
