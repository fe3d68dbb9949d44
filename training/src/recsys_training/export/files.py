"""Writers for the exported tables; each returns the manifest's Artifact facts."""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

BINARY = {"f32le": "<f4", "i32le": "<i4", "i64le": "<i8"}


@dataclass(frozen=True)
class Written:
    name: str
    path: Path
    format: str
    rows: int


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def write_binary(name: str, path: Path, array: np.ndarray, fmt: str) -> Written:
    """Row-major little-endian values; rows = array.shape[0]."""
    path.write_bytes(np.ascontiguousarray(array, dtype=BINARY[fmt]).tobytes())
    return Written(name, path, fmt, int(array.shape[0]))


def clean(value: Any) -> Any:
    """JSON-safe: NaN/inf -> null, numpy scalars -> Python."""
    if isinstance(value, (float, np.floating)):
        return None if not math.isfinite(float(value)) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, dict):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [clean(v) for v in value]
    return value


def write_json(name: str, path: Path, value: Any, rows: int) -> Written:
    path.write_text(json.dumps(clean(value), ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return Written(name, path, "json", rows)


def write_jsonl(name: str, path: Path, lines: list[dict[str, Any]]) -> Written:
    with path.open("w", encoding="utf-8") as f:
        for line in lines:
            f.write(json.dumps(clean(line), ensure_ascii=False, separators=(",", ":")))
            f.write("\n")
    return Written(name, path, "jsonl", len(lines))
