"""P2 hooks: what a multi-stage model reports about its own stages.

A Recommender that also implements these methods (checked with isinstance at
run time) gets P2 rows; others get only P2's end-to-end metrics. All methods
are called after fit(), on the P1 split, with users in batches.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np
import scipy.sparse as sp


@runtime_checkable
class StageDiagnostics(Protocol):
    def retrieval_recall(
        self, users: np.ndarray, history: sp.csr_matrix, test: sp.csr_matrix, ks: Sequence[int]
    ) -> dict[int, float]:
        """Mean over `users` of |retrieved top-k ∩ test items| / |test items| for each k.

        Retrieval excludes history items. `test` rows align with `users` (binary,
        n_items columns); every row has at least one test item.
        """
        ...

    def ann_recall_at(self, users: np.ndarray, history: sp.csr_matrix, k: int) -> float:
        """Mean overlap |ANN top-k ∩ exact inner-product top-k| / k for these users' queries."""
        ...

    def ranking_ndcg(self, users: np.ndarray, history: sp.csr_matrix, test: sp.csr_matrix, k: int) -> float:
        """nDCG@k (binary gain) of the ranker's order over the retrieved candidates only.

        The ideal DCG counts only the test items among the candidates; the mean is
        over users with at least one test item among their candidates.
        """
        ...
