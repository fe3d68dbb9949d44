"""Item tower of the two-tower retrieval model (Yi et al. 2019, RecSys).

Inputs: item_row [B] int64 (0 = unknown), categories [B, C] int64 category
rows (0-padded), scalars [B, S] float32 raw content scalars (NaN = unknown;
standardised inside). Output: item_embedding [B, D], L2-normalised.
"""

from __future__ import annotations

import torch
from torch import nn

from recsys_training.models.layers import MaskedMeanBag, Standardize, clean_rows, l2_normalize, mlp


class ItemTower(nn.Module):
    def __init__(
        self,
        n_item_rows: int,
        n_category_rows: int,
        scalar_mean: torch.Tensor,
        scalar_std: torch.Tensor,
        dim: int = 64,
        hidden: int = 256,
    ) -> None:
        super().__init__()
        self.n_item_rows = n_item_rows
        self.item = nn.Embedding(n_item_rows, dim, padding_idx=0)
        nn.init.normal_(self.item.weight, std=0.05)
        with torch.no_grad():
            self.item.weight[0].zero_()
        self.categories = MaskedMeanBag(n_category_rows, dim)
        self.scalars = Standardize(scalar_mean, scalar_std)
        n_scalars = int(scalar_mean.numel())
        self.head = mlp([2 * dim + n_scalars, hidden, dim])

    def forward(
        self, item_row: torch.Tensor, categories: torch.Tensor, scalars: torch.Tensor
    ) -> torch.Tensor:
        item = self.item(clean_rows(item_row, self.n_item_rows))
        x = torch.cat([item, self.categories(categories), self.scalars(scalars)], dim=-1)
        return l2_normalize(self.head(x))
