"""Item-to-item neighbour tables (top K per item) for session retrieval and the
ranker's i2i features: co-occurrence cosine with shrinkage (Sarwar et al.
2001, item-based CF), computed blockwise so a 1M-item catalog fits in memory;
or nearest neighbours in the item embedding space."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
import torch
from tqdm import tqdm

from recsys_training.features.item_to_item import ItemToItem


def _top_k_rows(block: sp.csr_matrix, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Column ids and values of the k largest entries of each row (0/0 padded)."""
    n = block.shape[0]
    rows = np.zeros((n, k), np.int64)
    vals = np.zeros((n, k), np.float32)
    for r in range(n):
        lo, hi = block.indptr[r], block.indptr[r + 1]
        if hi == lo:
            continue
        cols, data = block.indices[lo:hi], block.data[lo:hi]
        take = np.argsort(-data, kind="stable")[:k] if hi - lo > k else np.argsort(-data, kind="stable")
        rows[r, : len(take)] = cols[take]
        vals[r, : len(take)] = data[take]
    return rows, vals


def cooccurrence_neighbours(user: np.ndarray, item: np.ndarray, n_users: int, n_items: int,
                            k: int = 50, shrink: float = 10.0, block: int = 4096) -> ItemToItem:
    """score(a, b) = |U(a) & U(b)| / (sqrt(|U(a)| |U(b)|) + shrink), top k b per a."""
    x = sp.csr_matrix((np.ones(len(user), np.float32), (user, item)), shape=(n_users, n_items))
    x.data[:] = 1.0  # repeated interactions count once
    x.sum_duplicates()
    x.data[:] = 1.0
    xt = x.T.tocsr()
    counts = np.asarray(x.sum(axis=0)).ravel().astype(np.float32)
    out_rows = np.zeros((n_items + 1, k), np.int32)
    out_scores = np.zeros((n_items + 1, k), np.float32)
    for s in tqdm(range(0, n_items, block), desc="item-to-item", unit="block", leave=False):
        e = min(s + block, n_items)
        co = (xt[s:e] @ x).tocsr()  # (block, n_items) co-occurrence counts
        coo = co.tocoo()
        keep = coo.row + s != coo.col
        r, c, v = coo.row[keep], coo.col[keep], coo.data[keep]
        v = v / (np.sqrt(counts[r + s] * counts[c]) + shrink)
        sims = sp.csr_matrix((v, (r, c)), shape=(e - s, n_items))
        cols, vals = _top_k_rows(sims, k)
        out_rows[s + 1 : e + 1] = np.where(vals > 0, cols + 1, 0)
        out_scores[s + 1 : e + 1] = np.where(vals > 0, vals, 0)
    return ItemToItem(out_rows, out_scores)


def embedding_neighbours(item_emb: np.ndarray, k: int = 50, block: int = 4096) -> ItemToItem:
    """Top k cosine neighbours in the (N+1, D) embedding table (row 0 padding), exact."""
    n_rows = item_emb.shape[0]
    rows = np.zeros((n_rows, k), np.int32)
    scores = np.zeros((n_rows, k), np.float32)
    emb = item_emb[1:]
    kk = min(k, max(len(emb) - 1, 0))
    for s in tqdm(range(0, len(emb), block), desc="item-to-item (emb)", unit="block", leave=False):
        sims = emb[s : s + block] @ emb.T
        sims[np.arange(len(sims)), np.arange(s, s + len(sims))] = -np.inf
        if kk == 0:
            continue
        top = np.argpartition(-sims, kk - 1, axis=1)[:, :kk]
        val = np.take_along_axis(sims, top, 1)
        order = np.argsort(-val, axis=1, kind="stable")
        rows[s + 1 : s + 1 + len(sims), :kk] = np.take_along_axis(top, order, 1) + 1
        scores[s + 1 : s + 1 + len(sims), :kk] = np.take_along_axis(val, order, 1)
    return ItemToItem(rows, scores)


def ease_neighbours(user: np.ndarray, item: np.ndarray, n_users: int, n_items: int, k: int = 50,
                    lam: float = 300.0, device: str = "cpu", k_negative: int = 0) -> ItemToItem:
    """Top k positive weights per item of EASE's item-item regression (Steck 2019, WWW):
    B = I - P diagMat(1 / diag(P)), P = (X'X + lam I)^-1; score(h -> c) = B[h, c].
    k_negative adds each row's most negative weights after the positive ones (an offline
    experiment, not served: training/README.md, "Quality"). Dense n_items^2 memory: only
    for catalogs up to EASE_MAX_ITEMS."""
    x = sp.csr_matrix((np.ones(len(user), np.float32), (user, item)), shape=(n_users, n_items))
    x.sum_duplicates()
    x.data[:] = 1.0
    kk = min(k, max(n_items - 1, 0))
    kn = min(k_negative, max(n_items - 1, 0))
    rows = np.zeros((n_items + 1, k + k_negative), np.int32)
    scores = np.zeros((n_items + 1, k + k_negative), np.float32)
    if not kk:
        return ItemToItem(rows, scores)
    with torch.no_grad():
        gram = torch.from_numpy((x.T @ x).toarray().astype(np.float32)).to(device)
        gram.diagonal().add_(lam)
        # Cholesky inverse: the Gram matrix is symmetric positive definite; ~2x cheaper than LU.
        p = torch.cholesky_inverse(torch.linalg.cholesky(gram))
        del gram
        b = p / -torch.diagonal(p)[None, :]
        del p
        b.fill_diagonal_(float("-inf"))
        val, top = torch.topk(b, kk, dim=1)  # sorted, best first
        val, top = val.cpu().numpy(), top.cpu().numpy()
        val = np.where(val > 0, val, 0.0)
        if kn:
            b.fill_diagonal_(float("inf"))
            neg, low = torch.topk(b, kn, dim=1, largest=False)  # most negative first
            neg = neg.flip(1).cpu().numpy()
            val = np.concatenate([val, np.where(neg < 0, neg, 0.0)], axis=1)
            top = np.concatenate([top, low.flip(1).cpu().numpy()], axis=1)
    keep = val != 0  # positives best first, then negatives (worst last); zero weights dropped
    order = np.argsort(~keep, axis=1, kind="stable")
    width = val.shape[1]
    rows[1:, :width] = np.take_along_axis(np.where(keep, top + 1, 0), order, 1)
    scores[1:, :width] = np.take_along_axis(np.where(keep, val, 0.0), order, 1)
    return ItemToItem(rows, scores)


EASE_MAX_ITEMS = 15_000


def item_neighbours(method: str, user: np.ndarray, item: np.ndarray, n_users: int, n_items: int, k: int,
                    shrink: float, lam: float, device: str = "cpu", k_cosine: int | None = None,
                    k_negative: int = 0) -> ItemToItem:
    """'auto' = EASE where its dense Gram matrix fits (<= EASE_MAX_ITEMS items), else cosine.
    k_cosine caps k for the cosine table (large catalogs: serving holds rows x k entries);
    k_negative: EASE's most negative weights per item (the cosine table has none)."""
    if method == "auto":
        method = "ease" if n_items <= EASE_MAX_ITEMS else "cosine"
    if method == "ease":
        return ease_neighbours(user, item, n_users, n_items, k, lam, device, k_negative)
    if method == "cosine":
        return cooccurrence_neighbours(user, item, n_users, n_items, min(k, k_cosine or k), shrink)
    raise ValueError(f"unknown item-to-item method {method!r}; expected auto, ease or cosine")
