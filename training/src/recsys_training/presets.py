"""Named training budgets: "default" (real runs), "demo" (make demo) and "tiny" (tests)."""

from __future__ import annotations

from recsys_training.candidates import CandidateConfig
from recsys_training.train_content import ContentConfig
from recsys_training.train_pipeline import TwoStageConfig
from recsys_training.train_ranker import RankerConfig
from recsys_training.train_stage1 import Stage1Config
from recsys_training.train_two_tower import TwoTowerConfig


def preset(name: str) -> TwoStageConfig:
    if name == "default":
        # Chosen on a validation split carved from ml-latest-small's P1 train set (2 seeds per
        # setting; training/README.md lists the sweep): nDCG@10 0.204 (first defaults) -> 0.223.
        # i2i_k 200 (EASE table; validation nDCG@10 0.2221 -> 0.2236 before, 0.228 after
        # candidates stopped returning a heavy user's older items; README, "Quality").
        return TwoStageConfig(
            stage1=Stage1Config(two_tower=TwoTowerConfig(epochs=80, user_batch=32, downsample=0.0,
                                                         temperature=0.1, user_dropout=1.0,
                                                         history_length=200),
                                i2i_k=200),
            candidates=CandidateConfig(ann_k=400, i2i_k=200, popular_k=100),
            label_share=0.3,
        )
    if name == "demo":
        # make demo on its 5,000 x 20,000 synthetic catalog: the default architecture with
        # shorter schedules, about 2.5 CPU minutes here (136 s measured, load 10-13).
        return TwoStageConfig(
            stage1=Stage1Config(two_tower=TwoTowerConfig(epochs=20, user_batch=128, downsample=0.0,
                                                         temperature=0.1, user_dropout=1.0,
                                                         history_length=100),
                                content=ContentConfig(epochs=20)),
            ranker=RankerConfig(epochs=6),
            candidates=CandidateConfig(ann_k=200, i2i_k=100, popular_k=50),
            label_share=0.3,
            ranker_max_users=3000,
        )
    if name == "tiny":
        return TwoStageConfig(
            stage1=Stage1Config(
                two_tower=TwoTowerConfig(dim=16, hidden=32, epochs=3, user_batch=64, uniform_negatives=64,
                                         history_length=20),
                content=ContentConfig(hidden=32, epochs=3, min_count=1),
                i2i_k=10,
            ),
            ranker=RankerConfig(epochs=2, hidden=(16,), wide_buckets=1024),
            candidates=CandidateConfig(ann_k=30, i2i_k=10, popular_k=5),
            ranker_max_users=200,
        )
    raise ValueError(f"unknown preset {name!r}; expected one of {PRESETS}")


PRESETS = ("default", "demo", "tiny")
