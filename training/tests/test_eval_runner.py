"""The runner writes eval.json in the agreed shape, P2 hooks are used, failures are reported."""

import json
from pathlib import Path

import numpy as np

from recsys_training.data.synthetic import SyntheticConfig, generate
from recsys_training.evaluate import registry
from recsys_training.evaluate.__main__ import main
from recsys_training.evaluate.baselines import TopPopRecommender
from recsys_training.evaluate.recommender import top_k
from recsys_training.evaluate.runner import EvalConfig, run

TINY = SyntheticConfig(n_users=120, n_items=80, seed=2)


class StagedTopPop(TopPopRecommender):
    """TopPop that also answers the P2 diagnostics, to check the runner calls them."""

    def retrieval_recall(self, users, history, test, ks):
        out = {}
        for k in ks:
            recs = top_k(np.array(self.score(users, history)), history, k)
            hits = np.array([len(set(r) & set(test[i].indices)) for i, r in enumerate(recs)])
            out[k] = float((hits / np.diff(test.indptr)).mean())
        return out

    def ann_recall_at(self, users, history, k):
        return 1.0

    def ranking_ndcg(self, users, history, test, k):
        return 0.5


def test_run_writes_required_shape(tmp_path: Path, monkeypatch) -> None:
    registry.register("staged_toppop", lambda options: StagedTopPop())
    monkeypatch.setitem(registry.LAZY, "broken_model", "recsys_training.no_such_module")
    config = EvalConfig(
        data="synthetic",
        out=tmp_path,
        seeds=2,
        quick=True,
        progress=False,
        models=("random", "toppop", "staged_toppop", "broken_model"),
    )
    summary = run(config, dataset=generate(TINY))
    written = json.loads((tmp_path / "eval.json").read_text())
    assert written == summary
    assert set(written) == {"P1", "P2", "P3", "P4", "P5"}
    for protocol, models in written.items():
        assert "broken_model" not in models
        for model, metrics in models.items():
            for metric, value in metrics.items():
                assert set(value) == {"mean", "std"}, (protocol, model, metric)
    assert written["P1"]["toppop"]["ndcg@10"]["std"] == 0.0  # deterministic: fitted once
    assert written["P1"]["toppop"]["ndcg@10"]["mean"] > written["P1"]["random"]["ndcg@10"]["mean"]
    assert {"precision@10", "recall@10", "ndcg@10", "map@10", "coverage@10"} <= set(written["P1"]["random"])
    assert written["P2"]["staged_toppop"]["ann_recall@1000"]["mean"] == 1.0
    assert "retrieval_recall@50" not in written["P2"]["random"]
    assert {"ndcg@10_n0", "recall@20_n5"} <= set(written["P5"]["toppop"])
    assert "recall@20_cold" in written["P4"]["random"]
    meta = json.loads((tmp_path / "eval_meta.json").read_text())
    assert "no_such_module" in meta["skipped"]["P1+P2"]["broken_model"]
    markdown = (tmp_path / "eval.md").read_text()
    assert "| toppop |" in markdown and "broken_model" in markdown
    assert (tmp_path / "p1_ndcg_at_10.png").stat().st_size > 0
    assert (tmp_path / "p5_ndcg_at_10_vs_n.png").exists()


def test_cli_on_a_folder(tmp_path: Path) -> None:
    from recsys_training.data.writer import write_generic

    write_generic(generate(TINY), tmp_path / "data")
    code = main(
        [
            "--data",
            str(tmp_path / "data"),
            "--out",
            str(tmp_path / "out"),
            "--protocols",
            "P1,P3",
            "--seeds",
            "1",
            "--models",
            "toppop",
            "--quick",
            "--no-progress",
        ]
    )
    assert code == 0
    written = json.loads((tmp_path / "out" / "eval.json").read_text())
    assert set(written) == {"P1", "P3"} and set(written["P1"]) == {"toppop"}


def test_unknown_model_is_skipped_not_fatal(tmp_path: Path) -> None:
    config = EvalConfig(
        data="synthetic",
        out=tmp_path,
        protocols=("P1",),
        seeds=1,
        quick=True,
        progress=False,
        models=("toppop", "nope"),
    )
    summary = run(config, dataset=generate(TINY))
    assert set(summary["P1"]) == {"toppop"}
    assert "unknown model" in json.loads((tmp_path / "eval_meta.json").read_text())["skipped"]["P1"]["nope"]
