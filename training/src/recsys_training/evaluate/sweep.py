"""Settings sweeps for the two-stage system: one variant of the default preset and one model
seed per run, on P1's validation carve (where settings are chosen) or on P1's test split.

    python -m recsys_training.evaluate.sweep --data DIR --variant n200+seen+cap3000 --seed 0 \
        --split val [--device cuda] [--out results.jsonl]

A variant is `base` or `+`-joined changes to the default preset (to the tiny one after a
leading `tiny`, for tests): `k<N>` EASE positive
neighbours, `n<N>` EASE negative neighbours, `seen` item-to-item over the whole seen set,
`cap<N>` its cap, `f<N>` ranker label folds, `ls<N>` label share in percent, `e<N>` two-tower
epochs, `h<N>` history length, `re<N>` ranker epochs, `prior` the i2i ordering as the ranker's
start, `norefit`. The validation carve is P1's own procedure (item-stratified 75/25) applied
to P1's train rows with split seed 7; the test split is P1's (seed 42), as `evaluate` runs it.
One line of JSON per run goes to --out (appended) and to stdout.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time

import numpy as np

from recsys_training.data.types import Dataset
from recsys_training.evaluate.matrix import subset
from recsys_training.evaluate.protocols.common import (
    Context,
    ranking_task,
    train_history,
    truth_matrix,
)
from recsys_training.evaluate.protocols.p1 import SPLIT_SEED
from recsys_training.evaluate.protocols.pool import ModelPool
from recsys_training.evaluate.ranking import evaluate_ranking
from recsys_training.evaluate.registry import ModelOptions
from recsys_training.evaluate.splits import stratified_split
from recsys_training.presets import preset
from recsys_training.train_pipeline import TwoStageConfig

VALIDATION_SPLIT_SEED = 7
R = dataclasses.replace


def variant(name: str) -> TwoStageConfig:
    """The default preset with the changes `name` spells (module docstring)."""
    parts = name.split("+")
    c = preset("tiny" if parts[0] == "tiny" else "default")
    for part in parts[1:] if parts[0] == "tiny" else parts:
        number = part.lstrip("abcdefghijklmnopqrstuvwxyz")
        word = part[: len(part) - len(number)]
        n = int(number) if number else None
        match word, n:
            case "base", None:
                pass
            case "prior", None:
                c = R(c, ranker=R(c.ranker, prior_column="i2i_sum"))
            case "seen", None:
                c = R(c, candidates=R(c.candidates, i2i_over_seen=True))
            case "norefit", None:
                c = R(c, refit=False)
            case "k", int():
                c = R(c, stage1=R(c.stage1, i2i_k=n))
            case "n", int():
                c = R(c, stage1=R(c.stage1, i2i_k_negative=n))
            case "cap", int():
                c = R(c, candidates=R(c.candidates, seen_cap=n))
            case "f", int():
                c = R(c, ranker_folds=n)
            case "ls", int():
                c = R(c, label_share=n / 100)
            case "e", int():
                c = R(c, stage1=R(c.stage1, two_tower=R(c.stage1.two_tower, epochs=n)))
            case "h", int():
                c = R(c, stage1=R(c.stage1, two_tower=R(c.stage1.two_tower, history_length=n)))
            case "re", int():
                c = R(c, ranker=R(c.ranker, epochs=n))
            case _:
                raise ValueError(f"unknown variant part {part!r} in {name!r}")
    return c


def split_task(data: Dataset, split: str, options: ModelOptions):
    """(train, ranking task) of P1's test split or of its validation carve."""
    rows = stratified_split(data.interactions.item, SPLIT_SEED)
    train = subset(data, rows)
    if split == "val":  # P1's procedure again, inside P1's train rows
        data, rows = train, stratified_split(train.interactions.item, VALIDATION_SPLIT_SEED)
        train = subset(data, rows)
    elif split != "test":
        raise ValueError(f"split must be val or test, not {split!r}")
    history = train_history(train)
    truth = truth_matrix(data, ~rows, history)
    candidates = np.bincount(train.interactions.item, minlength=data.n_items) > 0
    ctx = Context(data, ModelPool(options), [0], progress=False)
    return train, ranking_task(ctx, train, history, truth, candidates, (10, 20), SPLIT_SEED)


def run(data: Dataset, name: str, seed: int, split: str, device: str) -> dict:
    from recsys_training.two_stage import TwoStageRecommender

    options = ModelOptions(device=device, progress=False, quick=name.startswith("tiny"))
    train, task = split_task(data, split, options)
    began = time.perf_counter()
    model = TwoStageRecommender(options, mmr=False, config=variant(name))
    model.fit(train, seed)
    metrics = evaluate_ranking(model, task)
    return {"split": split, "variant": name, "seed": seed, "device": device,
            "seconds": round(time.perf_counter() - began, 1),
            "metrics": {k: round(float(v), 4) for k, v in metrics.items()},
            "train": {k: round(v, 4) for k, v in model.system.metrics.items()}}


def main(argv: list[str] | None = None) -> int:
    from recsys_training.data import load

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", required=True)
    p.add_argument("--variant", default="base")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--split", choices=("val", "test"), default="val")
    p.add_argument("--device", default="cpu")
    p.add_argument("--out", default=None, help="a JSON-lines file to append the result to")
    args = p.parse_args(argv)
    try:
        variant(args.variant)
    except ValueError as err:
        p.error(str(err))
    result = run(load(args.data), args.variant, args.seed, args.split, args.device)
    line = json.dumps(result)
    if args.out:
        with open(args.out, "a") as f:
            f.write(line + "\n")
    print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
