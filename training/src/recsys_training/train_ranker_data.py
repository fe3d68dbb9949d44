"""Builds the ranker's training lists from the retrieval stage: for each user,
the candidates retrieval returns from the fit-part history, labelled by the
user's held-out interactions (weights from train_labels)."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from tqdm import tqdm

from recsys_training.ann_index import AnnIndex
from recsys_training.candidates import CandidateConfig, gather_candidates
from recsys_training.context import drop_context
from recsys_training.features.ranker_features import SessionSpec, ranker_inputs
from recsys_training.train_ranker import RankerData
from recsys_training.train_stage1 import Stage1
from recsys_training.train_two_tower import embed_users


def candidate_lists(s1: Stage1, users: np.ndarray, context: dict[str, np.ndarray], cand_cfg: CandidateConfig,
                    spec: SessionSpec, device: str = "cpu", ann: AnnIndex | None = None,
                    allowed: np.ndarray | None = None,
                    user_rows: np.ndarray | None = None) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """(candidate rows [B, K], ranker inputs flattened to B*K rows) for users with their
    s1 histories; user_rows defaults to users + 1 (0 = unknown user)."""
    hist = s1.histories.take(users)
    rows = users + 1 if user_rows is None else user_rows
    user_emb = embed_users(s1.user_tower, rows, hist.rows, context, device)
    cand = gather_candidates(user_emb, hist.rows, s1.item_emb, s1.i2i, s1.popular, cand_cfg, ann, allowed)
    inputs = ranker_inputs(hist, cand, user_emb, s1.item_emb, s1.items, s1.i2i, s1.uses_content, context, spec)
    return cand, inputs


def build_ranker_data(s1: Stage1, users: np.ndarray, labels: sp.csr_matrix, context: dict[str, np.ndarray],
                      cand_cfg: CandidateConfig, spec: SessionSpec, seed: int, device: str = "cpu",
                      chunk: int = 512) -> RankerData:
    """labels: (n_users, n_items) csr whose data are sample weights of held-out interactions;
    context: per entry of `users`. Lists without a positive are dropped."""
    rng = np.random.default_rng(seed)
    parts: list[dict[str, np.ndarray]] = []
    all_labels, all_weights, sizes = [], [], []
    for s in tqdm(range(0, len(users), chunk), desc="ranker data", unit="chunk", leave=False):
        u = users[s : s + chunk]
        ctx = drop_context({k: v[s : s + chunk] for k, v in context.items()}, 0.5, rng)
        cand, inputs = candidate_lists(s1, u, ctx, cand_cfg, spec, device)
        lab = labels[u]
        weight = np.asarray(lab[np.arange(len(u))[:, None], np.maximum(cand - 1, 0)].todense(), np.float32)
        weight = np.where(cand > 0, weight, 0.0)
        positive = weight > 0
        keep_users = positive.any(axis=1)
        keep = (cand > 0) & keep_users[:, None]
        flat = keep.reshape(-1)
        parts.append({k: v[flat] for k, v in inputs.items()})
        all_labels.append(positive.reshape(-1)[flat].astype(np.float32))
        all_weights.append(np.where(positive, weight, 1.0).reshape(-1)[flat].astype(np.float32))
        sizes.append(keep.sum(axis=1)[keep_users])
    inputs = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]} if parts else {}
    sizes_all = np.concatenate(sizes) if sizes else np.zeros(0, np.int64)
    starts = np.concatenate([[0], np.cumsum(sizes_all)]).astype(np.int64)
    return RankerData(inputs, np.concatenate(all_labels) if all_labels else np.zeros(0, np.float32),
                      np.concatenate(all_weights) if all_weights else np.zeros(0, np.float32), starts)


def split_lists(data: RankerData, share: float, seed: int) -> tuple[RankerData, RankerData]:
    """(train, validation) by whole lists."""
    n = len(data.starts) - 1
    val = np.random.default_rng(seed).random(n) < share
    out = []
    for pick in (~val, val):
        lists = np.flatnonzero(pick)
        idx = np.concatenate([np.arange(data.starts[i], data.starts[i + 1]) for i in lists]) if len(lists) else np.zeros(0, np.int64)
        sizes = np.diff(data.starts)[lists]
        out.append(RankerData({k: v[idx] for k, v in data.inputs.items()}, data.labels[idx], data.weights[idx],
                              np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)))
    return out[0], out[1]
