"""Full-ranking evaluation of one fitted model on one task, in bounded-memory batches."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from recsys_training.evaluate import beyond
from recsys_training.evaluate.metrics import hits_of, ranking_metrics
from recsys_training.evaluate.recommender import Recommender

SCORE_CELLS = 50_000_000  # users x items scored at once: ~200 MB of float32


@dataclass(frozen=True)
class RankingTask:
    users: np.ndarray  # user_idx to evaluate (each has >= 1 truth item)
    history: sp.csr_matrix  # (n_users, n_items) known interactions, masked from the ranking
    truth: sp.csr_matrix  # (n_users, n_items) held-out items
    candidates: np.ndarray  # bool over items that may be recommended
    popularity: np.ndarray  # training interaction count per item (for the long tail)
    categories: sp.csr_matrix  # items x categories indicator
    ks: tuple[int, ...] = (10,)
    beyond_k: int = 10


def batch_size(n_items: int) -> int:
    return max(1, min(4096, SCORE_CELLS // max(n_items, 1)))


def recommend_all(model: Recommender, task: RankingTask, k: int) -> np.ndarray:
    exclude = None if task.candidates.all() else ~task.candidates
    step = batch_size(task.history.shape[1])
    parts = []
    for start in range(0, len(task.users), step):
        users = task.users[start : start + step]
        parts.append(model.recommend(users, task.history[users], k, exclude=exclude))
    return np.vstack(parts) if parts else np.zeros((0, k), dtype=np.int64)


def evaluate_ranking(model: Recommender, task: RankingTask) -> dict[str, float]:
    """Mean accuracy at every k in task.ks plus beyond-accuracy metrics at beyond_k."""
    k_max = max(*task.ks, task.beyond_k)
    recs = recommend_all(model, task, k_max)
    truth = task.truth[task.users]
    n_truth = np.diff(truth.indptr)
    hits = hits_of(recs, truth)
    out: dict[str, float] = {}
    for k in task.ks:
        for name, values in ranking_metrics(hits, n_truth, k).items():
            out[name] = float(values.mean())
    top = recs[:, : task.beyond_k]
    kb = task.beyond_k
    out[f"coverage@{kb}"] = beyond.coverage(top, int(task.candidates.sum()))
    head = beyond.head_items(task.popularity, task.candidates)
    out[f"long_tail@{kb}"] = beyond.long_tail_share(top, head)
    out[f"categories@{kb}"] = float(beyond.distinct_categories(top, task.categories).mean())
    embeddings = model.item_embeddings()
    if embeddings is not None:
        out[f"ild@{kb}"] = float(np.nanmean(beyond.intra_list_distance(top, embeddings)))
    return out
