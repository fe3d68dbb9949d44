"""Shared steps of every loader: dense ids, id lookups, years, tags, time units."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from recsys_training.data.errors import DataError
from recsys_training.data.tables import check_rows

YEAR = re.compile(r"\((\d{4})(?:[-–]\d{0,4})?\)\s*$")
# Timestamps below this are taken as seconds (it is 1973-03-03 in ms).
SECONDS_LIMIT = 100_000_000_000


def as_int(path: Path, values: pd.Series, column: str, header: bool = True) -> np.ndarray:
    """float64 column (as read) -> int64, rejecting fractional values with their line."""
    array = values.to_numpy(dtype=np.float64)
    check_rows(path, np.isfinite(array) & (array == np.round(array)), f"{column} is not an integer", header)
    return array.astype(np.int64)


def dense_ids(*id_arrays: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """Union of ids in sorted order, and each input mapped to its dense index."""
    values = np.concatenate([np.asarray(a) for a in id_arrays]) if id_arrays else np.array([])
    codes, uniques = pd.factorize(values, sort=True)
    result, start = [], 0
    for array in id_arrays:
        result.append(codes[start : start + len(array)].astype(np.int64))
        start += len(array)
    return np.asarray(uniques), result


def lookup(path: Path, known: np.ndarray, values: np.ndarray, what: str, header: bool = True) -> np.ndarray:
    """Maps external ids to positions in `known`; unknown ids are a DataError."""
    index = pd.Index(known)
    if not index.is_unique:
        dup = index[index.duplicated()][0]
        raise DataError("bad_row", f"{what} {dup!r} is listed more than once", path)
    positions = index.get_indexer(values)
    if (positions < 0).any():
        row = int(np.flatnonzero(positions < 0)[0])
        line = row + (2 if header else 1)
        raise DataError("unknown_id", f"{what} {values[row]!r} is not in the catalogue", path, line)
    return positions.astype(np.int64)


def to_strings(ids: np.ndarray) -> np.ndarray:
    """External ids as an object array of str (the Dataset's id convention)."""
    return np.array([str(v) for v in ids.tolist()], dtype=object)


def years(titles: list[str]) -> np.ndarray:
    """Release year from MovieLens titles such as 'Toy Story (1995)'; NaN when absent."""
    out = np.full(len(titles), np.nan, dtype=np.float32)
    for i, title in enumerate(titles):
        match = YEAR.search(title)
        if match:
            out[i] = float(match.group(1))
    return out


def split_list(values: pd.Series, empty: tuple[str, ...] = ("(no genres listed)",)) -> list[list[str]]:
    """'A|B|C' -> ['A', 'B', 'C'], dropping blanks and placeholder values."""
    out = []
    for text in values.fillna("").astype(str).tolist():
        parts = [p.strip() for p in text.split("|")]
        out.append([p for p in parts if p and p not in empty])
    return out


def aggregate_tags(n_items: int, item: np.ndarray, tags: pd.Series) -> list[list[str]]:
    """Per item, its distinct tags (lower-cased), most frequent first."""
    frame = pd.DataFrame({"item": item, "tag": tags.fillna("").astype(str).str.strip().str.lower()})
    frame = frame[frame["tag"] != ""]
    counts = frame.groupby(["item", "tag"]).size().reset_index(name="n")
    counts = counts.sort_values(["item", "n", "tag"], ascending=[True, False, True])
    out: list[list[str]] = [[] for _ in range(n_items)]
    for item_idx, tag in zip(counts["item"].to_numpy(), counts["tag"].tolist(), strict=True):
        out[int(item_idx)].append(tag)
    return out


def to_ms(path: Path, values: np.ndarray, header: bool = True) -> np.ndarray:
    """Epoch timestamps in seconds or milliseconds (decided per file) -> int64 ms."""
    values = np.asarray(values, dtype=np.int64)
    check_rows(path, values >= 0, "timestamp is negative", header)
    if len(values) and values.max() < SECONDS_LIMIT:
        return values * 1000
    return values
