"""P4: new-item cold start. 20% of items (drawn with the seed) are removed from train.

(a) Per-user ROC AUC over the cold items' test ratings (>= 4 positive, < 4
negative), mean over users with both classes, also split into cold items with
and without tags. (b) Full-ranking Recall@20 / nDCG@20 with only cold items as
candidates (all, tagged, untagged) and with every item as a candidate. Users
need at least one training interaction (a profile to score from).
"""

from __future__ import annotations

from functools import partial

import numpy as np
from tqdm import tqdm

from recsys_training.evaluate.matrix import subset
from recsys_training.evaluate.metrics import per_user_auc
from recsys_training.evaluate.protocols.common import (
    Context,
    Results,
    ranking_task,
    record,
    train_history,
    truth_matrix,
)
from recsys_training.evaluate.ranking import RankingTask, batch_size, evaluate_ranking
from recsys_training.evaluate.recommender import Recommender
from recsys_training.evaluate.splits import cold_item_split

POSITIVE_RATING = 4.0


def run_p4(ctx: Context, models: list[str], seeds: list[int]) -> Results:
    data = ctx.dataset
    tagged = np.array([bool(t) for t in data.items.tags])
    has_ratings = data.interactions.rating is not None
    if not has_ratings:
        ctx.notes.append("P4(a): the dataset has no ratings, so no AUC; P4(b) only.")
    results: Results = {}
    for seed in tqdm(seeds, desc="P4", disable=not ctx.progress):
        split = cold_item_split(data.interactions.item, data.n_items, seed)
        train = subset(data, split.train)
        history = train_history(train)
        test_rows = ~split.train
        truth = truth_matrix(data, test_rows, history)
        cold = split.cold_items
        tasks = {
            "cold": ranking_task(ctx, train, history, truth, cold, (20,), seed),
            "cold_tagged": ranking_task(ctx, train, history, truth, cold & tagged, (20,), seed),
            "cold_untagged": ranking_task(ctx, train, history, truth, cold & ~tagged, (20,), seed),
            "all": ranking_task(ctx, train, history, truth, np.ones(data.n_items, dtype=bool), (20,), seed),
        }
        if seed == seeds[0]:
            sizes = ", ".join(f"{k}: {len(t.users)} users" for k, t in tasks.items())
            ctx.notes.append(
                f"P4: {int(cold.sum())} cold items per seed ({int((cold & tagged).sum())} tagged); {sizes}."
            )

        auc_rows = test_rows if has_ratings else None
        measure = partial(_measure, data=data, auc_rows=auc_rows, history=history, tagged=tagged, tasks=tasks)
        for name in models:
            metrics = ctx.pool.evaluate(name, f"p4-{seed}", train, seed, measure)
            if metrics is not None:
                record(results, name, metrics)
        ctx.pool.forget(f"p4-{seed}")
    return results


def _measure(
    model: Recommender, data, auc_rows, history, tagged, tasks: dict[str, RankingTask]
) -> dict[str, float]:
    out: dict[str, float] = {}
    if auc_rows is not None:
        out |= cold_auc(model, data, auc_rows, history, tagged)
    for key, task in tasks.items():
        if len(task.users) == 0:
            continue
        metrics = evaluate_ranking(model, task)
        out[f"recall@20_{key}"] = metrics["recall@20"]
        out[f"ndcg@20_{key}"] = metrics["ndcg@20"]
        if key == "all":
            out |= {k: v for k, v in metrics.items() if "@10" in k}
    return out


def cold_auc(
    model: Recommender, data, test_rows: np.ndarray, history, tagged: np.ndarray
) -> dict[str, float]:
    """Mean per-user AUC over the test ratings, for users with a training profile."""
    inter = data.interactions
    user, item = inter.user[test_rows], inter.item[test_rows]
    positive = inter.rating[test_rows] >= POSITIVE_RATING
    keep = np.diff(history.indptr)[user] > 0
    user, item, positive = user[keep], item[keep], positive[keep]
    scores = np.empty(len(user), dtype=np.float64)
    users = np.unique(user)
    step = batch_size(data.n_items)
    for start in range(0, len(users), step):
        batch = users[start : start + step]
        matrix = model.score(batch, history[batch])
        rows = np.isin(user, batch)
        scores[rows] = matrix[np.searchsorted(batch, user[rows]), item[rows]]
    out = {}
    for key, mask in (
        ("auc", np.ones(len(item), dtype=bool)),
        ("auc_tagged", tagged[item]),
        ("auc_untagged", ~tagged[item]),
    ):
        values = per_user_auc(user[mask], scores[mask], positive[mask])
        if len(values):
            out[key] = float(values.mean())
    return out
