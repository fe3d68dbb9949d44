"""Every preset the CLI offers builds a config; unknown names fail with the list."""

import pytest

from recsys_training.presets import PRESETS, preset
from recsys_training.train import parse_args


def test_every_named_preset_builds():
    configs = {name: preset(name) for name in PRESETS}
    # The demo budget sits between the two others.
    epochs = {name: c.stage1.two_tower.epochs for name, c in configs.items()}
    assert epochs["tiny"] < epochs["demo"] < epochs["default"]


def test_unknown_presets_are_refused():
    with pytest.raises(ValueError, match="default"):
        preset("huge")
    with pytest.raises(SystemExit):
        parse_args(["--out", "x", "--preset", "huge"])
    assert parse_args(["--out", "x", "--preset", "demo"]).preset == "demo"
