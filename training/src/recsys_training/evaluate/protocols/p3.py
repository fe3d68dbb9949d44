"""P3: temporal realism. The last 20% of interactions by time are test, warm users only.

The split is deterministic; the seeds vary the models. Test rows on items with
no training interaction are dropped (cold items are P4's subject), as are
repeats of a user's training items.
"""

from __future__ import annotations

import numpy as np
from tqdm import tqdm

from recsys_training.evaluate.matrix import subset
from recsys_training.evaluate.protocols.common import (
    Context,
    Results,
    ranking_task,
    record,
    train_history,
    truth_matrix,
)
from recsys_training.evaluate.ranking import evaluate_ranking
from recsys_training.evaluate.splits import temporal_split

P3_METRICS = ("ndcg@10", "recall@20")


def run_p3(ctx: Context, models: list[str]) -> Results:
    data = ctx.dataset
    split = temporal_split(data.interactions.user, data.interactions.timestamp)
    train = subset(data, split.train)
    history = train_history(train)
    truth = truth_matrix(data, split.test, history)
    candidates = np.bincount(train.interactions.item, minlength=data.n_items) > 0
    task = ranking_task(ctx, train, history, truth, candidates, (10, 20), seed=0)
    ctx.notes.append(
        f"P3: cut at {split.cut_ms} ms; {int(split.train.sum())} train rows, "
        f"{int(split.test.sum())} warm-user test rows, {len(task.users)} test users "
        f"with a test item among {int(candidates.sum())} warm items."
    )
    results: Results = {}
    steps = [(seed, name) for seed in ctx.seeds for name in models]
    for seed, name in tqdm(steps, desc="P3", disable=not ctx.progress):
        metrics = ctx.pool.evaluate(name, "p3", train, seed, lambda m: evaluate_ranking(m, task))
        if metrics is not None:
            record(results, name, {k: v for k, v in metrics.items() if k not in ("precision@20", "map@20")})
    ctx.pool.forget("p3")
    return results
