"""The ranker feature reference implementation on hand-made cases."""

import numpy as np

from recsys_training.data.types import Interactions, Items
from recsys_training.features.history import Histories, build_histories
from recsys_training.features.item_table import build_item_table
from recsys_training.features.item_to_item import ItemToItem, aggregate
from recsys_training.features.ranker_features import BASE_COLUMNS, SessionSpec, ranker_inputs, session_mask

MIN = 60_000


def small_items() -> Items:
    return Items(ids=np.array(["a", "b", "c", "d"], dtype=object), titles=["A", "B", "C", "D"],
                 categories=[["x"], ["x", "y"], ["y"], []], tags=[["t"], [], [], []],
                 numeric={"year": np.array([2000, np.nan, 2010, 1990], np.float32)})


def test_histories_are_newest_first_and_padded():
    h = build_histories(np.array([0, 0, 0, 1]), np.array([0, 1, 2, 3]), np.array([5, 9, 7, 1]), 3, 2)
    assert h.rows.tolist() == [[2, 3], [4, 0], [0, 0]]
    assert h.timestamps[0].tolist() == [9, 7]


def test_session_is_the_newest_run_without_long_gaps():
    ts = np.array([[100 * MIN, 90 * MIN, 10 * MIN, 5 * MIN]])
    mask = session_mask(Histories(np.array([[1, 2, 3, 4]]), ts), 30 * MIN)
    assert mask.tolist() == [[True, True, False, False]]


def test_item_to_item_aggregation_sums_maxes_and_counts():
    table = ItemToItem(rows=np.array([[0, 0], [2, 3], [3, 0], [0, 0]], np.int32),
                       scores=np.array([[0, 0], [0.5, 0.2], [0.4, 0], [0, 0]], np.float32))
    agg = aggregate(table, np.array([[1, 2, 0]]))
    s, m, c = agg.lookup(np.array([[3, 2, 1]]))
    assert np.allclose(s, [[0.6, 0.5, 0.0]]) and np.allclose(m, [[0.4, 0.5, 0.0]]) and np.allclose(c, [[2, 1, 0]])
    assert agg.top(1, exclude=np.array([[1, 2]])).tolist() == [[3]]


def test_ranker_inputs_columns_follow_the_contract():
    items = build_item_table(small_items(), Interactions(np.array([0, 1, 1]), np.array([0, 0, 1]),
                                                         np.array([1, 2, 3]) * MIN))
    emb = np.eye(5, 4, dtype=np.float32)[[0, 1, 1, 2, 3]]  # rows 1 and 2 identical
    emb[0] = 0
    hist = Histories(np.array([[1, 0]]), np.array([[10 * MIN, 0]]))
    table = ItemToItem(rows=np.array([[0], [2], [0], [0], [0]], np.int32),
                       scores=np.array([[0], [0.7], [0], [0], [0]], np.float32))
    ctx = {k: np.array([1]) for k in ("hour", "dow", "device", "surface")}
    out = ranker_inputs(hist, np.array([[2, 3]]), emb[[1]], emb, items, table, np.array([0, 0, 0, 1, 1], bool),
                        ctx, SessionSpec())
    dense = out["dense"]
    col = {name: dense[:, i] for i, name in enumerate(BASE_COLUMNS)}
    assert dense.shape == (2, len(BASE_COLUMNS) + len(items.scalar_names))
    assert np.allclose(col["retrieval_score"], [1, 0]) and np.allclose(col["i2i_sum"], [0.7, 0])
    assert np.allclose(col["last_items_sim_max"], [1, 0]) and np.allclose(col["session_click_count"], [1, 1])
    # history: row 1 (x). Candidate row 2 is x, y (affinity 1); row 3 is y only (0).
    assert np.allclose(col["user_category_affinity"], [1, 0]) and np.allclose(col["item_uses_content"], [0, 1])
    assert np.allclose(col["item_log_count"], np.log1p([1, 0]))
    assert out["item_row"].tolist() == [2, 3] and out["user_categories"].tolist() == [[1, 0, 0]] * 2
