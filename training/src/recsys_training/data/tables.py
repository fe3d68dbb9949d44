"""Reading delimited source files with row-level validation.

The fast path parses with pandas' C reader and the declared dtypes; only when
that fails do we re-read as text to find the first bad row, so a valid 30 M-row
file costs one pass and an invalid one still gets an error with its line number.
"""

from __future__ import annotations

import csv
import hashlib
import io
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from recsys_training.data.errors import DataError

NUMERIC = {"int64", "float64", "float32", "int32"}


def read_table(
    path: Path,
    *,
    columns: dict[str, str],
    sep: str = ",",
    header: bool = True,
    encoding: str = "utf-8",
    names: Sequence[str] | None = None,
    quoting: int = csv.QUOTE_MINIMAL,
) -> pd.DataFrame:
    """Reads `path`, returning at least the `columns` (name -> dtype, "str" for text).

    With `header`, the file's header must name every column in `columns` (extra
    columns are kept as text). Without it, `names` gives every column in order.
    """
    source: Path | io.StringIO = path
    if len(sep) > 1:
        # Multi-character separators (ml-1m's "::") would force pandas' slow
        # Python engine; rewrite to a control character the C engine handles.
        source = io.StringIO(_read_text(path, encoding).replace(sep, "\x1f"))
        sep = "\x1f"
    kwargs = dict(
        sep=sep,
        header=0 if header else None,
        names=None if header else list(names or columns),
        encoding=encoding if isinstance(source, Path) else None,
        quoting=quoting,
        index_col=False,  # never turn surplus leading fields into an index
        skip_blank_lines=False,
        keep_default_na=False,
        na_values={c: [""] for c, t in columns.items() if t in NUMERIC},
    )
    present = _header(source, sep, encoding, quoting)
    if header:
        missing = [c for c in columns if c not in present]
        if missing:
            raise DataError("missing_column", f"missing column(s) {missing}; found {present}", path, 1)
    elif present and len(present) != len(kwargs["names"]):
        message = f"expected {len(kwargs['names'])} fields separated by {sep!r}, found {len(present)}"
        raise DataError("bad_row", message, path, 1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(source, dtype=_dtypes(columns), **kwargs)
    except pd.errors.ParserWarning as warning:
        raise DataError("bad_row", f"rows have more fields than the header ({warning})", path) from None
    except (ValueError, pd.errors.ParserError) as fast_error:
        if isinstance(source, io.StringIO):
            source.seek(0)
        _diagnose(path, source, columns, header, kwargs, fast_error)
        raise DataError("bad_row", f"could not parse: {fast_error}", path) from fast_error
    frame = _drop_trailing_blank(frame)
    first = 2 if header else 1
    for name, kind in columns.items():
        if kind in NUMERIC and frame[name].isna().any():
            row = int(np.flatnonzero(frame[name].isna().to_numpy())[0])
            raise DataError("bad_row", f"column {name!r} is empty", path, row + first)
    return frame


def read_header(path: Path, sep: str = ",", encoding: str = "utf-8") -> list[str]:
    """The column names on a CSV file's first line."""
    return _header(path, sep, encoding, csv.QUOTE_MINIMAL)


def check_rows(path: Path, ok: np.ndarray, message: str, header: bool = True) -> None:
    """Raises a DataError at the first row where `ok` is False."""
    if not ok.all():
        row = int(np.flatnonzero(~ok)[0])
        raise DataError("bad_row", message, path, row + (2 if header else 1))


def hash_files(paths: Iterable[Path]) -> str:
    """sha256 over the files' names and bytes, in name order."""
    digest = hashlib.sha256()
    for path in sorted(paths, key=lambda p: p.name):
        digest.update(path.name.encode() + b"\0")
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def _read_text(path: Path, encoding: str) -> str:
    try:
        return path.read_text(encoding=encoding)
    except UnicodeDecodeError as error:
        raise DataError("bad_row", f"not valid {encoding}: {error}", path) from error


def _drop_trailing_blank(frame: pd.DataFrame) -> pd.DataFrame:
    """Blank lines at the end of a file are not rows; blank lines inside one are errors."""
    keep = len(frame)
    while keep and all(pd.isna(v) or v == "" for v in frame.iloc[keep - 1].tolist()):
        keep -= 1
    return frame if keep == len(frame) else frame.iloc[:keep]


def _dtypes(columns: dict[str, str]) -> dict[str, str]:
    return {c: ("float64" if t in NUMERIC else "str") for c, t in columns.items()}


def _header(source: Path | io.StringIO, sep: str, encoding: str, quoting: int) -> list[str]:
    if isinstance(source, io.StringIO):
        line = source.getvalue().split("\n", 1)[0]
    else:
        with source.open(encoding=encoding, errors="replace") as handle:
            line = handle.readline()
    return next(csv.reader([line.rstrip("\r\n")], delimiter=sep, quoting=quoting), [])


def _diagnose(
    path: Path,
    source: Path | io.StringIO,
    columns: dict[str, str],
    header: bool,
    kwargs: dict,
    fast_error: Exception,
) -> None:
    """Re-reads as text and raises a DataError naming the first bad row."""
    text_kwargs = {**kwargs, "na_values": None}
    try:
        frame = pd.read_csv(source, dtype=str, **text_kwargs)
    except pd.errors.ParserError as error:
        raise DataError("bad_row", f"malformed row: {error}", path) from error
    except UnicodeDecodeError as error:
        raise DataError("bad_row", f"not valid text: {error}", path) from error
    frame = _drop_trailing_blank(frame)
    first = 2 if header else 1
    for name, kind in columns.items():
        if kind not in NUMERIC:
            continue
        text = frame[name].fillna("")
        values = pd.to_numeric(text, errors="coerce")
        bad = values.isna().to_numpy()
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            shown = text.iloc[row]
            reason = "is empty" if shown == "" else f"has {shown!r}, not a number"
            raise DataError("bad_row", f"column {name!r} {reason}", path, row + first)
