"""Models by name, so the runner (and `--models`) can build them.

Baselines register here. The two-stage system registers from its own module,
which is imported only when one of its names is asked for, so evaluation still
runs (reporting those models as unavailable) when that module is missing or broken:

    # recsys_training/two_stage.py
    from recsys_training.evaluate.registry import register
    register("two_stage", lambda options: TwoStageRecommender(options, mmr=False))
"""

from __future__ import annotations

import importlib
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from recsys_training.evaluate.recommender import Recommender


@dataclass(frozen=True)
class ModelOptions:
    quick: bool = False  # tiny budgets (tests, smoke runs)
    device: str = "cpu"
    progress: bool = True


class ModelUnavailable(Exception):
    """A model that cannot run here (missing module, catalogue too large...): reported as skipped."""


Factory = Callable[[ModelOptions], Recommender]
_FACTORIES: dict[str, Factory] = {}
# Names provided by modules outside evaluate/, imported on first use.
LAZY: dict[str, str] = {
    "two_stage": "recsys_training.two_stage",
    "two_stage_mmr": "recsys_training.two_stage",
}
BASELINES = ["random", "toppop", "itemknn", "ease", "bpr"]
CONTENT_ANCHORS = ["content_knn", "content_rating"]  # P4: scored from content alone


def register(name: str, factory: Factory) -> None:
    _FACTORIES[name] = factory


def build(name: str, options: ModelOptions = ModelOptions()) -> Recommender:
    """A fresh model; ModelUnavailable with the reason when it cannot be built."""
    _ensure_baselines()
    if name not in _FACTORIES and name in LAZY:
        try:
            importlib.import_module(LAZY[name])
        except Exception as error:  # any failure in that module makes the model unavailable
            last = traceback.format_exception_only(type(error), error)[-1].strip()
            raise ModelUnavailable(f"cannot import {LAZY[name]}: {last}") from error
    if name not in _FACTORIES:
        known = sorted(set(_FACTORIES) | set(LAZY))
        raise ModelUnavailable(f"unknown model {name!r}; known: {known}")
    model = _FACTORIES[name](options)
    model.name = name
    return model


def names() -> list[str]:
    _ensure_baselines()
    return sorted(set(_FACTORIES) | set(LAZY))


def _ensure_baselines() -> None:
    # Imported here, not at module top, so baselines can import this module.
    importlib.import_module("recsys_training.evaluate.baselines")
