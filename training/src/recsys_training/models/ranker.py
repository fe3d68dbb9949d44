"""Wide & Deep ranker (Cheng et al. 2016, DLRS): a linear model over crossed
categorical features plus an MLP over embeddings and dense features, summed
into one logit; sigmoid(score) estimates the probability of an interaction.

Inputs (batch first; ids are int64 with 0 = padding / unknown):
  dense [B, F] float32      raw values in the manifest's column order, NaN = unknown
                            (standardised inside the graph)
  item_row [B]              candidate item row
  item_categories [B, C]    candidate category rows
  user_categories [B, U]    the user's top-U history category rows
  hour, dow, device, surface [B]  as in the user tower
Output: score [B] float32 logit.
Wide crosses: user category x item category and device x item category,
bucket = (a * n_category_rows + b) mod wide_buckets.
"""

from __future__ import annotations

import torch
from torch import nn

from recsys_training.models.layers import MaskedMeanBag, Standardize, clean_rows, mlp

EMB = 16
CONTEXT_DIM = 8


class WideDeepRanker(nn.Module):
    def __init__(
        self,
        dense_mean: torch.Tensor,
        dense_std: torch.Tensor,
        n_item_rows: int,
        n_category_rows: int,
        n_devices: int,
        n_surfaces: int,
        wide_buckets: int,
        hidden: tuple[int, ...] = (128, 64),
        dropout: float = 0.1,
        item_ids: bool = True,
    ) -> None:
        super().__init__()
        n_dense = int(dense_mean.numel())
        self.n_item_rows = n_item_rows
        self.n_category_rows = n_category_rows
        self.wide_buckets = wide_buckets
        self.dense = Standardize(dense_mean, dense_std)
        self.wide_cross = nn.Embedding(wide_buckets, 1)
        self.wide_device = nn.Embedding(wide_buckets, 1)
        self.wide_dense = nn.Linear(n_dense, 1)
        for table in (self.wide_cross, self.wide_device):
            nn.init.zeros_(table.weight)
        # Per-item ids memorise; small catalogs with few users may switch them off.
        self.item = nn.Embedding(n_item_rows if item_ids else 1, EMB, padding_idx=0)
        nn.init.normal_(self.item.weight, std=0.01)
        with torch.no_grad():
            self.item.weight[0].zero_()
        self.item_categories = MaskedMeanBag(n_category_rows, EMB)
        self.user_categories = MaskedMeanBag(n_category_rows, EMB)
        self.hour = nn.Embedding(25, CONTEXT_DIM)
        self.dow = nn.Embedding(8, CONTEXT_DIM)
        self.device = nn.Embedding(max(n_devices, 1), CONTEXT_DIM)
        self.surface = nn.Embedding(max(n_surfaces, 1), CONTEXT_DIM)
        deep_in = n_dense + 3 * EMB + 4 * CONTEXT_DIM
        self.deep = mlp([deep_in, *hidden, 1], dropout=dropout)

    def _cross(self, table: nn.Embedding, left: torch.Tensor, right: torch.Tensor) -> torch.Tensor:
        """Sum of table weights over every (left, right) pair of non-zero ids."""
        a = left.unsqueeze(2)
        b = right.unsqueeze(1)
        bucket = torch.remainder(a * self.n_category_rows + b, self.wide_buckets)
        mask = ((a > 0) & (b > 0)).to(torch.float32)
        return (table(bucket).squeeze(-1) * mask).sum(dim=(1, 2))

    def forward(
        self,
        dense: torch.Tensor,
        item_row: torch.Tensor,
        item_categories: torch.Tensor,
        user_categories: torch.Tensor,
        hour: torch.Tensor,
        dow: torch.Tensor,
        device: torch.Tensor,
        surface: torch.Tensor,
    ) -> torch.Tensor:
        item_categories = clean_rows(item_categories, self.n_category_rows)
        user_categories = clean_rows(user_categories, self.n_category_rows)
        device = clean_rows(device, self.device.num_embeddings)
        z = self.dense(dense)
        wide = (
            self._cross(self.wide_cross, user_categories, item_categories)
            + self._cross(self.wide_device, device.unsqueeze(1), item_categories)
            + self.wide_dense(z).squeeze(-1)
        )
        deep_in = torch.cat(
            [
                z,
                self.item(clean_rows(item_row, self.item.num_embeddings)),
                self.item_categories(item_categories),
                self.user_categories(user_categories),
                self.hour(clean_rows(hour, 25)),
                self.dow(clean_rows(dow, 8)),
                self.device(device),
                self.surface(clean_rows(surface, self.surface.num_embeddings)),
            ],
            dim=-1,
        )
        return wide + self.deep(deep_in).squeeze(-1)
