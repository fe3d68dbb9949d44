"""`load(folder)`: picks the loader from the files a folder holds."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from recsys_training.data.errors import DataError
from recsys_training.data.generic import load_generic
from recsys_training.data.movielens import load_ml1m, load_ml100k, load_ml_latest
from recsys_training.data.types import Dataset

# (format name, files that must all exist, optional files, loader); first match wins.
FORMATS: list[tuple[str, tuple[str, ...], tuple[str, ...], Callable[[Path], Dataset]]] = [
    ("ml-100k", ("u.data", "u.item"), ("u.user", "u.genre"), load_ml100k),
    ("ml-1m", ("ratings.dat", "movies.dat"), ("users.dat",), load_ml1m),
    ("ml-latest", ("ratings.csv", "movies.csv"), ("tags.csv",), load_ml_latest),
    ("generic", ("interactions.csv",), ("items.csv", "users.csv", "impressions.csv"), load_generic),
]


def detect(folder: Path) -> str:
    """Name of the format `folder` holds; a DataError naming every file set tried if none."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError("missing_file", "not a directory", folder)
    for name, required, _, _ in FORMATS:
        if all((folder / f).is_file() for f in required):
            return name
    tried = "; ".join(
        f"{name}: {' + '.join(req)}" + (f" (optional {', '.join(opt)})" if opt else "")
        for name, req, opt, _ in FORMATS
    )
    found = sorted(p.name for p in folder.iterdir())[:20]
    raise DataError("unknown_format", f"no known data format. Looked for {tried}. Found: {found}", folder)


def load(folder: str | Path) -> Dataset:
    """Loads any supported dataset folder (MovieLens 100k/1m/latest or the generic CSVs)."""
    folder = Path(folder)
    name = detect(folder)
    loader = next(f for n, _, _, f in FORMATS if n == name)
    return loader(folder)
