"""MovieLens loaders on tiny hand-written files (and ml-latest-small when present)."""

from pathlib import Path

import numpy as np
import pytest

from recsys_training.data import DataError, load

SMALL = Path("/work/shared/data/ml-latest-small")


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> None:
    (folder / name).write_text(text, encoding=encoding)


def test_ml100k(tmp_path: Path) -> None:
    write(tmp_path, "u.data", "2\t20\t5\t881250949\n1\t10\t3\t891717742\n2\t10\t1\t878887116\n")
    flags_a = "|".join(["0", "1"] + ["0"] * 17)
    flags_b = "|".join(["0"] * 5 + ["1"] + ["0"] * 13)
    write(
        tmp_path,
        "u.item",
        f"10|Toy Story (1995)|01-Jan-1995||http://x|{flags_a}\n20|Caf\xe9 (1999)|01-Jan-1999||http://y|{flags_b}\n",
        encoding="latin-1",
    )
    write(tmp_path, "u.user", "1|24|M|technician|85711\n2|53|F|other|94043\n3|23|M|writer|32067\n")
    data = load(tmp_path)
    assert data.name == tmp_path.name
    assert list(data.user_ids) == ["1", "2", "3"]  # user 3 has no ratings but is listed
    assert list(data.items.ids) == ["10", "20"]
    assert data.items.titles[1] == "Caf\xe9 (1999)"
    assert data.items.categories == [["Action"], ["Comedy"]]
    np.testing.assert_array_equal(data.interactions.user, [1, 0, 1])  # file order kept
    np.testing.assert_array_equal(data.interactions.item, [1, 0, 0])
    np.testing.assert_array_equal(data.interactions.timestamp, [881250949000, 891717742000, 878887116000])
    np.testing.assert_array_equal(data.interactions.rating, [5, 3, 1])
    np.testing.assert_array_equal(data.items.numeric["year"], [1995, 1999])
    assert list(data.user_attributes["occupation"]) == ["technician", "other", "writer"]
    assert len(data.data_hash) == 64


def test_ml1m(tmp_path: Path) -> None:
    write(tmp_path, "ratings.dat", "1::1193::5::978300760\n2::661::3::978302109\n")
    write(
        tmp_path,
        "movies.dat",
        "661::James and the Giant Peach (1996)::Animation|Children's|Musical\n"
        "1193::One Flew Over the Cuckoo's Nest (1975)::Drama\n",
        encoding="latin-1",
    )
    data = load(tmp_path)
    assert list(data.items.ids) == ["661", "1193"]
    assert data.items.categories[0] == ["Animation", "Children's", "Musical"]
    np.testing.assert_array_equal(data.interactions.item, [1, 0])
    np.testing.assert_array_equal(data.items.numeric["year"], [1996, 1975])
    assert data.interactions.timestamp[0] == 978300760000


def test_ml_latest_tags_and_genres(tmp_path: Path) -> None:
    ratings = "userId,movieId,rating,timestamp\n5,1,4.5,964982703\n3,2,0.5,964981247\n"
    write(tmp_path, "ratings.csv", ratings)
    write(
        tmp_path,
        "movies.csv",
        'movieId,title,genres\n1,"Toy Story, The (1995)",Adventure|Animation\n'
        "2,Babylon 5,(no genres listed)\n",
    )
    write(tmp_path, "tags.csv", "userId,movieId,tag,timestamp\n5,1,Pixar,1\n3,1,fun,2\n4,1,pixar,3\n")
    data = load(tmp_path)
    assert data.items.titles[0] == "Toy Story, The (1995)"
    assert data.items.categories == [["Adventure", "Animation"], []]
    assert data.items.tags == [["pixar", "fun"], []]  # aggregated, most frequent first
    assert np.isnan(data.items.numeric["year"][1])
    assert list(data.user_ids) == ["3", "5"]
    np.testing.assert_allclose(data.interactions.rating, [4.5, 0.5])


def test_bad_row_names_file_and_line(tmp_path: Path) -> None:
    write(tmp_path, "ratings.csv", "userId,movieId,rating,timestamp\n1,1,4,10\n1,2,four,11\n")
    write(tmp_path, "movies.csv", "movieId,title,genres\n1,A (1990),Drama\n2,B (1991),Drama\n")
    with pytest.raises(DataError) as error:
        load(tmp_path)
    assert error.value.code == "bad_row" and error.value.line == 3
    assert "ratings.csv, line 3" in str(error.value) and "rating" in str(error.value)


def test_unknown_movie_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, "ratings.csv", "userId,movieId,rating,timestamp\n1,1,4,10\n1,9,4,11\n")
    write(tmp_path, "movies.csv", "movieId,title,genres\n1,A (1990),Drama\n")
    with pytest.raises(DataError, match="line 3") as error:
        load(tmp_path)
    assert error.value.code == "unknown_id"


def test_ratings_dat_with_missing_field(tmp_path: Path) -> None:
    write(tmp_path, "ratings.dat", "1::1::5::978300760\n1::1::978300760\n")
    write(tmp_path, "movies.dat", "1::A (1990)::Drama\n")
    with pytest.raises(DataError, match="ratings.dat, line 2"):
        load(tmp_path)


@pytest.mark.skipif(not SMALL.exists(), reason="ml-latest-small not present")
def test_ml_latest_small() -> None:
    data = load(SMALL)
    assert (data.n_users, data.n_items, len(data.interactions)) == (610, 9742, 100836)
    assert data.interactions.user.max() == 609 and data.interactions.item.max() < 9742
    assert sum(1 for t in data.items.tags if t) > 1000
    assert data.items.numeric["year"][0] == 1995


def test_surplus_fields_are_an_error_not_an_index(tmp_path: Path) -> None:
    write(tmp_path, "u.data", "1\t10\t3\t891717742\t7\n2\t10\t1\t878887116\t7\n")
    flags = "|".join(["0", "1"] + ["0"] * 17)
    write(tmp_path, "u.item", f"10|Toy Story (1995)|01-Jan-1995||http://x|{flags}\n", encoding="latin-1")
    with pytest.raises(DataError, match=r"u.data, line 1: expected 4 fields"):
        load(tmp_path)
