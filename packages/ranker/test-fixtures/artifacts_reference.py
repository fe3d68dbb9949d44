"""Reference ranker inputs and scores on a real artifacts folder, for the ranking
integration test: reads the exported tables with numpy (an independent reader,
not the TypeScript one), computes the inputs with
recsys_training.features.ranker_features, and runs user_tower.onnx and
ranker.onnx with onnxruntime. Prints one JSON document: per request the user,
context, candidate ids, the expected dense matrix and the scores.

Usage: artifacts_reference.py ARTIFACTS_DIR [--users N] [--candidates K] [--seed S]
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import numpy as np
import onnxruntime as ort

from recsys_training.features.history import Histories
from recsys_training.features.item_table import ItemTable
from recsys_training.features.item_to_item import ItemToItem
from recsys_training.features.ranker_features import SessionSpec, ranker_inputs


def load(root: Path) -> dict:
    manifest = json.loads((root / "manifest.json").read_text())
    files = {a["name"]: root / a["path"] for a in manifest["artifacts"]}
    n_rows, dim = int(manifest["itemRows"]), int(manifest["embeddingDim"])
    vocab = {n[len("vocab_"):]: json.loads(p.read_text()) for n, p in files.items() if n.startswith("vocab_")}
    lines = [json.loads(x) for x in files["item_features"].read_text().splitlines() if x.strip()]
    width, n_scalars = len(lines[0]["category_rows"]), len(lines[0]["scalars"])
    cats = np.zeros((n_rows, width), np.int64)
    scalars = np.full((n_rows, n_scalars), np.nan, np.float32)
    counts, decayed = np.zeros(n_rows, np.int64), np.zeros(n_rows, np.float32)
    uses_content = np.zeros(n_rows, bool)
    for line in lines:
        r = line["row"]
        cats[r] = line["category_rows"]
        scalars[r] = [np.nan if v is None else v for v in line["scalars"]]
        counts[r], decayed[r], uses_content[r] = line["count"], line["decayed"], line["uses_content"]
    ranker = next(m for m in manifest["models"] if m["role"] == "MODEL_ROLE_RANKER")
    columns = next(i for i in ranker["inputs"] if i["name"] == "dense")["columns"]
    scalar_names = [c[len("item_"):] for c in columns[14:]]
    items = ItemTable(n_rows - 1, vocab["categories"], cats, scalar_names, scalars, np.zeros(n_scalars, np.float32),
                      np.ones(n_scalars, np.float32), counts, decayed, 30.0, 0)
    length = int(manifest["retrieval"]["historyLength"])
    user_rows = int(manifest["userRows"])
    hist = Histories(np.fromfile(files["user_history_rows"], "<i4").reshape(user_rows, length).astype(np.int64),
                     np.fromfile(files["user_history_timestamps"], "<i8").reshape(user_rows, length))
    k = int(manifest["retrieval"]["neighbours"])
    i2i = ItemToItem(np.fromfile(files["item_neighbours_rows"], "<i4").reshape(n_rows, k),
                     np.fromfile(files["item_neighbours_scores"], "<f4").reshape(n_rows, k))
    emb = np.fromfile(files["item_embeddings"], "<f4").reshape(n_rows, dim)
    s = manifest["session"]
    spec = SessionSpec(gap_ms=int(s["gapSeconds"]) * 1000, last_n=int(s["lastN"]), user_categories=int(s["userCategories"]))
    model = {m["role"]: str(root / m["path"]) for m in manifest["models"]}
    return dict(items=items, hist=hist, i2i=i2i, emb=emb, uses_content=uses_content, spec=spec, vocab=vocab,
                columns=columns, models=model, version=manifest["version"])


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("dir", type=Path)
    p.add_argument("--users", type=int, default=4)
    p.add_argument("--candidates", type=int, default=50)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()
    a = load(args.dir)
    rng = np.random.default_rng(args.seed)
    hist: Histories = a["hist"]
    with_history = np.flatnonzero(hist.lengths > 0)
    user_rows = np.concatenate([rng.choice(with_history, args.users - 1, replace=False), [0]])  # + an unknown user
    n_items = a["items"].n_items
    cands = rng.integers(1, n_items + 1, (len(user_rows), args.candidates))
    cands[:, 0] = 0  # an id the artifacts do not know
    devices, surfaces = a["vocab"]["devices"], a["vocab"]["surfaces"]
    n = len(user_rows)
    context = {"hour": rng.integers(1, 25, n), "dow": rng.integers(1, 8, n),
               "device": rng.integers(0, len(devices), n), "surface": rng.integers(1, len(surfaces), n)}
    users = Histories(hist.rows[user_rows], hist.timestamps[user_rows])
    feeds = {"user_row": user_rows.astype(np.int64), "history_rows": users.rows,
             **{k: np.asarray(v, np.int64) for k, v in context.items()}}
    tower = ort.InferenceSession(a["models"]["MODEL_ROLE_USER_TOWER"])
    user_emb = tower.run(None, feeds)[0]
    inputs = ranker_inputs(users, cands, user_emb, a["emb"], a["items"], a["i2i"], a["uses_content"], context, a["spec"])
    ranker = ort.InferenceSession(a["models"]["MODEL_ROLE_RANKER"])
    scores = ranker.run(None, {i.name: inputs[i.name] for i in ranker.get_inputs()})[0]
    item_ids, user_ids = a["vocab"]["items"], a["vocab"]["users"]
    k = args.candidates
    requests = [{
        "user_id": user_ids[r] if r > 0 else "a-user-training-never-saw",
        "surface": surfaces[context["surface"][u]],
        "device": devices[context["device"][u]],
        "hour_of_day": int(context["hour"][u]) - 1,
        "day_of_week": int(context["dow"][u]),
        "item_ids": [item_ids[c] if c > 0 else "an-item-training-never-saw" for c in cands[u]],
        "dense": [[None if math.isnan(v) else float(v) for v in row] for row in inputs["dense"][u * k:(u + 1) * k]],
        "scores": [float(v) for v in scores[u * k:(u + 1) * k]],
    } for u, r in enumerate(user_rows)]
    print(json.dumps({"version": a["version"], "columns": a["columns"], "requests": requests}))


if __name__ == "__main__":
    main()
