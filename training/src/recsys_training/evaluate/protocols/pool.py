"""Fitting models for a protocol: build by name, fit per seed, skip what cannot run.

Deterministic models are fitted (and evaluated) once per split and reused for
the other seeds. A model that is unavailable (ModelUnavailable) or, for models
from outside evaluate/, one that fails, is recorded as skipped with its reason
instead of stopping the whole evaluation.
"""

from __future__ import annotations

import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from recsys_training.data.types import Dataset
from recsys_training.evaluate.recommender import Recommender
from recsys_training.evaluate.registry import BASELINES, CONTENT_ANCHORS, ModelOptions, ModelUnavailable, build

Metrics = dict[str, float]


@dataclass
class ModelPool:
    options: ModelOptions
    skipped: dict[str, str] = field(default_factory=dict)  # model -> reason
    params: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)  # model -> fit + evaluation time
    _memo: dict[tuple[str, str], Metrics] = field(default_factory=dict)

    def evaluate(
        self, name: str, split_key: str, train: Dataset, seed: int, measure: Callable[[Recommender], Metrics]
    ) -> Metrics | None:
        """Fits `name` on `train` with `seed` and returns measure(model); None when skipped."""
        if name in self.skipped:
            return None
        if (name, split_key) in self._memo:
            return self._memo[(name, split_key)]
        began = time.perf_counter()
        try:
            model = build(name, self.options)
            model.fit(train, seed)
            metrics = measure(model)
        except ModelUnavailable as error:
            self.skipped[name] = str(error)
            return None
        except Exception as error:
            if name in BASELINES or name in CONTENT_ANCHORS:
                raise  # a failing baseline is a bug in this package: surface it
            traceback.print_exc(file=sys.stderr)
            self.skipped[name] = f"failed: {type(error).__name__}: {error}"
            return None
        self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - began
        self.params.setdefault(name, []).append(dict(getattr(model, "params", {}) or {}))
        if model.deterministic:
            self._memo[(name, split_key)] = metrics
        return metrics

    def forget(self, split_key: str) -> None:
        self._memo = {k: v for k, v in self._memo.items() if k[1] != split_key}
