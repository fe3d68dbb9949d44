"""evaluate.sweep: the variant grammar and one tiny run end to end through the CLI."""

import json

import pytest

from recsys_training.data.synthetic import SyntheticConfig, generate
from recsys_training.data.writer import write_generic
from recsys_training.evaluate.sweep import main, variant
from recsys_training.presets import preset


def test_variants_change_only_what_they_name():
    base = preset("default")
    assert variant("base") == base
    v = variant("k500+n300+seen+cap3000+ls20")
    assert (v.stage1.i2i_k, v.stage1.i2i_k_negative) == (500, 300)
    assert v.candidates.i2i_over_seen and v.candidates.seen_cap == 3000
    assert v.label_share == pytest.approx(0.2)
    assert v.ranker == base.ranker and v.stage1.two_tower == base.stage1.two_tower
    assert variant("tiny+n5").stage1.two_tower == preset("tiny").stage1.two_tower


@pytest.mark.parametrize("bad", ["k", "x3", "seen7", "base+nope"])
def test_unknown_variants_are_refused(bad):
    with pytest.raises(ValueError, match="unknown variant part"):
        variant(bad)


def test_a_tiny_validation_run_writes_one_result_line(tmp_path, capsys):
    folder = write_generic(generate(SyntheticConfig(n_users=120, n_items=80, seed=3)), tmp_path / "data")
    out = tmp_path / "runs.jsonl"
    assert main(["--data", str(folder), "--variant", "tiny+n5+seen", "--split", "val", "--out", str(out)]) == 0
    (line,) = out.read_text().splitlines()
    result = json.loads(line)
    assert result["variant"] == "tiny+n5+seen" and result["split"] == "val"
    assert 0.0 <= result["metrics"]["ndcg@10"] <= 1.0
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1]) == result
