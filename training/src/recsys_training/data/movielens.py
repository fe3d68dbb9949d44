"""Loaders for the GroupLens MovieLens releases: ml-100k, ml-1m, ml-latest(-small).

Item order is the item file's order; users are sorted by id; interactions keep
the ratings file's row order. Every rating is kept as an interaction.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd

from recsys_training.data.build import (
    aggregate_tags,
    as_int,
    dense_ids,
    lookup,
    split_list,
    to_ms,
    to_strings,
    years,
)
from recsys_training.data.errors import DataError
from recsys_training.data.tables import check_rows, hash_files, read_table
from recsys_training.data.types import Dataset, Interactions, Items

ML100K_GENRES = [
    "unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime",
    "Documentary", "Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery",
    "Romance", "Sci-Fi", "Thriller", "War", "Western",
]  # fmt: skip
RATING = {"user": "int64", "item": "int64", "rating": "float64", "timestamp": "int64"}


def load_ml100k(folder: Path) -> Dataset:
    data, item_file, user_file = folder / "u.data", folder / "u.item", folder / "u.user"
    ratings = read_table(data, columns=RATING, sep="\t", header=False)
    genre_names = _ml100k_genres(folder / "u.genre")
    item_cols = {"item": "int64", "title": "str", "release": "str", "video": "str", "url": "str"}
    item_cols |= {f"g{i}": "int64" for i in range(len(genre_names))}
    movies = read_table(
        item_file, columns=item_cols, sep="|", header=False, encoding="latin-1", quoting=csv.QUOTE_NONE
    )
    flags = movies[[f"g{i}" for i in range(len(genre_names))]].to_numpy()
    check_rows(item_file, np.isin(flags, [0, 1]).all(axis=1), "genre flags must be 0 or 1", header=False)
    categories = [[genre_names[j] for j in np.flatnonzero(row)] for row in flags]
    users = None
    if user_file.exists():
        cols = {"user": "int64", "age": "int64", "gender": "str", "occupation": "str", "zip": "str"}
        users = read_table(user_file, columns=cols, sep="|", header=False, encoding="latin-1")
    sources = [p for p in (data, item_file, user_file, folder / "u.genre") if p.exists()]
    return _assemble(
        folder, sources, ratings, data, movies, item_file, categories, None, users, user_file, False
    )


def load_ml1m(folder: Path) -> Dataset:
    data, item_file, user_file = folder / "ratings.dat", folder / "movies.dat", folder / "users.dat"
    ratings = read_table(data, columns=RATING, sep="::", header=False, encoding="latin-1")
    movies = read_table(
        item_file,
        columns={"item": "int64", "title": "str", "genres": "str"},
        sep="::",
        header=False,
        encoding="latin-1",
        quoting=csv.QUOTE_NONE,
    )
    users = None
    if user_file.exists():
        cols = {"user": "int64", "gender": "str", "age": "int64", "occupation": "int64", "zip": "str"}
        users = read_table(user_file, columns=cols, sep="::", header=False, encoding="latin-1")
    sources = [p for p in (data, item_file, user_file) if p.exists()]
    categories = split_list(movies["genres"])
    return _assemble(
        folder, sources, ratings, data, movies, item_file, categories, None, users, user_file, False
    )


def load_ml_latest(folder: Path) -> Dataset:
    data, item_file, tag_file = folder / "ratings.csv", folder / "movies.csv", folder / "tags.csv"
    columns = {"userId": "int64", "movieId": "int64", "rating": "float64", "timestamp": "int64"}
    ratings = read_table(data, columns=columns).rename(columns={"userId": "user", "movieId": "item"})
    movies = read_table(item_file, columns={"movieId": "int64", "title": "str", "genres": "str"})
    movies = movies.rename(columns={"movieId": "item"})
    tags = None
    if tag_file.exists():
        tag_cols = {"userId": "int64", "movieId": "int64", "tag": "str", "timestamp": "int64"}
        tags = read_table(tag_file, columns=tag_cols)
    sources = [p for p in (data, item_file, tag_file) if p.exists()]
    categories = split_list(movies["genres"])
    return _assemble(
        folder, sources, ratings, data, movies, item_file, categories, tags, None, tag_file, True
    )


def _ml100k_genres(path: Path) -> list[str]:
    """u.genre lists 'name|index' lines; the stock list when the file is absent."""
    if not path.exists():
        return ML100K_GENRES
    pairs = []
    for number, line in enumerate(path.read_text(encoding="latin-1").splitlines(), start=1):
        if not line.strip():
            continue
        name, _, index = line.partition("|")
        if not index.strip().isdigit():
            raise DataError("bad_row", "expected 'genre|index'", path, number)
        pairs.append((int(index), name.strip()))
    return [name for _, name in sorted(pairs)]


def _assemble(
    folder: Path,
    sources: list[Path],
    ratings: pd.DataFrame,
    ratings_file: Path,
    movies: pd.DataFrame,
    movies_file: Path,
    categories: list[list[str]],
    tags: pd.DataFrame | None,
    users: pd.DataFrame | None,
    side_file: Path,
    header: bool,
) -> Dataset:
    item_ext = as_int(movies_file, movies["item"], "movie id", header)
    rating_item = as_int(ratings_file, ratings["item"], "movie id", header)
    rating_user = as_int(ratings_file, ratings["user"], "user id", header)
    rating = ratings["rating"].to_numpy(dtype=np.float32)
    check_rows(ratings_file, (rating >= 0) & (rating <= 10), "rating outside [0, 10]", header)
    timestamp = to_ms(ratings_file, as_int(ratings_file, ratings["timestamp"], "timestamp", header), header)
    user_lists = [rating_user]
    if users is not None:
        user_lists.append(as_int(side_file, users["user"], "user id", False))
    user_ext, (user_idx, *rest) = dense_ids(*user_lists)
    item_idx = lookup(ratings_file, item_ext, rating_item, "movie id", header)
    titles = movies["title"].fillna("").astype(str).tolist()
    item_tags: list[list[str]] = [[] for _ in titles]
    if tags is not None:
        tag_item = lookup(side_file, item_ext, as_int(side_file, tags["movieId"], "movie id"), "movie id")
        item_tags = aggregate_tags(len(titles), tag_item, tags["tag"])
    attributes: dict[str, np.ndarray] = {}
    if users is not None:
        order = np.empty(len(user_ext), dtype=np.int64)
        order[rest[0]] = np.arange(len(rest[0]))
        known = np.zeros(len(user_ext), dtype=bool)
        known[rest[0]] = True
        for column in users.columns.drop("user"):
            values = np.full(len(user_ext), "", dtype=object)
            values[known] = users[column].astype(str).to_numpy()[order[known]]
            attributes[str(column)] = values
    return Dataset(
        name=folder.name,
        user_ids=to_strings(user_ext),
        items=Items(
            ids=to_strings(item_ext),
            titles=titles,
            categories=categories,
            tags=item_tags,
            numeric={"year": years(titles)},
        ),
        interactions=Interactions(user=user_idx, item=item_idx, timestamp=timestamp, rating=rating),
        data_hash=hash_files(sources),
        user_attributes=attributes,
    )
