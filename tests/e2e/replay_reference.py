"""Offline two-stage top k for the e2e replay test, computed with training's own code on an
exported artifacts folder: candidates by recsys_training.candidates.gather_candidates (ANN on
the user tower, item-to-item over the history, popular, minus the history), ranker inputs by
recsys_training.features.ranker_features (through the ranker's artifacts reader in
packages/ranker/test-fixtures), scores by ranker.onnx in onnxruntime, then the k best.

    python replay_reference.py ARTIFACTS_DIR HOUR DOW K USER_ID...

HOUR (0-23, UTC) and DOW (1-7, Monday 1) are the request's clock, as the gateway sends it; the
surface is home and the device unknown. Prints {"user_id": [k item ids, best first], ...}.
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
from recsys_training.features.history import Histories
from recsys_training.features.ranker_features import ranker_inputs

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "packages/ranker/test-fixtures"))
from artifacts_reference import load  # noqa: E402  (the ranker's independent artifacts reader)


def main(argv: list[str]) -> int:
    if len(argv) < 5:
        print(__doc__, file=sys.stderr)
        return 2
    root = Path(argv[0])
    hour, dow, k = int(argv[1]), int(argv[2]), int(argv[3])
    if not (0 <= hour <= 23 and 1 <= dow <= 7 and k >= 1):
        print("HOUR must be 0-23, DOW 1-7 and K at least 1", file=sys.stderr)
        return 2
    users = argv[4:]
    a = load(root)
    manifest = json.loads((root / "manifest.json").read_text())
    retrieval = manifest["retrieval"]
    config = CandidateConfig(int(retrieval["annK"]), int(retrieval["i2iK"]), int(retrieval["popularK"]))
    index = faiss.read_index(str(root / manifest["index"]["path"]))
    ann = AnnIndex(index, manifest["index"]["nlist"], manifest["index"]["nprobe"], int(manifest["index"]["count"]))
    popular = np.array([r for r, _ in json.loads((root / "popularity.json").read_text())["global"]], np.int64)
    user_ids, item_ids = a["vocab"]["users"], a["vocab"]["items"]
    hist: Histories = a["hist"]
    tower = ort.InferenceSession(a["models"]["MODEL_ROLE_USER_TOWER"], providers=["CPUExecutionProvider"])
    ranker = ort.InferenceSession(a["models"]["MODEL_ROLE_RANKER"], providers=["CPUExecutionProvider"])
    surface = a["vocab"]["surfaces"].index("home")
    # Every item each user touched in training (CSR by user row), never a candidate.
    offsets = np.fromfile(root / "user_seen_offsets.i64", "<i8")
    seen_rows = np.fromfile(root / "user_seen_rows.i32", "<i4")
    seen = sp.csr_matrix((np.ones(len(seen_rows)), seen_rows - 1, offsets),
                         shape=(len(offsets) - 1, a["emb"].shape[0] - 1))
    out: dict[str, list[str]] = {}
    for user in users:
        row = user_ids.index(user) if user in user_ids else 0
        one = Histories(hist.rows[[row]], hist.timestamps[[row]])
        context = {"hour": np.array([hour + 1]), "dow": np.array([dow]), "device": np.array([0]),
                   "surface": np.array([surface])}
        feeds = {"user_row": np.array([row], np.int64), "history_rows": one.rows,
                 **{name: np.asarray(v, np.int64) for name, v in context.items()}}
        user_emb = tower.run(None, feeds)[0]
        cand = gather_candidates(user_emb, one.rows, a["emb"], a["i2i"], popular, config, ann,
                                 seen=seen[[row]])[0]
        cand = cand[cand > 0][None, :]
        inputs = ranker_inputs(one, cand, user_emb, a["emb"], a["items"], a["i2i"], a["uses_content"],
                               context, a["spec"])
        scores = ranker.run(None, {i.name: inputs[i.name] for i in ranker.get_inputs()})[0].reshape(-1)
        best = np.argsort(-scores, kind="stable")[:k]
        out[user] = [item_ids[int(cand[0, i])] for i in best]
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
