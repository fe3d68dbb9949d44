"""The whole two-stage training run on one Dataset: retrieval on a fit part,
the ranker on the retrieval candidates of the held-out part, then retrieval
again on all the data (the ranker keeps its weights), and the ANN index."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from recsys_training.ann_index import AnnIndex, build_ivf, tune_nprobe
from recsys_training.candidates import CandidateConfig
from recsys_training.data.types import Dataset
from recsys_training.features.history import build_histories
from recsys_training.features.ranker_features import SessionSpec, dense_columns
from recsys_training.models import WideDeepRanker
from recsys_training.train_labels import label_context, label_weights
from recsys_training.train_ranker import RankerConfig, RankerData, list_ndcg, score_rows, train_ranker
from recsys_training.train_ranker_data import build_ranker_data, concat_lists, split_lists
from recsys_training.train_stage1 import Stage1, Stage1Config, fit_stage1
from recsys_training.train_two_tower import embed_users


@dataclass(frozen=True)
class TwoStageConfig:
    stage1: Stage1Config = Stage1Config()
    ranker: RankerConfig = RankerConfig()
    candidates: CandidateConfig = CandidateConfig()
    session: SessionSpec = SessionSpec()
    label_share: float = 0.2  # of each user's interactions held out as ranker labels
    # Ranker lists come from this many independent label splits, each with its own
    # retrieval fit: more lists for the ranker on small datasets (cross-fitting).
    ranker_folds: int = 1
    ranker_max_users: int = 50_000
    validation_share: float = 0.1  # of users, whose ranker lists pick the epoch and give the metrics
    refit: bool = True  # retrain retrieval on all data after the ranker


@dataclass
class TrainedSystem:
    config: TwoStageConfig
    stage1: Stage1
    ranker: WideDeepRanker
    dense_columns: list[str]
    dense_mean: np.ndarray
    dense_std: np.ndarray
    ann: AnnIndex
    ann_recall: float
    metrics: dict[str, float] = field(default_factory=dict)


def label_split(user: np.ndarray, share: float, seed: int) -> np.ndarray:
    """Bool mask of held-out rows: a random `share` of each user's rows, never all of them."""
    rng = np.random.default_rng(seed)
    held = rng.random(len(user)) < share
    order = np.lexsort((rng.random(len(user)), user))
    first = np.r_[True, user[order][1:] != user[order][:-1]]
    held[order[first]] = False  # every user keeps a history
    return held


def _fold_lists(dataset: Dataset, text: np.ndarray, cfg: TwoStageConfig, seed: int,
                device: str) -> tuple[RankerData, Stage1, float]:
    """Ranker lists from one label split: (lists, the fit part's retrieval, label recall)."""
    inter = dataset.interactions
    held = label_split(inter.user, cfg.label_share, seed)
    fit_rows, label_rows = np.flatnonzero(~held), np.flatnonzero(held)
    s1 = fit_stage1(dataset, fit_rows, text, cfg.stage1, seed, device)
    weights = label_weights(dataset, label_rows)
    labels = sp.csr_matrix((weights, (inter.user[label_rows], inter.item[label_rows])),
                           shape=(dataset.n_users, dataset.n_items))
    users = np.unique(inter.user[label_rows])
    rng = np.random.default_rng(seed)
    if len(users) > cfg.ranker_max_users:
        users = np.sort(rng.choice(users, cfg.ranker_max_users, replace=False))
    # One label interaction's context stands for the user's request context.
    by_user = label_rows[np.argsort(inter.user[label_rows], kind="stable")]
    pick = by_user[np.searchsorted(inter.user[by_user], users)]
    seen = sp.csr_matrix((np.ones(len(fit_rows), np.float32), (inter.user[fit_rows], inter.item[fit_rows])),
                         shape=(dataset.n_users, dataset.n_items))
    data = build_ranker_data(s1, users, labels, label_context(dataset, pick), cfg.candidates, cfg.session, seed,
                             device, seen=seen)
    return data, s1, float(data.labels.sum() / max(len(label_rows), 1))


def fit_two_stage(dataset: Dataset, text: np.ndarray, cfg: TwoStageConfig, seed: int,
                  device: str = "cpu") -> TrainedSystem:
    began = time.perf_counter()
    inter = dataset.interactions
    folds = [_fold_lists(dataset, text, cfg, seed + 1000 * f, device) for f in range(max(cfg.ranker_folds, 1))]
    s1 = folds[0][1]
    # Validation lists are whole users, the same users in every fold.
    val_users = np.random.default_rng(seed).random(dataset.n_users) < cfg.validation_share
    parts = [split_lists(d, val_users) for d, _, _ in folds]
    data = concat_lists([d for d, _, _ in folds])
    train_data, val_data = concat_lists([p[0] for p in parts]), concat_lists([p[1] for p in parts])
    if len(train_data.starts) < 2:
        train_data = data
    dense = train_data.inputs["dense"]
    with np.errstate(all="ignore"):
        mean = np.nan_to_num(np.nanmean(dense, axis=0), nan=0.0).astype(np.float32)
        std = np.nan_to_num(np.nanstd(dense, axis=0), nan=1.0).astype(np.float32)
    std[std < 1e-6] = 1.0
    ranker = train_ranker(train_data, mean, std, s1.items.n_rows, s1.items.n_category_rows, s1.n_devices,
                          s1.n_surfaces, cfg.ranker, seed, device,
                          val_data if len(val_data.starts) > 1 else None, dense_columns(s1.items))
    metrics = {
        "ranker.lists": float(len(data.starts) - 1),
        "ranker.rows": float(len(data.labels)),
        "candidates.label_recall": float(np.mean([r for _, _, r in folds])),
    }
    if len(val_data.starts) > 1:
        metrics["val.ranker_ndcg@10"] = list_ndcg(score_rows(ranker, val_data.inputs, device), val_data)
        metrics["val.retrieval_ndcg@10"] = list_ndcg(val_data.inputs["dense"][:, 0], val_data)
        metrics["val.i2i_ndcg@10"] = list_ndcg(val_data.inputs["dense"][:, 1], val_data)

    final = fit_stage1(dataset, np.arange(len(inter)), text, cfg.stage1, seed, device) if cfg.refit else s1
    if not cfg.refit:
        final.histories = build_histories(inter.user, inter.item, inter.timestamp, dataset.n_users,
                                          cfg.stage1.two_tower.history_length)
    ann = build_ivf(final.item_emb, seed)
    sample = np.unique(inter.user)[:2000]
    ctx = {k: np.zeros(len(sample), np.int64) for k in ("hour", "dow", "device", "surface")}
    queries = embed_users(final.user_tower, sample + 1, final.histories.rows[sample], ctx, device)
    ann_recall = tune_nprobe(ann, final.item_emb, queries, min(1000, max(ann.count, 1)))
    metrics["ann.recall@1000"] = ann_recall
    metrics["train.seconds"] = time.perf_counter() - began
    return TrainedSystem(cfg, final, ranker, dense_columns(final.items), mean, std, ann, ann_recall, metrics)
