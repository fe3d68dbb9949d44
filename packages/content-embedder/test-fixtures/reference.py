"""Reference values for the content-embedder parity test, computed with the training
package itself (recsys_training.text, features.item_table) and onnxruntime.

stdin: {"mode": "embed", "artifacts": DIR, "items": [{title, categories, tags, numeric}]}
   or: {"mode": "tokens", "texts": [...]}  (MiniLM's own tokenizer, no artifacts needed)
stdout: JSON; NaN is written as null.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np


def _clean(x):
    if isinstance(x, float) and math.isnan(x):
        return None
    if isinstance(x, list):
        return [_clean(v) for v in x]
    return x


def hf_tokenizer(encoder):
    """The tokenizer training's MiniLM encoder runs (sentence-transformers' AutoTokenizer)."""
    return encoder.model.tokenizer


def token_ids(tokenizer, texts: list[str], max_length: int) -> list[list[int]]:
    return [tokenizer(t, truncation=True, max_length=max_length)["input_ids"] for t in texts]


def embed(doc: dict) -> dict:
    import onnxruntime as ort

    from recsys_training.export.manifest import read_manifest
    from recsys_training.features.item_table import category_rows, content_scalars
    from recsys_training.text import item_text, make_text_encoder

    root = Path(doc["artifacts"])
    manifest = read_manifest(root / "manifest.json")
    spec = manifest.text_encoder
    vocab = json.loads((root / "vocab_categories.json").read_text(encoding="utf-8"))
    index = {c: i for i, c in enumerate(vocab)}
    session = ort.InferenceSession(str(root / "content_encoder.onnx"), providers=["CPUExecutionProvider"])
    shapes = {i.name: i.shape for i in session.get_inputs()}
    width = int(shapes["categories"][1])
    scalar_model = next(m for m in manifest.models if m.path == "content_encoder.onnx")
    names = list(next(t for t in scalar_model.inputs if t.name == "scalars").columns)

    items = doc["items"]
    texts = [item_text(it["title"], it["categories"], it["tags"]) for it in items]
    encoder = make_text_encoder(spec.kind)
    text = encoder.encode(texts).astype(np.float32)
    cats = np.array([category_rows(index, it["categories"], width) for it in items], np.int64)
    scalars = np.array(
        [content_scalars(names, it["numeric"], it["tags"], it["categories"]) for it in items], np.float32
    ).reshape(len(items), len(names))
    (vectors,) = session.run(None, {"text_embedding": text, "categories": cats, "scalars": scalars})
    out = {
        "kind": spec.kind,
        "texts": texts,
        "category_rows": cats.tolist(),
        "scalars": _clean(scalars.astype(np.float64).tolist()),
        "text_embeddings": text.astype(np.float64).tolist(),
        "vectors": vectors.astype(np.float64).tolist(),
    }
    if spec.kind == "minilm":
        out["token_ids"] = token_ids(hf_tokenizer(encoder), texts, spec.max_length)
    return out


def tokens(doc: dict) -> dict:
    from recsys_training.text import MiniLMTextEncoder

    encoder = MiniLMTextEncoder()
    model_dir = encoder.model_dir
    # The tokenizer alone: loading the whole sentence-transformer is not needed for ids.
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
    return {
        "vocab": str(model_dir / "vocab.txt"),
        "tokenizer": str(model_dir / "tokenizer.json"),
        "max_length": encoder.max_length,
        "fast": bool(tokenizer.is_fast),
        "token_ids": token_ids(tokenizer, doc["texts"], encoder.max_length),
    }


def main() -> None:
    doc = json.load(sys.stdin)
    result = embed(doc) if doc["mode"] == "embed" else tokens(doc)
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
