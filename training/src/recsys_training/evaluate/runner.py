"""Runs the requested protocols over the requested models and writes the report."""

from __future__ import annotations

import os
import platform
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from recsys_training.data import load
from recsys_training.data.synthetic import SyntheticConfig, generate
from recsys_training.data.types import Dataset
from recsys_training.evaluate.protocols import run_p1, run_p3, run_p4, run_p5
from recsys_training.evaluate.protocols.common import Context
from recsys_training.evaluate.protocols.pool import ModelPool
from recsys_training.evaluate.registry import BASELINES, CONTENT_ANCHORS, ModelOptions
from recsys_training.evaluate.report import Summary, summarise, write_report

PROTOCOLS = ("P1", "P2", "P3", "P4", "P5")
TWO_STAGE = ["two_stage", "two_stage_mmr"]
DEFAULT_MODELS = {
    "P1": BASELINES + TWO_STAGE,
    "P2": TWO_STAGE,  # baselines get P2's end-to-end numbers whenever P1 runs too
    "P3": BASELINES + TWO_STAGE,
    "P4": ["random", "toppop"] + CONTENT_ANCHORS + TWO_STAGE,
    "P5": BASELINES + TWO_STAGE,
}


@dataclass(frozen=True)
class EvalConfig:
    data: str  # a dataset folder, or "synthetic"
    out: Path
    protocols: tuple[str, ...] = PROTOCOLS
    seeds: int = 5
    models: tuple[str, ...] | None = None  # None: each protocol's defaults
    quick: bool = False
    progress: bool = True
    synthetic_users: int = 5000
    synthetic_items: int = 2000
    device: str = "cpu"
    seed_list: tuple[int, ...] | None = None  # exact model seeds (P4 too), e.g. to split a run


def load_data(config: EvalConfig) -> Dataset:
    if config.data == "synthetic":
        users, items = (400, 300) if config.quick else (config.synthetic_users, config.synthetic_items)
        return generate(SyntheticConfig(n_users=users, n_items=items, seed=0))
    return load(config.data)


def run(config: EvalConfig, dataset: Dataset | None = None) -> Summary:
    unknown = [p for p in config.protocols if p not in PROTOCOLS]
    if unknown:
        raise ValueError(f"unknown protocol(s) {unknown}; choose from {PROTOCOLS}")
    began = time.perf_counter()
    data = dataset if dataset is not None else load_data(config)
    seeds = list(range(min(config.seeds, 2) if config.quick else config.seeds))
    p4_seeds = seeds if config.quick else list(range(2 * config.seeds))  # P4 asks for 10 seeds
    if config.seed_list:
        seeds = p4_seeds = list(config.seed_list)
    options = ModelOptions(quick=config.quick, device=config.device, progress=config.progress)
    raw: dict[str, Any] = {}
    meta: dict[str, Any] = {
        "skipped": {},
        "params": {},
        "model_seconds": {},
        "protocol_seconds": {},
        "notes": [],
    }

    def context() -> Context:
        return Context(data, ModelPool(options), seeds, 300 if config.quick else None, config.progress)

    def models_for(protocol: str) -> list[str]:
        return list(config.models) if config.models else DEFAULT_MODELS[protocol]

    def finish(protocol: str, ctx: Context, started: float) -> None:
        meta["skipped"][protocol] = dict(ctx.pool.skipped)
        meta["params"].update(
            {
                f"{protocol}/{m}": p[0] if len(p) == 1 or p[0] == p[-1] else p
                for m, p in ctx.pool.params.items()
            }
        )
        meta["model_seconds"][protocol] = {m: round(s, 1) for m, s in ctx.pool.seconds.items()}
        meta["protocol_seconds"][protocol] = round(time.perf_counter() - started, 1)
        meta["notes"] += ctx.notes
        write()  # after every protocol, so a long run that is stopped keeps what it finished

    def write() -> Summary:
        summary = summarise(raw)
        meta.update(_describe(config, data, seeds, p4_seeds, began))
        meta["raw"] = raw  # per-seed values: `python -m recsys_training.evaluate.merge` combines runs
        write_report(config.out, summary, meta)
        return summary

    if "P1" in config.protocols or "P2" in config.protocols:
        started, ctx = time.perf_counter(), context()
        names = models_for("P1") if "P1" in config.protocols else models_for("P2")
        if "P1" in config.protocols and not config.models:
            names = list(dict.fromkeys(names + models_for("P2")))
        p1, p2 = run_p1(ctx, names, with_p2="P2" in config.protocols)
        if "P1" in config.protocols:
            raw["P1"] = p1
        if "P2" in config.protocols:
            raw["P2"] = p2
        finish("P1+P2" if "P2" in config.protocols else "P1", ctx, started)
    for protocol, runner in (("P3", run_p3), ("P4", run_p4), ("P5", run_p5)):
        if protocol not in config.protocols:
            continue
        started, ctx = time.perf_counter(), context()
        raw[protocol] = (
            runner(ctx, models_for(protocol), p4_seeds)
            if protocol == "P4"
            else runner(ctx, models_for(protocol))
        )
        finish(protocol, ctx, started)

    return write()


def _describe(config: EvalConfig, data: Dataset, seeds: list[int], p4_seeds: list[int], began: float) -> dict:
    return {
        "dataset": {
            "name": data.name,
            "source": config.data,
            "hash": data.data_hash,
            "n_users": data.n_users,
            "n_items": data.n_items,
            "n_interactions": len(data.interactions),
        },
        "seeds": seeds,
        "p4_seeds": p4_seeds,
        "quick": config.quick,
        "seconds": round(time.perf_counter() - began, 1),
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join(sys.argv),
        "machine": f"{platform.machine()} {os.cpu_count()} cpus, "
        f"Python {platform.python_version()}, numpy {np.__version__}",
    }
