"""Content encoder: maps an item's content (no id) into the two-tower space.

Used for items with too few interactions and items never seen in training
(the cold-start path, cf. DropoutNet, Volkovs et al. 2017). Inputs:
text_embedding [B, T] float32 (see the manifest's text encoder), categories
[B, C] int64 category rows (0-padded), scalars [B, S] float32 raw (NaN =
unknown). Output: item_embedding [B, D], L2-normalised.
"""

from __future__ import annotations

import torch
from torch import nn

from recsys_training.models.layers import MaskedMeanBag, Standardize, l2_normalize, mlp


class ContentEncoder(nn.Module):
    def __init__(
        self,
        text_dim: int,
        n_category_rows: int,
        scalar_mean: torch.Tensor,
        scalar_std: torch.Tensor,
        dim: int = 64,
        hidden: int = 256,
        dropout: float = 0.1,
    ) -> None:
        super().__init__()
        self.categories = MaskedMeanBag(n_category_rows, dim)
        self.scalars = Standardize(scalar_mean, scalar_std)
        n_scalars = int(scalar_mean.numel())
        self.head = mlp([text_dim + dim + n_scalars, hidden, hidden, dim], dropout=dropout)

    def forward(
        self, text_embedding: torch.Tensor, categories: torch.Tensor, scalars: torch.Tensor
    ) -> torch.Tensor:
        x = torch.cat(
            [text_embedding, self.categories(categories), self.scalars(scalars)], dim=-1
        )
        return l2_normalize(self.head(x))
