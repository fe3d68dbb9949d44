"""Content-encoder training: regress items' content onto their frozen
interaction-trained embeddings with an in-batch InfoNCE loss (van den Oord et
al. 2018), so cold items land next to warm items that users treat alike
(the alignment idea of DropoutNet, Volkovs et al. 2017)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from tqdm import tqdm

from recsys_training.features.item_table import ItemTable
from recsys_training.models import ContentEncoder
from recsys_training.models.layers import l2_normalize


@dataclass(frozen=True)
class ContentConfig:
    hidden: int = 256
    epochs: int = 60
    batch_size: int = 512
    lr: float = 2e-3
    weight_decay: float = 1e-5
    temperature: float = 0.05
    min_count: int = 5  # items with fewer interactions have too noisy a target
    dropout: float = 0.1


def train_content_encoder(
    text: np.ndarray,
    items: ItemTable,
    targets: np.ndarray,
    cfg: ContentConfig,
    seed: int,
    device: str = "cpu",
) -> ContentEncoder:
    """text: (N+1, T) text embeddings by item row; targets: (N+1, D) frozen
    item-tower embeddings; trains on rows with >= min_count interactions."""
    rng = np.random.default_rng(seed)
    torch.manual_seed(seed)
    dev = torch.device(device)
    dim = targets.shape[1]
    model = ContentEncoder(text.shape[1], items.n_category_rows, torch.from_numpy(items.scalar_mean),
                           torch.from_numpy(items.scalar_std), dim, cfg.hidden, cfg.dropout).to(dev)
    rows = np.flatnonzero(items.counts >= max(cfg.min_count, 1))
    rows = rows[rows > 0]
    if len(rows) < 2:  # nothing to align to: an untrained encoder is still a valid export
        return model.eval()
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    text_t = torch.from_numpy(text).to(dev)
    cats = torch.from_numpy(items.categories).to(dev)
    scalars = torch.from_numpy(items.scalars).to(dev)
    goal = torch.from_numpy(targets).to(dev)
    model.train()
    for _ in tqdm(range(cfg.epochs), desc="content encoder", unit="epoch", leave=False):
        perm = rows[rng.permutation(len(rows))]
        for s in range(0, len(perm), cfg.batch_size):
            r = torch.from_numpy(perm[s : s + cfg.batch_size]).to(dev)
            if len(r) < 2:
                continue
            pred = model(text_t[r], cats[r], scalars[r])
            logits = pred @ l2_normalize(goal[r]).T / cfg.temperature
            labels = torch.arange(len(r), device=dev)
            loss = 0.5 * (torch.nn.functional.cross_entropy(logits, labels)
                          + torch.nn.functional.cross_entropy(logits.T, labels))
            opt.zero_grad()
            loss.backward()
            opt.step()
    return model.eval()


@torch.no_grad()
def embed_content(model: ContentEncoder, text: np.ndarray, items: ItemTable, device: str = "cpu",
                  batch: int = 65536) -> np.ndarray:
    """(N+1, D) content embeddings by item row; row 0 zeros."""
    dev = torch.device(device)
    dim = model.head[-1].out_features
    out = [np.zeros((1, dim), np.float32)]
    for s in range(1, items.n_rows, batch):
        r = np.arange(s, min(s + batch, items.n_rows))
        out.append(model(torch.from_numpy(text[r]).to(dev), torch.from_numpy(items.categories[r]).to(dev),
                         torch.from_numpy(items.scalars[r]).to(dev)).cpu().numpy())
    return np.concatenate(out).astype(np.float32)


def blend_embeddings(tower: np.ndarray, content: np.ndarray, counts: np.ndarray, threshold: int) -> tuple[np.ndarray, np.ndarray]:
    """Served item embeddings: items with < threshold interactions mix in their
    content embedding (weight 1 - count/threshold; content only when unseen).
    Returns (embeddings, uses_content flags)."""
    alpha = np.clip(counts / max(threshold, 1), 0.0, 1.0).astype(np.float32)[:, None]
    mixed = alpha * tower + (1.0 - alpha) * content
    norms = np.linalg.norm(mixed, axis=1, keepdims=True)
    mixed = np.where(norms > 1e-12, mixed / np.maximum(norms, 1e-12), 0.0).astype(np.float32)
    mixed[0] = 0.0
    return mixed, (counts < threshold)
