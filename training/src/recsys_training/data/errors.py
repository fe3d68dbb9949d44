"""The one error type of the data layer: a source that cannot be loaded."""

from __future__ import annotations

from pathlib import Path


class DataError(ValueError):
    """A bad or unrecognised data source.

    `code` is a stable machine-readable kind ("unknown_format", "bad_row",
    "missing_column", "unknown_id", "missing_file"); `path` and `line` point at
    the offending place when there is one. Never retryable: the input itself is wrong.
    """

    retryable = False

    def __init__(self, code: str, message: str, path: Path | None = None, line: int | None = None):
        self.code = code
        self.path = path
        self.line = line
        where = ""
        if path is not None:
            where = f"{path}" + (f", line {line}" if line is not None else "") + ": "
        super().__init__(f"{where}{message}")
