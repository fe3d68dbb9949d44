"""The hashing text encoder is the documented, reproducible function."""

import numpy as np

from recsys_training.text import HashingTextEncoder, embed_texts, fnv1a32, item_text


def test_fnv1a_matches_reference_vectors():
    assert fnv1a32(b"") == 0x811C9DC5
    assert fnv1a32(b"a") == 0xE40C292C
    assert fnv1a32(b"foobar") == 0xBF9CF968


def test_hashing_encoder_follows_the_spec():
    enc = HashingTextEncoder(dim=16)
    v = enc.encode(["Ab ab"])[0]
    want = np.zeros(16)
    for feature in ["ab", "ab", "ab ab"]:
        h = fnv1a32(feature.encode())
        want[h % 16] += -1 if h >> 31 else 1
    np.testing.assert_allclose(v, want / np.linalg.norm(want), atol=1e-6)


def test_item_text_template_and_tag_dedup():
    assert item_text(" Heat ", ["Action", "Crime"], ["a", "a", " ", "b"]) == "Heat. Action, Crime. a, b"


def test_embedding_cache_round_trips(tmp_path):
    enc = HashingTextEncoder(dim=8)
    first = embed_texts(enc, ["one", "two"], tmp_path)
    second = embed_texts(enc, ["two", "three", "one"], tmp_path)
    np.testing.assert_allclose(second[[2, 0]], first)
    assert (tmp_path / "hashing-8.npz").exists()
