"""Builds the ranker's training lists from the retrieval stage: for each user,
the candidates retrieval returns from the fit-part history, labelled by the
user's held-out interactions (weights from train_labels)."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from tqdm import tqdm

from recsys_training.ann_index import AnnIndex
from recsys_training.candidates import CandidateConfig, gather_candidates, seen_rows
from recsys_training.context import drop_context
from recsys_training.features.ranker_features import SessionSpec, ranker_inputs
from recsys_training.train_ranker import RankerData
from recsys_training.train_stage1 import Stage1
from recsys_training.train_two_tower import embed_users


def candidate_lists(s1: Stage1, users: np.ndarray, context: dict[str, np.ndarray], cand_cfg: CandidateConfig,
                    spec: SessionSpec, device: str = "cpu", ann: AnnIndex | None = None,
                    allowed: np.ndarray | None = None, user_rows: np.ndarray | None = None,
                    seen: sp.csr_matrix | None = None) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """(candidate rows [B, K], ranker inputs flattened to B*K rows) for users with their
    s1 histories; user_rows defaults to users + 1 (0 = unknown user); seen: [B, n_items]
    whole histories, never candidates."""
    hist = s1.histories.take(users)
    rows = users + 1 if user_rows is None else user_rows
    user_emb = embed_users(s1.user_tower, rows, hist.rows, context, device)
    i2i_rows = seen_rows(seen, cand_cfg.seen_cap) if cand_cfg.i2i_over_seen and seen is not None else None
    cand = gather_candidates(user_emb, hist.rows, s1.item_emb, s1.i2i, s1.popular, cand_cfg, ann, allowed, seen,
                             i2i_rows)
    inputs = ranker_inputs(hist, cand, user_emb, s1.item_emb, s1.items, s1.i2i, s1.uses_content, context, spec,
                           i2i_rows)
    return cand, inputs


def build_ranker_data(s1: Stage1, users: np.ndarray, labels: sp.csr_matrix, context: dict[str, np.ndarray],
                      cand_cfg: CandidateConfig, spec: SessionSpec, seed: int, device: str = "cpu",
                      chunk: int = 128, seen: sp.csr_matrix | None = None) -> RankerData:
    """labels: (n_users, n_items) csr whose data are sample weights of held-out interactions;
    context: per entry of `users`; seen: (n_users, n_items) the fit part, never a candidate.
    Lists without a positive are dropped."""
    rng = np.random.default_rng(seed)
    parts: list[dict[str, np.ndarray]] = []
    all_labels, all_weights, sizes, owners = [], [], [], []
    for s in tqdm(range(0, len(users), chunk), desc="ranker data", unit="chunk", leave=False):
        u = users[s : s + chunk]
        ctx = drop_context({k: v[s : s + chunk] for k, v in context.items()}, 0.5, rng)
        cand, inputs = candidate_lists(s1, u, ctx, cand_cfg, spec, device,
                                       seen=None if seen is None else seen[u])
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
        owners.append(u[keep_users])
    inputs = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]} if parts else {}
    sizes_all = np.concatenate(sizes) if sizes else np.zeros(0, np.int64)
    starts = np.concatenate([[0], np.cumsum(sizes_all)]).astype(np.int64)
    return RankerData(inputs, np.concatenate(all_labels) if all_labels else np.zeros(0, np.float32),
                      np.concatenate(all_weights) if all_weights else np.zeros(0, np.float32), starts,
                      np.concatenate(owners).astype(np.int64) if owners else np.zeros(0, np.int64))


def split_lists(data: RankerData, held_users: np.ndarray) -> tuple[RankerData, RankerData]:
    """(lists of users not in held_users, lists of users in it); held_users: bool by user."""
    out = []
    for pick in (~held_users[data.users], held_users[data.users]):
        out.append(take_lists(data, np.flatnonzero(pick)))
    return out[0], out[1]


def take_lists(data: RankerData, lists: np.ndarray) -> RankerData:
    idx = (np.concatenate([np.arange(data.starts[i], data.starts[i + 1]) for i in lists]) if len(lists)
           else np.zeros(0, np.int64))
    sizes = np.diff(data.starts)[lists]
    return RankerData({k: v[idx] for k, v in data.inputs.items()}, data.labels[idx], data.weights[idx],
                      np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64), data.users[lists])


def concat_lists(parts: list[RankerData]) -> RankerData:
    if len(parts) == 1:
        return parts[0]
    offsets = np.cumsum([0] + [len(p.labels) for p in parts[:-1]])
    starts = np.concatenate([[0]] + [p.starts[1:] + o for p, o in zip(parts, offsets)]).astype(np.int64)
    return RankerData({k: np.concatenate([p.inputs[k] for p in parts]) for k in parts[0].inputs},
                      np.concatenate([p.labels for p in parts]), np.concatenate([p.weights for p in parts]),
                      starts, np.concatenate([p.users for p in parts]))
