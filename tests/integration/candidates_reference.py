"""Offline reference for tests/integration/candidates.test.ts: the trainer's own candidate
generation (recsys_training.candidates.gather_candidates: ANN on the user tower, item-to-item
over the history, popular, minus everything the user touched in training), run on an exported
artifacts folder.

    python candidates_reference.py ARTIFACTS_DIR ANN_K I2I_K POPULAR_K SURFACE_ROW USER_ID...

Prints {"user_id": [item ids in candidate order], ...} as JSON. The context is unknown
(hour, dow, device 0) except the surface row, as the test sends it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import faiss
import numpy as np
import onnxruntime as ort
import scipy.sparse as sp

from recsys_training.ann_index import AnnIndex
from recsys_training.candidates import CandidateConfig, gather_candidates
from recsys_training.features.item_to_item import ItemToItem


def main(argv: list[str]) -> int:
    root = Path(argv[0])
    ann_k, i2i_k, popular_k, surface = (int(x) for x in argv[1:5])
    users = argv[5:]
    manifest = json.loads((root / "manifest.json").read_text())
    dim, n_rows = manifest["embeddingDim"], int(manifest["itemRows"])
    length = manifest["retrieval"]["historyLength"]
    item_emb = np.fromfile(root / "item_embeddings.f32", "<f4").reshape(n_rows, dim)
    k = manifest["retrieval"]["neighbours"]
    i2i = ItemToItem(np.fromfile(root / "item_neighbours_rows.i32", "<i4").reshape(n_rows, k),
                     np.fromfile(root / "item_neighbours_scores.f32", "<f4").reshape(n_rows, k))
    hist_all = np.fromfile(root / "user_history_rows.i32", "<i4").reshape(-1, length).astype(np.int64)
    vocab_users = json.loads((root / "vocab_users.json").read_text())
    items = json.loads((root / "vocab_items.json").read_text())
    popular = np.array([r for r, _ in json.loads((root / "popularity.json").read_text())["global"]], np.int64)
    index = faiss.read_index(str(root / manifest["index"]["path"]))
    ann = AnnIndex(index, manifest["index"]["nlist"], manifest["index"]["nprobe"], int(manifest["index"]["count"]))

    rows = np.array([vocab_users.index(u) if u in vocab_users else 0 for u in users], np.int64)
    hist = hist_all[rows]
    # The whole seen set (CSR by user row, item rows), as [users, n_items] by item index.
    offsets = np.fromfile(root / "user_seen_offsets.i64", "<i8")
    seen_rows = np.fromfile(root / "user_seen_rows.i32", "<i4")
    every = sp.csr_matrix((np.ones(len(seen_rows)), seen_rows - 1, offsets), shape=(len(offsets) - 1, n_rows - 1))
    seen = every[rows]
    session = ort.InferenceSession(str(root / "user_tower.onnx"), providers=["CPUExecutionProvider"])
    zeros = np.zeros(len(users), np.int64)
    feeds = {"user_row": rows, "history_rows": hist, "hour": zeros, "dow": zeros, "device": zeros,
             "surface": np.full(len(users), surface, np.int64)}
    user_emb = session.run(["user_embedding"], feeds)[0]
    cand = gather_candidates(user_emb, hist, item_emb, i2i, popular, CandidateConfig(ann_k, i2i_k, popular_k), ann,
                             seen=seen)
    out = {u: [items[r] for r in c if r > 0] for u, c in zip(users, cand)}
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
