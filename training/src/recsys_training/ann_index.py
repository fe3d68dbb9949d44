"""FAISS IVF index over item embeddings (inverted file with exact residual-free
vectors, Jégou et al. 2011, TPAMI), inner product on L2-normalised vectors.
Ids in the index are item rows (row 0, the padding row, is never added)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import faiss
import numpy as np

NPROBE_TARGET = 0.95  # ANN recall@k against exact search that fixes nprobe


@dataclass
class AnnIndex:
    index: faiss.IndexIVFFlat
    nlist: int
    nprobe: int
    count: int

    @property
    def factory(self) -> str:
        return f"IVF{self.nlist},Flat"

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(rows [B, k] with 0 where fewer found, scores [B, k])."""
        self.index.nprobe = self.nprobe
        k = max(1, min(k, self.count))
        scores, ids = self.index.search(np.ascontiguousarray(queries, np.float32), k)
        return np.where(ids < 0, 0, ids).astype(np.int64), scores.astype(np.float32)


def default_nlist(n: int) -> int:
    """≈ 4 sqrt(N), at least 1 and never more than N."""
    return max(1, min(n, int(round(4 * math.sqrt(max(n, 1))))))


def build_ivf(item_emb: np.ndarray, seed: int, nlist: int | None = None) -> AnnIndex:
    """Indexes rows 1..N of the (N+1, D) table; nprobe starts at nlist / 8."""
    vectors = np.ascontiguousarray(item_emb[1:], np.float32)
    n, dim = vectors.shape
    nlist = default_nlist(n) if nlist is None else max(1, min(nlist, n))
    quantizer = faiss.IndexFlatIP(dim)
    index = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
    index.cp.seed = seed
    index.cp.min_points_per_centroid = 1  # small catalogs: fewer points per list is fine
    index.verbose = False
    if n > 0:
        index.train(vectors)
        index.add_with_ids(vectors, np.arange(1, n + 1, dtype=np.int64))
    return AnnIndex(index, nlist, max(1, nlist // 8), n)


def tune_nprobe(ann: AnnIndex, item_emb: np.ndarray, queries: np.ndarray, k: int,
                target: float = NPROBE_TARGET) -> float:
    """Sets the smallest power-of-two nprobe whose recall@k vs exact reaches target; returns that recall."""
    if ann.count == 0 or len(queries) == 0:
        return 1.0
    exact = exact_top(item_emb, queries, min(k, ann.count))
    nprobe, recall = 1, 0.0
    while True:
        ann.nprobe = nprobe
        recall = overlap(ann.search(queries, k)[0], exact)
        if recall >= target or nprobe >= ann.nlist:
            return recall
        nprobe = min(ann.nlist, nprobe * 2)


def exact_top(item_emb: np.ndarray, queries: np.ndarray, k: int, allowed: np.ndarray | None = None,
              block: int = 1024) -> np.ndarray:
    """Exact inner-product top-k rows [B, k] over rows 1..N (optionally only `allowed` rows)."""
    n_rows = item_emb.shape[0]
    mask = np.zeros(n_rows, bool)
    mask[1:] = True if allowed is None else allowed[1:]
    cols = np.flatnonzero(mask)
    k = max(1, min(k, len(cols))) if len(cols) else 0
    out = np.zeros((len(queries), max(k, 1)), np.int64)
    if k == 0:
        return out
    sub = item_emb[cols]
    for s in range(0, len(queries), block):
        sims = queries[s : s + block] @ sub.T
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        order = np.argsort(-np.take_along_axis(sims, top, 1), axis=1, kind="stable")
        out[s : s + block] = cols[np.take_along_axis(top, order, 1)]
    return out


def overlap(found: np.ndarray, exact: np.ndarray) -> float:
    """Mean |found ∩ exact| / |exact| per row (0 pads ignored)."""
    total = 0.0
    for f, e in zip(found, exact):
        e = e[e > 0]
        total += len(np.intersect1d(f[f > 0], e)) / max(len(e), 1)
    return total / max(len(exact), 1)
