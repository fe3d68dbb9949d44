"""`python -m recsys_training.train --tiny`: trains, exports, and the artifacts agree
with the manifest and with the exported models."""

import json
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest

from recsys_training.export.files import sha256_of
from recsys_training.export.manifest import read_manifest
from recsys_training.gen.recsys.model.v1 import manifest_pb2 as pb
from recsys_training.text import HashingTextEncoder, item_text
from recsys_training.train import main

WIDTH = {"f32le": 4, "i32le": 4, "i64le": 8}


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("artifacts")
    assert main(["--tiny", "--out", str(folder), "--seed", "1"]) == 0
    return folder


def run(out: Path, role: int, feed: dict) -> np.ndarray:
    m = read_manifest(out / "manifest.json")
    path = next(x.path for x in m.models if x.role == role)
    return ort.InferenceSession(str(out / path), providers=["CPUExecutionProvider"]).run(None, feed)[0]


def test_manifest_lists_every_file_with_its_checksum_and_rows(out: Path):
    m = read_manifest(out / "manifest.json")
    assert m.version and m.created_at.endswith("Z") and m.data_hash and m.embedding_dim > 0
    assert {x.role for x in m.models} >= {pb.MODEL_ROLE_USER_TOWER, pb.MODEL_ROLE_ITEM_TOWER,
                                          pb.MODEL_ROLE_CONTENT_ENCODER, pb.MODEL_ROLE_RANKER}
    for model in m.models:
        assert sha256_of(out / model.path) == model.sha256
        assert all(t.shape[0] == -1 for t in [*model.inputs, *model.outputs])
    cols = {"item_embeddings": m.embedding_dim, "item_neighbours_rows": m.retrieval.neighbours,
            "item_neighbours_scores": m.retrieval.neighbours, "user_history_rows": m.retrieval.history_length,
            "user_history_timestamps": m.retrieval.history_length, "ivf_centroids": m.embedding_dim, "ivf_lists": 1,
            "user_seen_offsets": 1, "user_seen_rows": 1}
    for a in m.artifacts:
        path = out / a.path
        assert sha256_of(path) == a.sha256
        if a.format in WIDTH:
            assert path.stat().st_size == a.rows * cols[a.name] * WIDTH[a.format]
    assert m.index.nlist > 0 and 0 < m.index.nprobe <= m.index.nlist and m.index.count == m.item_rows - 1
    ranker = next(x for x in m.models if x.role == pb.MODEL_ROLE_RANKER)
    dense = [f for f in m.features if f.name.startswith("ranker.")]
    assert [f.name[7:] for f in dense] == list(ranker.inputs[0].columns)
    assert all(f.normalized_in_model and f.std > 0 for f in dense)
    assert "val.ranker_ndcg@10" in m.metrics and m.params["seed"] == "1"


def test_seen_sets_hold_every_item_of_each_user_and_contain_the_history(out: Path):
    m = read_manifest(out / "manifest.json")
    offsets = np.fromfile(out / "user_seen_offsets.i64", "<i8")
    rows = np.fromfile(out / "user_seen_rows.i32", "<i4")
    history = np.fromfile(out / "user_history_rows.i32", "<i4").reshape(-1, m.retrieval.history_length)
    assert offsets[0] == 0 and offsets[1] == 0 and offsets[-1] == len(rows) and (np.diff(offsets) >= 0).all()
    assert len(offsets) == history.shape[0] + 1 and rows.min() >= 1 and rows.max() < m.item_rows
    for u in range(1, history.shape[0]):
        seen = rows[offsets[u] : offsets[u + 1]]
        assert (np.diff(seen) > 0).all() and set(history[u][history[u] > 0]) <= set(seen)


def test_item_embeddings_are_the_item_tower_or_the_content_encoder(out: Path):
    m = read_manifest(out / "manifest.json")
    emb = np.fromfile(out / "item_embeddings.f32", "<f4").reshape(m.item_rows, m.embedding_dim)
    items = [json.loads(line) for line in (out / "item_features.jsonl").read_text().splitlines()]
    assert [x["row"] for x in items] == list(range(1, m.item_rows)) and not emb[0].any()
    rows = np.array([x["row"] for x in items])
    cats = np.array([x["category_rows"] for x in items], np.int64)
    scalars = np.array([[np.nan if v is None else v for v in x["scalars"]] for x in items], np.float32)
    tower = run(out, pb.MODEL_ROLE_ITEM_TOWER, {"item_row": rows, "categories": cats, "scalars": scalars})
    warm = np.array([x["count"] >= m.cold_item_threshold for x in items])
    assert warm.any()
    np.testing.assert_allclose(emb[rows[warm]], tower[warm], atol=1e-5)
    text = HashingTextEncoder(m.text_encoder.dim).encode(
        [item_text(x["title"], x["categories"], x["tags"]) for x in items])
    content = run(out, pb.MODEL_ROLE_CONTENT_ENCODER, {"text_embedding": text, "categories": cats, "scalars": scalars})
    unseen = np.array([x["count"] == 0 for x in items])
    np.testing.assert_allclose(emb[rows[unseen]], content[unseen], atol=1e-5)


def test_vocabularies_map_external_ids_to_rows(out: Path):
    items = json.loads((out / "vocab_items.json").read_text())
    features = [json.loads(line) for line in (out / "item_features.jsonl").read_text().splitlines()]
    assert items[0] == "" and all(items[x["row"]] == x["id"] for x in features)
    users = json.loads((out / "vocab_users.json").read_text())
    assert users[0] == "" and len(users) == read_manifest(out / "manifest.json").user_rows


def test_cli_rejects_a_folder_in_no_known_format(tmp_path: Path, capsys):
    (tmp_path / "data").mkdir()
    assert main(["--data", str(tmp_path / "data"), "--out", str(tmp_path / "o"), "--tiny"]) == 2
    assert "no known data format" in capsys.readouterr().err
