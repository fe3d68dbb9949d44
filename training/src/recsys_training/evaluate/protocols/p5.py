"""P5: new users. 20% of users (drawn with the seed) are removed from train; each
reveals their first n in {0, 1, 3, 5} interactions by time and the rest is test.

The same users are evaluated for every n (those with more than max(n)
interactions), so the curve over n compares like with like. Candidates are the
items with training interactions; test items outside them are dropped.
"""

from __future__ import annotations

from functools import partial

import numpy as np
from tqdm import tqdm

from recsys_training.evaluate.matrix import binary_matrix, subset
from recsys_training.evaluate.protocols.common import Context, Results, ranking_task, record, truth_matrix
from recsys_training.evaluate.ranking import RankingTask, evaluate_ranking
from recsys_training.evaluate.recommender import Recommender
from recsys_training.evaluate.splits import new_user_split

REVEALED = (0, 1, 3, 5)


def run_p5(ctx: Context, models: list[str]) -> Results:
    data = ctx.dataset
    inter = data.interactions
    results: Results = {}
    for seed in tqdm(ctx.seeds, desc="P5", disable=not ctx.progress):
        split = new_user_split(inter.user, inter.timestamp, data.n_users, seed)
        train = subset(data, split.train)
        candidates = np.bincount(train.interactions.item, minlength=data.n_items) > 0
        counts = np.bincount(inter.user, minlength=data.n_users)
        eligible = np.zeros(data.n_users, dtype=bool)
        eligible[split.held_users[counts[split.held_users] > max(REVEALED)]] = True
        tasks = {}
        for n in REVEALED:
            shown = ~split.train & (split.order < n)
            history = binary_matrix(inter.user[shown], inter.item[shown], data.n_users, data.n_items)
            truth = truth_matrix(data, ~split.train & (split.order >= n) & eligible[inter.user], history)
            tasks[n] = ranking_task(
                ctx, train, history, truth, candidates, (10, 20), seed, need_history=False
            )
        if seed == ctx.seeds[0]:
            ctx.notes.append(
                f"P5: {len(split.held_users)} held-out users, {int(eligible.sum())} with > {max(REVEALED)} "
                f"interactions evaluated; {int(candidates.sum())} candidate items."
            )

        for name in models:
            metrics = ctx.pool.evaluate(name, f"p5-{seed}", train, seed, partial(_measure, tasks=tasks))
            if metrics is not None:
                record(results, name, metrics)
        ctx.pool.forget(f"p5-{seed}")
    return results


def _measure(model: Recommender, tasks: dict[int, RankingTask]) -> dict[str, float]:
    out = {}
    for n, task in tasks.items():
        metrics = evaluate_ranking(model, task)
        out[f"ndcg@10_n{n}"] = metrics["ndcg@10"]
        out[f"recall@20_n{n}"] = metrics["recall@20"]
    return out
