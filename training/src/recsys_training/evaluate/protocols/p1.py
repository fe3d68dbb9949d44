"""P1 (comparable headline) and P2 (stage diagnostics), which share P1's split.

The split is EVALUATION.md's seed-42 stratified split for every seed: the
published table it is compared with uses that one split, so the seeds vary only
the models' own randomness (model seed = 0..n-1).
"""

from __future__ import annotations

import numpy as np
from tqdm import tqdm

from recsys_training.evaluate.diagnostics import StageDiagnostics
from recsys_training.evaluate.matrix import subset
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
from recsys_training.evaluate.splits import stratified_split

SPLIT_SEED = 42
P1_METRICS = ("precision@10", "recall@10", "ndcg@10", "map@10", "recall@20", "ndcg@20")
RETRIEVAL_KS = (50, 100, 200, 1000)


def run_p1(ctx: Context, models: list[str], with_p2: bool = False) -> tuple[Results, Results]:
    data = ctx.dataset
    train_rows = stratified_split(data.interactions.item, SPLIT_SEED)
    train = subset(data, train_rows)
    history = train_history(train)
    truth = truth_matrix(data, ~train_rows, history)
    candidates = np.bincount(train.interactions.item, minlength=data.n_items) > 0
    task = ranking_task(ctx, train, history, truth, candidates, (10, 20), SPLIT_SEED)
    ctx.notes.append(
        f"P1: split seed {SPLIT_SEED} (fixed), model seeds {ctx.seeds}; {len(task.users)} test users, "
        f"{int(train_rows.sum())} train / {int((~train_rows).sum())} test rows; "
        f"candidates = {int(candidates.sum())} items with training interactions."
    )
    p1: Results = {}
    p2: Results = {}
    steps = [(seed, name) for seed in ctx.seeds for name in models]
    for seed, name in tqdm(steps, desc="P1" + ("+P2" if with_p2 else ""), disable=not ctx.progress):

        def measure(model: Recommender) -> dict[str, float]:
            metrics = evaluate_ranking(model, task)
            if with_p2:
                metrics |= {f"p2:{k}": v for k, v in stage_metrics(model, task).items()}
            return metrics

        metrics = ctx.pool.evaluate(name, "p1", train, seed, measure)
        if metrics is None:
            continue
        record(p1, name, {k: v for k, v in metrics.items() if not k.startswith("p2:")})
        if with_p2:
            end_to_end = {"ndcg@10": metrics["ndcg@10"], "recall@20": metrics["recall@20"]}
            stages = {k[3:]: v for k, v in metrics.items() if k.startswith("p2:")}
            record(p2, name, end_to_end | stages)
    ctx.pool.forget("p1")
    return p1, p2


def stage_metrics(model: Recommender, task: RankingTask) -> dict[str, float]:
    """P2's per-stage numbers for models that implement StageDiagnostics, else {}."""
    if not isinstance(model, StageDiagnostics):
        return {}
    sums: dict[str, float] = {}
    weight = 0
    step = batch_size(task.history.shape[1])
    for start in range(0, len(task.users), step):
        users = task.users[start : start + step]
        history, truth = task.history[users], task.truth[users]
        recall = model.retrieval_recall(users, history, truth, RETRIEVAL_KS)
        values = {f"retrieval_recall@{k}": float(recall[k]) for k in RETRIEVAL_KS}
        values["ann_recall@1000"] = float(model.ann_recall_at(users, history, 1000))
        values["ranking_ndcg@10"] = float(model.ranking_ndcg(users, history, truth, 10))
        for key, value in values.items():
            sums[key] = sums.get(key, 0.0) + value * len(users)
        weight += len(users)
    return {k: v / max(weight, 1) for k, v in sums.items()}
