"""Two-tower training: sampled softmax over in-batch plus uniform negatives with
logQ correction (Yi et al. 2019, RecSys; mixed negatives: Yang et al. 2020, WWW),
temperature-scaled cosine logits and word2vec-style popular-item downsampling
(Mikolov et al. 2013)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from tqdm import tqdm

from recsys_training.context import drop_context
from recsys_training.features.history import build_histories
from recsys_training.features.item_table import ItemTable
from recsys_training.models import ItemTower, UserTower


@dataclass(frozen=True)
class TwoTowerConfig:
    dim: int = 64
    hidden: int = 256
    epochs: int = 30
    user_batch: int = 128
    max_targets: int = 32  # per user and epoch, so heavy users do not dominate
    uniform_negatives: int = 1024
    lr: float = 2e-3
    temperature: float = 0.05
    history_length: int = 100
    # Each epoch hides a random share of every user's interactions and predicts
    # them from the rest (the serving situation: history -> next items).
    target_share: tuple[float, float] = (0.1, 0.5)
    user_dropout: float = 0.1  # teaches row 0 (unknown user): new users rely on history
    context_dropout: float = 0.5
    downsample: float = 1e-3  # keep prob min(1, sqrt(t / freq)); 0 disables


def _keep_mask(item: np.ndarray, t: float, rng: np.random.Generator) -> np.ndarray:
    if t <= 0:
        return np.ones(len(item), bool)
    freq = np.bincount(item) / len(item)
    keep = np.minimum(1.0, np.sqrt(t / np.maximum(freq[item], 1e-12)))
    return rng.random(len(item)) < keep


def _epoch_split(user: np.ndarray, n_users: int, cfg: TwoTowerConfig, rng: np.random.Generator) -> np.ndarray:
    lo, hi = cfg.target_share
    share = rng.uniform(lo, hi, n_users)
    return rng.random(len(user)) < share[user]


def _cap_per_user(idx: np.ndarray, user: np.ndarray, cap: int, rng: np.random.Generator) -> np.ndarray:
    """At most `cap` random entries of idx per user, sorted by user."""
    order = np.lexsort((rng.random(len(idx)), user[idx]))
    idx = idx[order]
    u = user[idx]
    first = np.searchsorted(u, u)
    return idx[np.arange(len(idx)) - first < cap]


def train_two_tower(
    user: np.ndarray,
    item: np.ndarray,
    timestamp: np.ndarray,
    context: dict[str, np.ndarray],
    n_users: int,
    items: ItemTable,
    n_devices: int,
    n_surfaces: int,
    cfg: TwoTowerConfig,
    seed: int,
    device: str = "cpu",
) -> tuple[UserTower, ItemTower]:
    """Trains on interactions (user idx, item idx, ms timestamp, per-row context)."""
    rng = np.random.default_rng(seed)
    torch.manual_seed(seed)
    dev = torch.device(device)
    user_tower = UserTower(n_users + 1, items.n_rows, n_devices, n_surfaces, cfg.dim, cfg.hidden).to(dev)
    item_tower = ItemTower(items.n_rows, items.n_category_rows, torch.from_numpy(items.scalar_mean),
                           torch.from_numpy(items.scalar_std), cfg.dim, cfg.hidden).to(dev)
    opt = torch.optim.Adam([*user_tower.parameters(), *item_tower.parameters()], lr=cfg.lr)
    cats = torch.from_numpy(items.categories).to(dev)
    scalars = torch.from_numpy(items.scalars).to(dev)
    n_items = items.n_items
    t = lambda a: torch.from_numpy(np.ascontiguousarray(a, dtype=np.int64)).to(dev)  # noqa: E731

    for _ in tqdm(range(cfg.epochs), desc="two-tower", unit="epoch", leave=False):
        target = _epoch_split(user, n_users, cfg, rng)
        rest = ~target
        hist = build_histories(user[rest], item[rest], timestamp[rest], n_users, cfg.history_length).rows
        idx = np.flatnonzero(target)
        idx = _cap_per_user(idx[_keep_mask(item[idx], cfg.downsample, rng)], user, cfg.max_targets, rng)
        starts = np.searchsorted(user[idx], np.arange(n_users + 1))
        users = np.flatnonzero(np.diff(starts) > 0)
        users = users[rng.permutation(len(users))]
        # logQ: expected count of each item among one step's candidates (Yi et al. 2019).
        q = np.bincount(item[idx], minlength=n_items) / max(len(idx), 1)
        per_step = len(idx) * min(cfg.user_batch, len(users)) / max(len(users), 1)
        log_q = torch.from_numpy(np.log(per_step * q + cfg.uniform_negatives / n_items).astype(np.float32)).to(dev)
        for b in range(0, len(users), cfg.user_batch):
            batch_users = users[b : b + cfg.user_batch]
            sel = np.concatenate([idx[starts[u] : starts[u + 1]] for u in batch_users])
            owner = np.repeat(np.arange(len(batch_users)), np.diff(starts)[batch_users])
            rows = np.where(rng.random(len(batch_users)) < cfg.user_dropout, 0, batch_users + 1)
            pooled = user_tower.history(t(hist[batch_users]))
            uvec = user_tower.user(t(rows))
            ctx = drop_context({k: v[sel] for k, v in context.items()}, cfg.context_dropout, rng)
            cvec = user_tower.context(*(t(ctx[k]) for k in ("hour", "dow", "device", "surface")))
            own = t(owner)
            u = user_tower.combine(uvec[own], pooled[own], cvec)
            pos_items = t(item[sel])
            cand = torch.cat([pos_items, t(rng.integers(0, n_items, cfg.uniform_negatives))])
            v = item_tower(cand + 1, cats[cand + 1], scalars[cand + 1])
            logits = (u @ v.T) / cfg.temperature - log_q[cand][None, :]
            # Another target of the same user, or the same item, is no negative.
            same_user = own[:, None] == own[None, :]
            hit = torch.cat([same_user, torch.zeros(len(sel), cfg.uniform_negatives, dtype=torch.bool,
                                                    device=dev)], dim=1) | (pos_items[:, None] == cand[None, :])
            hit[:, : len(sel)].fill_diagonal_(False)
            logits = logits.masked_fill(hit, float("-inf"))
            loss = torch.nn.functional.cross_entropy(logits, torch.arange(len(sel), device=dev))
            opt.zero_grad()
            loss.backward()
            opt.step()
    return user_tower.eval(), item_tower.eval()


@torch.no_grad()
def embed_items(item_tower: ItemTower, items: ItemTable, device: str = "cpu", batch: int = 65536) -> np.ndarray:
    """(N+1, D) float32 item-tower embeddings; row 0 (padding) is zeros."""
    dev = torch.device(device)
    out = [np.zeros((1, item_tower.head[-1].out_features), np.float32)]
    for s in range(1, items.n_rows, batch):
        rows = np.arange(s, min(s + batch, items.n_rows))
        r = torch.from_numpy(rows).to(dev)
        v = item_tower(r, torch.from_numpy(items.categories[rows]).to(dev), torch.from_numpy(items.scalars[rows]).to(dev))
        out.append(v.cpu().numpy())
    return np.concatenate(out).astype(np.float32)


@torch.no_grad()
def embed_users(user_tower: UserTower, user_rows: np.ndarray, history_rows: np.ndarray,
                context: dict[str, np.ndarray], device: str = "cpu", batch: int = 8192) -> np.ndarray:
    dev = torch.device(device)
    t = lambda a: torch.from_numpy(np.ascontiguousarray(a, dtype=np.int64)).to(dev)  # noqa: E731
    out = []
    for s in range(0, len(user_rows), batch):
        sl = slice(s, s + batch)
        out.append(user_tower(t(user_rows[sl]), t(history_rows[sl]), *(t(context[k][sl]) for k in
                              ("hour", "dow", "device", "surface"))).cpu().numpy())
    return np.concatenate(out).astype(np.float32) if out else np.zeros((0, user_tower.head[-1].out_features), np.float32)
