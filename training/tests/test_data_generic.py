"""Generic format: loading, validation, auto-detection and the writer round trip."""

from pathlib import Path

import numpy as np
import pytest

from recsys_training.data import DataError, detect, load
from recsys_training.data.synthetic import SyntheticConfig, generate
from recsys_training.data.writer import write_generic


def test_generic_minimal_and_full(tmp_path: Path) -> None:
    (tmp_path / "interactions.csv").write_text(
        "user_id,item_id,timestamp,weight\nbob,b,1700000000,2\nalice,a,1700000001,1\n"
    )
    (tmp_path / "items.csv").write_text(
        'item_id,title,categories,tags,price\nb,"Book, the",fiction|drama,,9.5\na,Apple,food,red|fruit,\n'
    )
    data = load(tmp_path)
    assert list(data.user_ids) == ["alice", "bob"]
    assert list(data.items.ids) == ["b", "a"]
    np.testing.assert_array_equal(data.interactions.user, [1, 0])
    np.testing.assert_array_equal(data.interactions.item, [0, 1])
    np.testing.assert_array_equal(data.interactions.timestamp, [1700000000000, 1700000001000])
    assert data.items.categories == [["fiction", "drama"], ["food"]]
    assert data.items.tags == [[], ["red", "fruit"]]
    assert data.items.numeric["price"][0] == pytest.approx(9.5) and np.isnan(data.items.numeric["price"][1])
    np.testing.assert_allclose(data.interactions.weight, [2, 1])


def test_iso_timestamps(tmp_path: Path) -> None:
    (tmp_path / "interactions.csv").write_text(
        "user_id,item_id,timestamp\nu,a,2024-01-01T00:00:00Z\nu,b,2024-01-01T00:00:01.5Z\n"
    )
    data = load(tmp_path)
    np.testing.assert_array_equal(data.interactions.timestamp, [1704067200000, 1704067201500])
    assert data.items.titles == ["", ""]


def test_mixed_timestamp_is_a_row_error(tmp_path: Path) -> None:
    (tmp_path / "interactions.csv").write_text("user_id,item_id,timestamp\nu,a,1700000000\nu,b,yesterday\n")
    with pytest.raises(DataError, match="interactions.csv, line 3"):
        load(tmp_path)


def test_non_numeric_extra_item_column(tmp_path: Path) -> None:
    (tmp_path / "interactions.csv").write_text("user_id,item_id,timestamp\nu,a,1\n")
    (tmp_path / "items.csv").write_text("item_id,title,price\na,A,cheap\n")
    with pytest.raises(DataError, match="items.csv, line 2.*price"):
        load(tmp_path)


def test_missing_column(tmp_path: Path) -> None:
    (tmp_path / "interactions.csv").write_text("user,item_id,timestamp\nu,a,1\n")
    with pytest.raises(DataError, match="missing column") as error:
        load(tmp_path)
    assert error.value.code == "missing_column"


def test_unknown_folder_names_every_format(tmp_path: Path) -> None:
    (tmp_path / "readme.txt").write_text("hi")
    with pytest.raises(DataError) as error:
        detect(tmp_path)
    message = str(error.value)
    for name in ("u.data", "ratings.dat", "movies.csv", "interactions.csv", "readme.txt"):
        assert name in message
    assert error.value.code == "unknown_format"


def test_synthetic_round_trip(tmp_path: Path) -> None:
    data = generate(SyntheticConfig(n_users=40, n_items=30, seed=3))
    write_generic(data, tmp_path)
    back = load(tmp_path)
    assert detect(tmp_path) == "generic"
    assert list(back.user_ids) == list(data.user_ids) and list(back.items.ids) == list(data.items.ids)
    for name in ("user", "item", "timestamp"):
        np.testing.assert_array_equal(getattr(back.interactions, name), getattr(data.interactions, name))
    np.testing.assert_allclose(back.interactions.watch_seconds, data.interactions.watch_seconds, rtol=1e-5)
    assert back.items.titles == data.items.titles and back.items.tags == data.items.tags
    assert back.items.categories == data.items.categories
    np.testing.assert_array_equal(back.items.created_at, data.items.created_at)
    np.testing.assert_array_equal(back.items.numeric["year"], data.items.numeric["year"])
    assert back.impressions is not None and data.impressions is not None
    np.testing.assert_array_equal(back.impressions.clicked, data.impressions.clicked)
    np.testing.assert_array_equal(back.impressions.session, data.impressions.session)
    assert [back.devices[d] for d in back.impressions.device] == [
        data.devices[d] for d in data.impressions.device
    ]
    assert [back.regions[r] for r in back.user_region] == [data.regions[r] for r in data.user_region]
