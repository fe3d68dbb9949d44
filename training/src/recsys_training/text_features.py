"""Item text embeddings by item row ((N+1, T), row 0 zeros), cached on disk by
content hash under $RECSYS_CACHE (default ~/.cache/recsys_training)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from recsys_training.data.types import Items
from recsys_training.text import TextEncoder, embed_texts, item_text, make_text_encoder


def cache_dir() -> Path:
    return Path(os.environ.get("RECSYS_CACHE", Path.home() / ".cache" / "recsys_training")) / "text"


def item_texts(items: Items) -> list[str]:
    return [item_text(items.titles[i], items.categories[i], items.tags[i]) for i in range(len(items))]


def item_text_embeddings(items: Items, encoder: TextEncoder | str, device: str = "cpu") -> np.ndarray:
    if isinstance(encoder, str):
        encoder = make_text_encoder(encoder, device)
    vectors = embed_texts(encoder, item_texts(items), cache_dir())
    return np.vstack([np.zeros((1, encoder.dim), np.float32), vectors]).astype(np.float32)
