"""Request context as model inputs: hour + 1 (0 unknown), ISO day of week
(0 unknown), device and surface vocabulary rows (0 unknown)."""

from __future__ import annotations

import numpy as np

CONTEXT_NAMES = ("hour", "dow", "device", "surface")


def time_context(timestamp_ms: np.ndarray) -> dict[str, np.ndarray]:
    """Hour and ISO weekday in UTC of each timestamp (the epoch was a Thursday)."""
    seconds = np.asarray(timestamp_ms, np.int64) // 1000
    days = seconds // 86_400
    return {
        "hour": (seconds % 86_400) // 3600 + 1,
        "dow": (days + 3) % 7 + 1,
    }


def unknown_context(n: int) -> dict[str, np.ndarray]:
    return {name: np.zeros(n, np.int64) for name in CONTEXT_NAMES}


def interaction_context(timestamp_ms: np.ndarray, device: np.ndarray | None = None,
                        surface: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Context of logged interactions; device/surface are codes (row = code + 1) or absent."""
    n = len(timestamp_ms)
    out = time_context(timestamp_ms)
    out["device"] = np.zeros(n, np.int64) if device is None else np.asarray(device, np.int64) + 1
    out["surface"] = np.zeros(n, np.int64) if surface is None else np.asarray(surface, np.int64) + 1
    return out


def drop_context(context: dict[str, np.ndarray], rate: float, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Blanks whole contexts at `rate` so the models also learn the unknown-context case."""
    n = len(next(iter(context.values())))
    keep = rng.random(n) >= rate
    return {k: np.where(keep, v, 0) for k, v in context.items()}
