"""Exports all-MiniLM-L6-v2 as text_encoder.onnx (token ids -> mean-pooled,
L2-normalised sentence embedding), so serving embeds new items' text exactly
as training did. Tokenisation is BERT uncased WordPiece with the shipped
vocab.txt / tokenizer.json: [CLS] tokens [SEP], truncated to max_length."""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import numpy as np
import torch
from torch import nn

from recsys_training.text import MiniLMTextEncoder


class MeanPooledEncoder(nn.Module):
    def __init__(self, transformer: nn.Module) -> None:
        super().__init__()
        self.transformer = transformer

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        token_type_ids = torch.zeros_like(input_ids)
        hidden = self.transformer(input_ids=input_ids, attention_mask=attention_mask,
                                  token_type_ids=token_type_ids).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
        return pooled / torch.sqrt((pooled * pooled).sum(dim=-1, keepdim=True)).clamp(min=1e-12)


def tokenize(encoder: MiniLMTextEncoder, texts: list[str]) -> dict[str, np.ndarray]:
    tok = encoder.model.tokenizer(texts, padding=True, truncation=True, max_length=encoder.max_length,
                                  return_tensors="np")
    return {"input_ids": tok["input_ids"].astype(np.int64), "attention_mask": tok["attention_mask"].astype(np.int64)}


def export_text_encoder(encoder: MiniLMTextEncoder, out_dir: Path) -> tuple[Path, list[Path]]:
    """Writes text_encoder.onnx plus the tokenizer files; returns (model, tokenizer files)."""
    module = MeanPooledEncoder(encoder.model[0].auto_model).eval()
    sample = tokenize(encoder, ["a short title. Comedy. funny", "another one"])
    path = out_dir / "text_encoder.onnx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            module,
            (torch.from_numpy(sample["input_ids"]), torch.from_numpy(sample["attention_mask"])),
            str(path),
            input_names=["input_ids", "attention_mask"],
            output_names=["text_embedding"],
            dynamic_axes={"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
                          "text_embedding": {0: "batch"}},
            opset_version=17,
            dynamo=False,
        )
    files = []
    for name in ("vocab.txt", "tokenizer.json"):
        target = out_dir / f"text_{name}"
        shutil.copyfile(encoder.model_dir / name, target)
        files.append(target)
    return path, files
