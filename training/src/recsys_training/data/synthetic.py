"""Deterministic synthetic dataset: the default data for `make demo` and tests.

    python -m recsys_training.data.synthetic --users N --items M --seed S --out DIR

One seeded numpy Generator drives every draw, so (config) -> identical Dataset.
Users are simulated in chunks (see synthetic_sessions.py) to scale to millions.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from dataclasses import asdict, dataclass

import numpy as np
from tqdm import tqdm

from recsys_training.data.synthetic_catalog import (
    DEVICES,
    REGIONS,
    SURFACES,
    make_audience,
    make_catalogue,
    unit,
)
from recsys_training.data.synthetic_sessions import DAY_MS, ArrivalSampler, Behaviour, simulate_chunk
from recsys_training.data.types import Dataset, Impressions, Interactions

CHUNK_IMPRESSIONS = 2_000_000  # generated (not logged) impressions per chunk: bounds peak memory


@dataclass(frozen=True)
class SyntheticConfig:
    n_users: int = 5000
    n_items: int = 2000
    seed: int = 0
    n_categories: int = 20
    dim: int = 16
    popularity_alpha: float = 0.9
    sessions_per_user: float = 6.0
    requests_per_session: float = 2.5
    slate_size: int = 10
    eta: float = 1.0
    drift: float = 0.25
    topic_share: float = 0.7
    affinity: float = 4.0
    topic_boost: float = 0.5
    bias: float = -1.5
    impression_rate: float = 1.0
    start_ms: int = 1_704_067_200_000  # 2024-01-01 UTC
    days: int = 120

    def fingerprint(self) -> str:
        return hashlib.sha256(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()


def generate(config: SyntheticConfig = SyntheticConfig(), progress: bool = False) -> Dataset:
    if config.n_users < 1 or config.n_items < 1 or config.slate_size < 1:
        raise ValueError("n_users, n_items and slate_size must be positive")
    rng = np.random.default_rng(config.seed)
    n_cat = max(1, min(config.n_categories, config.n_items))
    end_ms = config.start_ms + config.days * DAY_MS
    centroids = unit(rng.standard_normal((n_cat, config.dim)).astype(np.float32))
    catalogue = make_catalogue(
        rng, config.n_items, centroids, config.popularity_alpha, config.start_ms, end_ms
    )
    category_share = np.bincount(catalogue.category, weights=catalogue.weight, minlength=n_cat)
    category_share /= category_share.sum()
    item_share = np.bincount(catalogue.category, minlength=n_cat) / config.n_items
    audience = make_audience(rng, config.n_users, centroids, item_share)
    sampler = ArrivalSampler(catalogue, n_cat, end_ms)
    behaviour = Behaviour(
        sessions_per_user=config.sessions_per_user,
        requests_per_session=config.requests_per_session,
        slate_size=config.slate_size,
        eta=config.eta,
        drift=config.drift,
        topic_share=config.topic_share,
        affinity=config.affinity,
        topic_boost=config.topic_boost,
        bias=config.bias,
        impression_rate=config.impression_rate,
        start_ms=config.start_ms,
        days=config.days,
    )
    per_user = config.sessions_per_user * config.requests_per_session * config.slate_size
    chunk = max(1, int(CHUNK_IMPRESSIONS / max(per_user, 1.0)))
    clicks, shown, next_session = [], [], 0
    starts = range(0, config.n_users, chunk)
    for start in tqdm(starts, desc="simulating users", disable=not progress):
        users = np.arange(start, min(config.n_users, start + chunk), dtype=np.int64)
        c, s, n_sessions = simulate_chunk(
            rng, users, catalogue, audience, sampler, category_share, behaviour, next_session
        )
        next_session += n_sessions
        clicks.append(c)
        shown.append(s)
    click = _concat(clicks)
    order = np.argsort(click["timestamp"], kind="stable")  # a log, in time order
    imp = _concat(shown)
    return Dataset(
        name=f"synthetic-{config.n_users}x{config.n_items}-s{config.seed}",
        user_ids=np.array([f"u{i:07d}" for i in range(config.n_users)], dtype=object),
        items=catalogue.items,
        interactions=Interactions(
            user=click["user"][order],
            item=click["item"][order],
            timestamp=click["timestamp"][order],
            watch_seconds=click["watch_seconds"][order],
        ),
        impressions=Impressions(**imp),
        user_region=audience.region,
        regions=list(REGIONS),
        devices=list(DEVICES),
        surfaces=list(SURFACES),
        data_hash=config.fingerprint(),
    )


def _concat(parts: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    return {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=SyntheticConfig.n_users)
    parser.add_argument("--items", type=int, default=SyntheticConfig.n_items)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--sessions-per-user", type=float, default=SyntheticConfig.sessions_per_user)
    parser.add_argument("--impression-rate", type=float, default=1.0, help="share of requests logged")
    parser.add_argument("--out", required=True, help="folder for the generic-format CSVs")
    args = parser.parse_args(argv)
    from recsys_training.data.writer import write_generic

    config = SyntheticConfig(
        n_users=args.users,
        n_items=args.items,
        seed=args.seed,
        sessions_per_user=args.sessions_per_user,
        impression_rate=args.impression_rate,
    )
    began = time.perf_counter()
    dataset = generate(config, progress=True)
    generated = time.perf_counter() - began
    write_generic(dataset, args.out)
    n_imp = len(dataset.impressions) if dataset.impressions is not None else 0
    print(
        f"{dataset.name}: {len(dataset.interactions)} interactions, {n_imp} impressions; "
        f"generated in {generated:.1f}s, written to {args.out} "
        f"in {time.perf_counter() - began - generated:.1f}s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
