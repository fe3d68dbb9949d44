"""Small building blocks shared by the towers, the content encoder and the ranker.

Everything here must export to ONNX with a dynamic batch axis, so ids are
cleaned inside the graph (out-of-range -> 0) instead of trusting callers.
"""

from __future__ import annotations

import torch
from torch import nn


def clean_rows(rows: torch.Tensor, size: int) -> torch.Tensor:
    """Maps ids outside [0, size) to 0, the padding / unknown row.

    Serving may pass rows of items added after training (beyond the vocabulary);
    those must read as unknown rather than index out of bounds.
    """
    bad = (rows < 0) | (rows >= size)
    return torch.where(bad, torch.zeros_like(rows), rows)


class MaskedMeanBag(nn.Module):
    """Mean of the embeddings of the non-zero ids in each row (0 = padding)."""

    def __init__(self, num: int, dim: int) -> None:
        super().__init__()
        self.num = num
        self.embedding = nn.Embedding(num, dim, padding_idx=0)
        nn.init.normal_(self.embedding.weight, std=0.05)
        with torch.no_grad():
            self.embedding.weight[0].zero_()

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        ids = clean_rows(ids, self.num)
        mask = (ids > 0).to(torch.float32).unsqueeze(-1)
        summed = (self.embedding(ids) * mask).sum(dim=1)
        return summed / mask.sum(dim=1).clamp(min=1.0)


class Standardize(nn.Module):
    """(x - mean) / std with missing values (NaN) mapped to 0, i.e. to the mean.

    Living inside the exported graph, it lets serving pass raw feature values
    and NaN for unknowns, so no normalisation code is duplicated in TypeScript.
    """

    def __init__(self, mean: torch.Tensor, std: torch.Tensor) -> None:
        super().__init__()
        self.register_buffer("mean", mean.to(torch.float32).clone())
        self.register_buffer("std", std.to(torch.float32).clamp(min=1e-6).clone())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        z = (x - self.mean) / self.std
        return torch.where(torch.isnan(z), torch.zeros_like(z), z)


def mlp(sizes: list[int], dropout: float = 0.0) -> nn.Sequential:
    """Linear layers with ReLU between them (none after the last)."""
    layers: list[nn.Module] = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
            if dropout > 0:
                layers.append(nn.Dropout(dropout))
    return nn.Sequential(*layers)


def l2_normalize(x: torch.Tensor) -> torch.Tensor:
    # Explicit form (not F.normalize) keeps the exported graph to plain ops.
    return x / torch.sqrt((x * x).sum(dim=-1, keepdim=True) + 1e-12)
