"""Runs split by seed (--seed-list) merge into the report one run over all seeds writes."""

import json
from pathlib import Path

import pytest

from recsys_training.data.synthetic import SyntheticConfig, generate
from recsys_training.evaluate.merge import merge
from recsys_training.evaluate.runner import EvalConfig, run

TINY = SyntheticConfig(n_users=120, n_items=80, seed=2)


def _run(out: Path, seeds: tuple[int, ...]) -> dict:
    config = EvalConfig(data="synthetic", out=out, protocols=("P1",), quick=True, progress=False,
                        models=("random",), seed_list=seeds)
    return run(config, dataset=generate(TINY))


def test_split_seeds_merge_to_the_joint_run(tmp_path: Path) -> None:
    joint = _run(tmp_path / "joint", (0, 1))
    _run(tmp_path / "a", (0,))
    _run(tmp_path / "b", (1,))
    merged = merge([tmp_path / "a", tmp_path / "b"], tmp_path / "merged")
    for metric, value in joint["P1"]["random"].items():
        assert merged["P1"]["random"][metric]["mean"] == pytest.approx(value["mean"])
        assert merged["P1"]["random"][metric]["std"] == pytest.approx(value["std"])
    meta = json.loads((tmp_path / "merged" / "eval_meta.json").read_text())
    assert meta["seeds"] == [0, 1] and len(meta["raw"]["P1"]["random"]["ndcg@10"]) == 2
    assert json.loads((tmp_path / "merged" / "eval.json").read_text())["P1"]["random"]


def test_merge_names_a_folder_without_a_run(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="eval_meta.json"):
        merge([tmp_path], tmp_path / "out")
