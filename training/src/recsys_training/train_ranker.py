"""Ranker training on the retrieval stage's candidates: per user, the label is
whether a held-out interaction is among the candidates. Positives are
re-weighted by inverse propensity of their impression slot (Joachims et al.
2017, WSDM) and by watch time (Covington et al. 2016) where the data has them."""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np
import torch
from tqdm import tqdm

from recsys_training.models import WideDeepRanker

RANKER_INPUTS = ("dense", "item_row", "item_categories", "user_categories", "hour", "dow", "device", "surface")


@dataclass(frozen=True)
class RankerConfig:
    epochs: int = 12  # at most: training keeps the epoch with the best validation nDCG@10
    users_per_batch: int = 32
    lr: float = 2e-3
    weight_decay: float = 1e-5
    hidden: tuple[int, ...] = (128, 64)
    dropout: float = 0.1
    # "softmax": listwise cross-entropy over each user's candidates (suits
    # top-k metrics); "bce": the pointwise logistic loss of the W&D paper.
    loss: str = "softmax"
    wide_buckets: int = 1 << 16
    # Item-id embeddings overfit the few hundred lists a small dataset yields
    # (validation nDCG@10 0.179 -> 0.209 without them on ml-latest-small).
    item_ids: bool = False
    # Start the wide part as this dense column's ordering (weight `prior_weight` on its
    # standardised value) and keep that start unless an epoch beats it on validation.
    prior_column: str = ""
    prior_weight: float = 2.0


@dataclass(frozen=True)
class RankerData:
    """One block of rows per user: inputs[name][starts[u]:starts[u+1]]."""

    inputs: dict[str, np.ndarray]
    labels: np.ndarray  # float32 0/1
    weights: np.ndarray  # float32 sample weights (1 for negatives)
    starts: np.ndarray  # int64 (n_lists + 1,)
    users: np.ndarray | None = None  # int64 (n_lists,) the user of each list, when known


def _list_loss(scores: torch.Tensor, labels: torch.Tensor, weights: torch.Tensor,
               owner: torch.Tensor, n_lists: int, kind: str) -> torch.Tensor:
    if kind == "bce":
        return torch.nn.functional.binary_cross_entropy_with_logits(scores, labels, weight=weights)
    # Softmax per list via a scatter log-sum-exp; each positive is one target.
    big = torch.full((n_lists,), float("-inf"), device=scores.device)
    big = big.scatter_reduce(0, owner, scores, reduce="amax", include_self=True)
    exp = torch.exp(scores - big[owner])
    denom = torch.zeros(n_lists, device=scores.device).index_add(0, owner, exp)
    log_p = scores - big[owner] - torch.log(denom[owner])
    w = labels * weights
    return -(w * log_p).sum() / w.sum().clamp(min=1e-6)


def train_ranker(
    data: RankerData,
    dense_mean: np.ndarray,
    dense_std: np.ndarray,
    n_item_rows: int,
    n_category_rows: int,
    n_devices: int,
    n_surfaces: int,
    cfg: RankerConfig,
    seed: int,
    device: str = "cpu",
    validation: RankerData | None = None,
    columns: list[str] | None = None,
) -> WideDeepRanker:
    """Trains on `data`; with `validation` lists, returns the epoch with the best nDCG@10 (early stopping)."""
    rng = np.random.default_rng(seed)
    torch.manual_seed(seed)
    dev = torch.device(device)
    model = WideDeepRanker(torch.from_numpy(dense_mean), torch.from_numpy(dense_std), n_item_rows,
                           n_category_rows, n_devices, n_surfaces, cfg.wide_buckets, cfg.hidden,
                           cfg.dropout, cfg.item_ids).to(dev)
    if cfg.prior_column and columns and cfg.prior_column in columns:
        with torch.no_grad():
            model.wide_dense.weight.zero_()
            model.wide_dense.weight[0, columns.index(cfg.prior_column)] = cfg.prior_weight
            last = model.deep[-1] if isinstance(model.deep, torch.nn.Sequential) else None
            if isinstance(last, torch.nn.Linear):
                last.weight.mul_(0.01)  # the deep part starts near zero: the prior decides
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    tensors = {k: torch.from_numpy(v).to(dev) for k, v in data.inputs.items()}
    labels = torch.from_numpy(data.labels).to(dev)
    weights = torch.from_numpy(data.weights).to(dev)
    n_lists = len(data.starts) - 1
    sizes = np.diff(data.starts)
    best_score, best_state = -1.0, None
    if cfg.prior_column and validation is not None and len(validation.starts) > 1:
        best_score = list_ndcg(score_rows(model.eval(), validation.inputs, device), validation)
        best_state = copy.deepcopy(model.state_dict())
    model.train()
    for _ in tqdm(range(cfg.epochs), desc="ranker", unit="epoch", leave=False):
        perm = rng.permutation(n_lists)
        for s in range(0, n_lists, cfg.users_per_batch):
            lists = perm[s : s + cfg.users_per_batch]
            idx = np.concatenate([np.arange(data.starts[u], data.starts[u + 1]) for u in lists])
            owner = torch.from_numpy(np.repeat(np.arange(len(lists)), sizes[lists])).to(dev)
            i = torch.from_numpy(idx).to(dev)
            scores = model(*(tensors[k][i] for k in RANKER_INPUTS))
            loss = _list_loss(scores, labels[i], weights[i], owner, len(lists), cfg.loss)
            opt.zero_grad()
            loss.backward()
            opt.step()
        if validation is not None and len(validation.starts) > 1:
            score = list_ndcg(score_rows(model.eval(), validation.inputs, device), validation)
            model.train()
            if score > best_score:
                best_score, best_state = score, copy.deepcopy(model.state_dict())
    if best_state is not None:
        model.load_state_dict(best_state)
    return model.eval()


def list_ndcg(scores: np.ndarray, data: RankerData, k: int = 10) -> float:
    """Mean nDCG@k (binary gain) of ordering each list by `scores`, over lists with a positive."""
    disc = 1.0 / np.log2(np.arange(2, k + 2))
    total, n = 0.0, 0
    for s, e in zip(data.starts[:-1], data.starts[1:]):
        lab = data.labels[s:e]
        top = np.argsort(-scores[s:e], kind="stable")[:k]
        ideal = disc[: min(int(lab.sum()), k)].sum()
        if ideal > 0:
            total += float((lab[top] * disc[: len(top)]).sum() / ideal)
            n += 1
    return total / max(n, 1)


@torch.no_grad()
def score_rows(model: WideDeepRanker, inputs: dict[str, np.ndarray], device: str = "cpu",
               batch: int = 262144) -> np.ndarray:
    dev = torch.device(device)
    n = len(inputs["item_row"])
    out = []
    for s in range(0, n, batch):
        out.append(model(*(torch.from_numpy(inputs[k][s : s + batch]).to(dev) for k in RANKER_INPUTS)).cpu().numpy())
    return np.concatenate(out).astype(np.float32) if out else np.zeros(0, np.float32)
