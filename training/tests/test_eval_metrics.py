"""Metric values on hand-computed cases."""

import math

import numpy as np
import pytest
import scipy.sparse as sp

from recsys_training.evaluate import beyond
from recsys_training.evaluate.metrics import auc, hits_of, per_user_auc, ranking_metrics
from recsys_training.evaluate.recommender import top_k


def truth_rows(rows: list[list[int]], n_items: int = 10) -> sp.csr_matrix:
    data = [(r, c) for r, cols in enumerate(rows) for c in cols]
    r, c = zip(*data, strict=True)
    return sp.csr_matrix((np.ones(len(r)), (r, c)), shape=(len(rows), n_items))


def test_ranking_metrics_by_hand() -> None:
    recs = np.array([[1, 2, 3, 4], [5, 6, 7, -1]])
    truth = truth_rows([[2, 4, 9], [7]])
    hits = hits_of(recs, truth)
    np.testing.assert_array_equal(hits, [[False, True, False, True], [False, False, True, False]])
    m = ranking_metrics(hits, np.diff(truth.indptr), 4)
    assert m["precision@4"] == pytest.approx([0.5, 0.25])
    assert m["recall@4"] == pytest.approx([2 / 3, 1.0])
    dcg = 1 / math.log2(3) + 1 / math.log2(5)
    idcg = 1 + 1 / math.log2(3) + 1 / math.log2(4)
    assert m["ndcg@4"] == pytest.approx([dcg / idcg, (1 / math.log2(4)) / 1.0])
    assert m["map@4"] == pytest.approx([(1 / 2 + 2 / 4) / 3, (1 / 3) / 1])


def test_ideal_dcg_uses_at_most_k_slots() -> None:
    recs = np.array([[0, 1]])
    truth = truth_rows([[0, 1, 2, 3]])
    m = ranking_metrics(hits_of(recs, truth), np.array([4]), 2)
    assert m["ndcg@2"] == pytest.approx([1.0]) and m["recall@2"] == pytest.approx([0.5])


def test_auc_with_ties_and_per_user() -> None:
    assert auc(np.array([0.1, 0.4, 0.35, 0.8]), np.array([False, False, True, True])) == pytest.approx(0.75)
    assert auc(np.array([1.0, 1.0]), np.array([True, False])) == pytest.approx(0.5)
    assert math.isnan(auc(np.array([1.0, 2.0]), np.array([True, True])))
    user = np.array([1, 0, 1, 0, 2])
    values = per_user_auc(
        user, np.array([0.9, 0.2, 0.1, 0.8, 0.5]), np.array([True, False, False, True, True])
    )
    np.testing.assert_allclose(sorted(values), [1.0, 1.0])  # user 2 has one class: left out


def test_top_k_masks_history_and_exclusions() -> None:
    scores = np.array([[5.0, 4.0, 3.0, 2.0, 1.0]], dtype=np.float32)
    history = sp.csr_matrix(np.array([[1, 0, 0, 0, 0]]))
    exclude = np.array([False, False, True, False, False])
    np.testing.assert_array_equal(top_k(scores.copy(), history, 3, exclude), [[1, 3, 4]])
    np.testing.assert_array_equal(top_k(scores.copy(), history, 5, exclude), [[1, 3, 4, -1, -1]])
    np.testing.assert_array_equal(top_k(scores[:, :2].copy(), history[:, :2], 4), [[1, -1, -1, -1]])


def test_beyond_accuracy() -> None:
    recs = np.array([[0, 1], [1, 2]])
    assert beyond.coverage(recs, 6) == pytest.approx(0.5)
    head = beyond.head_items(np.array([10.0, 0, 0, 5, 1, 0, 0, 0, 0, 0]), np.ones(10, dtype=bool))
    np.testing.assert_array_equal(np.flatnonzero(head), [0, 3])  # top 20% of 10 items
    assert beyond.long_tail_share(recs, head) == pytest.approx(3 / 4)
    cats = beyond.category_matrix([["a"], ["a", "b"], ["c"]])
    np.testing.assert_array_equal(beyond.distinct_categories(recs, cats), [2, 3])
    emb = np.array([[1.0, 0.0], [0.0, 2.0], [0.0, 1.0]])
    np.testing.assert_allclose(
        beyond.intra_list_distance(np.array([[0, 1], [1, 2], [0, -1]]), emb), [1.0, 0.0, np.nan]
    )
