"""BPR-MF: matrix factorisation trained with Bayesian Personalised Ranking.

Rendle et al., UAI 2009: maximise ln sigmoid(x_ui - x_uj) over sampled
(user, positive i, negative j) triples, with L2 regularisation. The number of
epochs is chosen by early stopping on a validation holdout of train, then the
model is retrained on all of train. Users unseen in fit (P5) are folded in as
the mean of their history's item factors.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import scipy.sparse as sp
import torch
from tqdm import tqdm

from recsys_training.data.types import Dataset
from recsys_training.evaluate.baselines.validation import carve, validation_ndcg
from recsys_training.evaluate.matrix import interaction_matrix
from recsys_training.evaluate.recommender import Recommender


class BPRRecommender(Recommender):
    name = "bpr"

    def __init__(
        self,
        dim: int = 128,
        lr: float = 0.001,
        reg: float = 1e-5,
        batch: int = 1024,
        max_epochs: int = 150,
        check_every: int = 10,
        patience: int = 3,
        progress: bool = False,
    ):
        self.dim, self.lr, self.reg, self.batch = dim, lr, reg, batch
        self.max_epochs, self.check_every, self.patience = max_epochs, check_every, patience
        self.progress = progress
        self.params: dict[str, float] = {}

    def fit(self, train: Dataset, seed: int) -> None:
        threads = torch.get_num_threads()
        # Batches this small run fastest on one thread (and do not fight other work for cores).
        torch.set_num_threads(1)
        try:
            self._fit(train, seed)
        finally:
            torch.set_num_threads(threads)

    def _fit(self, train: Dataset, seed: int) -> None:
        matrix = interaction_matrix(train)
        holdout = carve(matrix)
        self.known = np.diff(holdout.fit.indptr) > 0
        best_epochs, best_ndcg, stale = self.max_epochs, -1.0, 0
        bar = tqdm(total=self.max_epochs, desc="bpr validation", disable=not self.progress, leave=False)
        for epoch, state in enumerate(self._epochs(holdout.fit, seed), start=1):
            bar.update(1)
            if epoch % self.check_every == 0 or epoch == self.max_epochs:
                self.users, self.items, self.bias = (t.detach().numpy() for t in state)
                ndcg = validation_ndcg(self.score, holdout)
                if ndcg > best_ndcg:
                    best_epochs, best_ndcg, stale = epoch, ndcg, 0
                else:
                    stale += 1
            if epoch >= self.max_epochs or stale >= self.patience:
                break
        bar.close()
        trainer = self._epochs(matrix, seed)
        for _ in range(best_epochs):
            state = next(trainer)
        self.users, self.items, self.bias = (t.detach().numpy().copy() for t in state)
        self.known = np.diff(matrix.indptr) > 0
        self.params = {"epochs": best_epochs, "validation_ndcg@10": round(best_ndcg, 4)}

    def score(self, users: np.ndarray, history: sp.csr_matrix) -> np.ndarray:
        vectors = self.users[users].copy()
        unseen = ~self.known[users]
        if unseen.any():
            counts = np.maximum(np.asarray(history[unseen].sum(axis=1)).ravel(), 1.0)
            vectors[unseen] = (history[unseen] @ self.items) / counts[:, None]
        return (vectors @ self.items.T + self.bias[None, :]).astype(np.float32)

    def item_embeddings(self) -> np.ndarray | None:
        return self.items

    def _epochs(self, matrix: sp.csr_matrix, seed: int) -> Iterator[list[torch.Tensor]]:
        """Trains one epoch per step (one optimiser throughout) and yields the parameters."""
        generator = torch.Generator().manual_seed(seed)
        n_users, n_items = matrix.shape
        state = [
            (0.01 * torch.randn(n_users, self.dim, generator=generator)).requires_grad_(),
            (0.01 * torch.randn(n_items, self.dim, generator=generator)).requires_grad_(),
            torch.zeros(n_items, requires_grad=True),
        ]
        users, items, bias = state
        adam = _Adam(state, self.lr)
        rng = np.random.default_rng(seed)
        coo = matrix.tocoo()
        pos_user, pos_item = coo.row.astype(np.int64), coo.col.astype(np.int64)
        keys = np.sort(pos_user * n_items + pos_item)
        while True:
            order = rng.permutation(len(pos_user))
            negative = rng.integers(0, n_items, len(order))
            # Redraw negatives that are positives of that user (once; the rest are rare).
            clash = np.isin(pos_user[order] * n_items + negative, keys)
            negative[clash] = rng.integers(0, n_items, int(clash.sum()))
            for start in range(0, len(order), self.batch):
                rows = order[start : start + self.batch]
                i, j = (
                    torch.from_numpy(pos_item[rows]),
                    torch.from_numpy(negative[start : start + self.batch]),
                )
                eu, ei, ej = users[torch.from_numpy(pos_user[rows])], items[i], items[j]
                diff = (eu * (ei - ej)).sum(1) + bias[i] - bias[j]
                loss = -torch.nn.functional.logsigmoid(diff).mean()
                loss = loss + self.reg * (eu.pow(2).sum() + ei.pow(2).sum() + ej.pow(2).sum()) / len(rows)
                loss.backward()
                adam.step()
            yield state


class _Adam:
    """Adam (Kingma & Ba 2015), inlined: torch.optim's first use imports torch._dynamo,
    which costs seconds per process for a model that trains in seconds."""

    def __init__(self, params: list[torch.Tensor], lr: float, betas=(0.9, 0.999), eps: float = 1e-8):
        self.params, self.lr, self.betas, self.eps, self.t = params, lr, betas, eps, 0
        self.m = [torch.zeros_like(p) for p in params]
        self.v = [torch.zeros_like(p) for p in params]

    @torch.no_grad()
    def step(self) -> None:
        self.t += 1
        b1, b2 = self.betas
        for p, m, v in zip(self.params, self.m, self.v, strict=True):
            grad = p.grad
            m.mul_(b1).add_(grad, alpha=1 - b1)
            v.mul_(b2).addcmul_(grad, grad, value=1 - b2)
            denom = (v / (1 - b2**self.t)).sqrt_().add_(self.eps)
            p.addcdiv_(m, denom, value=-self.lr / (1 - b1**self.t))
            p.grad = None
