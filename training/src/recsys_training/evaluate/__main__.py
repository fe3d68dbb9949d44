"""Offline evaluation CLI.

python -m recsys_training.evaluate --data DIR|synthetic --out DIR
    [--protocols P1,P2,P3,P4,P5] [--seeds 5 | --seed-list 0,1] [--models ease,bpr] [--quick]
    [--device cpu|cuda|auto]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from recsys_training.evaluate.registry import names
from recsys_training.evaluate.runner import PROTOCOLS, EvalConfig, run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Offline evaluation (P1-P5 of EVALUATION.md)")
    parser.add_argument("--data", required=True, help="dataset folder (any supported format) or 'synthetic'")
    parser.add_argument("--out", required=True, type=Path, help="folder for eval.json, eval.md and plots")
    parser.add_argument("--protocols", default=",".join(PROTOCOLS), help="comma-separated subset of P1..P5")
    parser.add_argument("--seeds", type=int, default=5, help="seeds per protocol (P4 uses twice as many)")
    parser.add_argument(
        "--models", default=None, help=f"comma-separated; default per protocol. Known: {', '.join(names())}"
    )
    parser.add_argument("--quick", action="store_true", help="2 seeds, <= 300 users per task, small budgets")
    parser.add_argument("--seed-list", default=None,
                        help="comma-separated model seeds for every protocol (P4 included), e.g. 5,6,7 to "
                        "split a long run across calls; merge with python -m recsys_training.evaluate.merge")
    parser.add_argument("--device", default="cpu",
                        help="cpu, cuda or auto (cuda when available): where the torch models train")
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)
    if args.device == "auto":
        import torch

        args.device = "cuda" if torch.cuda.is_available() else "cpu"
    config = EvalConfig(
        data=args.data,
        out=args.out,
        protocols=tuple(p.strip().upper() for p in args.protocols.split(",") if p.strip()),
        seeds=args.seeds,
        models=tuple(m.strip() for m in args.models.split(",") if m.strip()) if args.models else None,
        quick=args.quick,
        progress=not args.no_progress,
        device=args.device,
        seed_list=tuple(int(v) for v in args.seed_list.split(",") if v.strip()) if args.seed_list else None,
    )
    summary = run(config)
    for protocol, models in summary.items():
        for model, metrics in models.items():
            shown = ", ".join(
                f"{k}={v['mean']:.4f}" for k, v in list(metrics.items())[:4] if v["mean"] is not None
            )
            print(f"{protocol} {model}: {shown}")
    print(f"wrote {args.out / 'eval.json'} and {args.out / 'eval.md'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
