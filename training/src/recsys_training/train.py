"""Trains the two-stage system and exports the serving artifacts.

    python -m recsys_training.train --data DIR|synthetic --out DIR [--tiny] [--seed S]
        [--device cpu|cuda] [--text-encoder minilm|hashing] [--threads N]

Without --data, the synthetic default. --tiny trains a small synthetic (or the
given) dataset with tiny budgets, for tests and smoke runs.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch

from recsys_training.data import DataError, load
from recsys_training.data.synthetic import SyntheticConfig, generate
from recsys_training.data.types import Dataset
from recsys_training.export.bundle import export_system
from recsys_training.presets import PRESETS, preset
from recsys_training.text import make_text_encoder
from recsys_training.text_features import item_text_embeddings
from recsys_training.train_pipeline import fit_two_stage

TINY_SYNTHETIC = SyntheticConfig(n_users=300, n_items=200, seed=0)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m recsys_training.train", description=__doc__.split("\n")[0])
    p.add_argument("--data", default="synthetic", help="dataset folder, or 'synthetic' (default)")
    p.add_argument("--out", required=True, type=Path, help="artifacts folder to write")
    p.add_argument("--tiny", action="store_true", help="tiny data and budgets (tests)")
    p.add_argument("--preset", choices=PRESETS, default=None,
                   help="training budget: default, demo (make demo) or tiny; --tiny implies tiny")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    p.add_argument("--text-encoder", choices=["minilm", "hashing"], default=None,
                   help="default: hashing with --tiny, else minilm")
    p.add_argument("--threads", type=int, default=1,
                   help="torch CPU threads (1 is fastest on a small, shared machine)")
    args = p.parse_args(argv)
    if args.seed < 0:
        p.error("--seed must be >= 0")
    if args.threads < 1:
        p.error("--threads must be >= 1")
    if args.device == "cuda" and not torch.cuda.is_available():
        p.error("--device cuda: no CUDA device is available")
    return args


def load_dataset(data: str, tiny: bool) -> Dataset:
    if data == "synthetic":
        return generate(TINY_SYNTHETIC if tiny else SyntheticConfig())
    return load(data)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    began = time.perf_counter()
    try:
        dataset = load_dataset(args.data, args.tiny)
    except DataError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if len(dataset.interactions) == 0:
        print("error: the dataset has no interactions", file=sys.stderr)
        return 2
    kind = args.text_encoder or ("hashing" if args.tiny else "minilm")
    encoder = make_text_encoder(kind, args.device)
    t0 = time.perf_counter()
    text = item_text_embeddings(dataset.items, encoder)
    text_seconds = time.perf_counter() - t0
    system = fit_two_stage(dataset, text, preset(args.preset or ("tiny" if args.tiny else "default")), args.seed, args.device)
    manifest = export_system(system, dataset, encoder, args.out, args.seed,
                             {"text.seconds": text_seconds, "total.seconds": time.perf_counter() - began})
    summary = {"out": str(args.out), "version": manifest.version, "dataset": dataset.name,
               "users": dataset.n_users, "items": dataset.n_items, "interactions": len(dataset.interactions),
               "text_encoder": kind, "seconds": round(time.perf_counter() - began, 1),
               "metrics": {k: round(float(v), 4) for k, v in sorted(manifest.metrics.items())}}
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
