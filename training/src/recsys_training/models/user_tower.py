"""User tower of the two-tower retrieval model (Covington et al. 2016; Yi et al. 2019).

Inputs (all int64, batch first; 0 = padding / unknown everywhere):
  user_row [B]        user vocabulary row, 0 for users unseen in training
  history_rows [B, L] the user's most recent item rows, newest first, 0-padded
  hour [B]            hour of day + 1 (1..24), 0 unknown
  dow [B]             ISO day of week 1..7, 0 unknown
  device, surface [B] context vocabulary rows, 0 unknown
Output: user_embedding [B, D], L2-normalised.
"""

from __future__ import annotations

import torch
from torch import nn

from recsys_training.models.layers import MaskedMeanBag, clean_rows, l2_normalize, mlp

CONTEXT_DIM = 8


class UserTower(nn.Module):
    def __init__(
        self,
        n_user_rows: int,
        n_item_rows: int,
        n_devices: int,
        n_surfaces: int,
        dim: int = 64,
        hidden: int = 256,
    ) -> None:
        super().__init__()
        self.n_user_rows = n_user_rows
        self.user = nn.Embedding(n_user_rows, dim)
        nn.init.normal_(self.user.weight, std=0.05)
        self.history = MaskedMeanBag(n_item_rows, dim)
        self.hour = nn.Embedding(25, CONTEXT_DIM)
        self.dow = nn.Embedding(8, CONTEXT_DIM)
        self.device = nn.Embedding(max(n_devices, 1), CONTEXT_DIM)
        self.surface = nn.Embedding(max(n_surfaces, 1), CONTEXT_DIM)
        for table in (self.hour, self.dow, self.device, self.surface):
            nn.init.normal_(table.weight, std=0.05)
        self.head = mlp([2 * dim + 4 * CONTEXT_DIM, hidden, dim])

    def forward(
        self,
        user_row: torch.Tensor,
        history_rows: torch.Tensor,
        hour: torch.Tensor,
        dow: torch.Tensor,
        device: torch.Tensor,
        surface: torch.Tensor,
    ) -> torch.Tensor:
        return self.combine(self.user(clean_rows(user_row, self.n_user_rows)), self.history(history_rows),
                            self.context(hour, dow, device, surface))

    def context(self, hour: torch.Tensor, dow: torch.Tensor, device: torch.Tensor, surface: torch.Tensor) -> torch.Tensor:
        return torch.cat(
            [
                self.hour(clean_rows(hour, 25)),
                self.dow(clean_rows(dow, 8)),
                self.device(clean_rows(device, self.device.num_embeddings)),
                self.surface(clean_rows(surface, self.surface.num_embeddings)),
            ],
            dim=-1,
        )

    def combine(self, user: torch.Tensor, history: torch.Tensor, context: torch.Tensor) -> torch.Tensor:
        """Head over the parts; training pools each user's history once and reuses it per target."""
        return l2_normalize(self.head(torch.cat([user, history, context], dim=-1)))
