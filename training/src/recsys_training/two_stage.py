"""The two-stage system as an evaluated Recommender: `two_stage` (ranker order)
and `two_stage_mmr` (as served, re-ordered by MMR, Carbonell & Goldstein 1998).
It also reports P2's stage diagnostics (evaluate/diagnostics.py)."""

from __future__ import annotations

import dataclasses
import weakref
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from recsys_training.ann_index import exact_top, overlap
from recsys_training.context import unknown_context
from recsys_training.data.types import Dataset
from recsys_training.evaluate.recommender import Recommender
from recsys_training.evaluate.registry import ModelOptions, register
from recsys_training.features.history import Histories
from recsys_training.features.ranker_features import ranker_inputs
from recsys_training.mmr import mmr_order
from recsys_training.presets import preset
from recsys_training.text_features import item_text_embeddings
from recsys_training.train_pipeline import TrainedSystem, TwoStageConfig, fit_two_stage
from recsys_training.train_ranker import score_rows
from recsys_training.train_ranker_data import candidate_lists
from recsys_training.train_two_tower import embed_users

MMR_LAMBDA = 0.8
_LAST_FIT: dict = {}  # the latest fit, shared by the two variants (see fit)
SCORE_ROWS = 1_000_000  # (user, item) rows scored at once in score()


class TwoStageRecommender(Recommender):
    deterministic = False

    def __init__(self, options: ModelOptions, mmr: bool, config: TwoStageConfig | None = None) -> None:
        """config: the preset by default (tiny when options.quick); evaluate.sweep passes variants."""
        self.options = options
        self.mmr = mmr
        self.config = config or preset("tiny" if options.quick else "default")
        self.text_encoder = "hashing" if options.quick else "minilm"
        self.system: TrainedSystem | None = None
        self._stamps: sp.csr_matrix | None = None
        self.params = {"text_encoder": self.text_encoder, "mmr_lambda": MMR_LAMBDA if mmr else None}

    def fit(self, train: Dataset, seed: int) -> None:
        key = (seed, self.options.quick, self.options.device, self.text_encoder, repr(self.config))
        cached = _LAST_FIT.get("train")
        if cached is not None and cached() is train and _LAST_FIT.get("key") == key:
            # two_stage and two_stage_mmr differ only in the final ordering: fit once per split.
            self.system, self._stamps = _LAST_FIT["system"], _LAST_FIT["stamps"]
            self.params |= {k: v for k, v in self.system.metrics.items() if k.startswith(("val.", "ann."))}
            return
        text = item_text_embeddings(train.items, self.text_encoder, self.options.device)
        self.system = fit_two_stage(train, text, self.config, seed, self.options.device)
        inter = train.interactions
        # Known interaction times order histories newest first at scoring time.
        self._stamps = sp.csr_matrix((inter.timestamp.astype(np.float64) + 1.0, (inter.user, inter.item)),
                                     shape=(train.n_users, train.n_items))
        self._stamps.sum_duplicates()
        _LAST_FIT.update(train=weakref.ref(train), key=key, system=self.system, stamps=self._stamps)
        self.params |= {k: v for k, v in self.system.metrics.items() if k.startswith(("val.", "ann."))}

    def _system(self) -> TrainedSystem:
        if self.system is None:
            raise RuntimeError("two_stage: fit() first")
        return self.system

    def _histories(self, users: np.ndarray, history: sp.csr_matrix) -> Histories:
        length = self._system().config.stage1.two_tower.history_length
        coo = history.tocoo()
        stamps = np.zeros(len(coo.row))
        known = users[coo.row] < self._stamps.shape[0]
        if known.any():
            stamps[known] = np.asarray(self._stamps[users[coo.row[known]], coo.col[known]]).ravel()
        order = np.lexsort((-coo.col, -stamps, coo.row))
        r, c, t = coo.row[order], coo.col[order], stamps[order]
        pos = np.arange(len(r)) - np.searchsorted(r, r)
        keep = pos < length
        rows = np.zeros((len(users), length), np.int64)
        times = np.zeros((len(users), length), np.int64)
        rows[r[keep], pos[keep]] = c[keep] + 1
        times[r[keep], pos[keep]] = np.maximum(t[keep] - 1.0, 0).astype(np.int64)
        return Histories(rows, times)

    def _user_rows(self, users: np.ndarray) -> np.ndarray:
        return np.where(users < self._stamps.shape[0], users + 1, 0)

    def _stage(self, users: np.ndarray, history: sp.csr_matrix, allowed: np.ndarray | None = None,
               chunk: int = 128):
        """candidate_lists in chunks of users (bounded memory), padded to one width."""
        parts = [self._stage_part(users[i : i + chunk], history[i : i + chunk], allowed)
                 for i in range(0, len(users), chunk)]
        width = max(c.shape[1] for c, _ in parts)
        cands, inputs = [], {}
        for cand, part in parts:
            b, k = cand.shape
            cands.append(np.pad(cand, ((0, 0), (0, width - k))))
            for name, v in part.items():
                v = v.reshape(b, k, *v.shape[1:])
                v = np.pad(v, [(0, 0), (0, width - k)] + [(0, 0)] * (v.ndim - 2))
                inputs.setdefault(name, []).append(v.reshape(b * width, *v.shape[2:]))
        return np.concatenate(cands), {name: np.concatenate(vs) for name, vs in inputs.items()}

    def _stage_part(self, users: np.ndarray, history: sp.csr_matrix, allowed: np.ndarray | None = None):
        s = self._system()
        s1 = dataclasses.replace(s.stage1, histories=self._histories(users, history))
        idx = np.arange(len(users))
        return candidate_lists(s1, idx, unknown_context(len(users)), s.config.candidates, s.config.session,
                               self.options.device, s.ann, allowed, user_rows=self._user_rows(users),
                               seen=history.tocsr())

    def score(self, users: np.ndarray, history: sp.csr_matrix) -> np.ndarray:
        s = self._system()
        s1 = s.stage1
        hist = self._histories(users, history)
        ctx = unknown_context(len(users))
        user_emb = embed_users(s1.user_tower, self._user_rows(users), hist.rows, ctx, self.options.device)
        n = s1.items.n_items
        out = np.empty((len(users), n), np.float32)
        block = max(1, SCORE_ROWS // max(len(users), 1))
        for lo in range(0, n, block):
            cand = np.broadcast_to(np.arange(lo + 1, min(lo + block, n) + 1), (len(users), min(block, n - lo)))
            inputs = ranker_inputs(hist, np.ascontiguousarray(cand), user_emb, s1.item_emb, s1.items, s1.i2i,
                                   s1.uses_content, ctx, s.config.session)
            out[:, lo : lo + cand.shape[1]] = score_rows(s.ranker, inputs, self.options.device).reshape(cand.shape)
        return out

    def recommend(self, users: np.ndarray, history: sp.csr_matrix, k: int,
                  exclude: np.ndarray | None = None) -> np.ndarray:
        s = self._system()
        allowed = None if exclude is None else np.r_[False, ~exclude]
        cand, inputs = self._stage(users, history, allowed)
        scores = score_rows(s.ranker, inputs, self.options.device).reshape(cand.shape)
        scores = np.where(cand > 0, scores, -np.inf)
        out = np.full((len(users), k), -1, np.int64)
        for i in range(len(users)):
            valid = np.flatnonzero(cand[i] > 0)
            ranked = valid[np.argsort(-scores[i, valid], kind="stable")]
            if self.mmr:
                window = ranked[: max(k * 10, 100)]
                ranked = window[mmr_order(scores[i, window], s.stage1.item_emb[cand[i, window]], MMR_LAMBDA, k)]
            picks = cand[i, ranked[:k]] - 1
            out[i, : len(picks)] = picks
        return out

    def item_embeddings(self) -> np.ndarray | None:
        return None if self.system is None else self.system.stage1.item_emb[1:]

    # P2 stage diagnostics -------------------------------------------------

    def _user_emb(self, users: np.ndarray, history: sp.csr_matrix) -> tuple[np.ndarray, Histories]:
        hist = self._histories(users, history)
        emb = embed_users(self._system().stage1.user_tower, self._user_rows(users), hist.rows,
                          unknown_context(len(users)), self.options.device)
        return emb, hist

    def retrieval_recall(self, users: np.ndarray, history: sp.csr_matrix, test: sp.csr_matrix,
                         ks: Sequence[int]) -> dict[int, float]:
        emb, _ = self._user_emb(users, history)
        scores = emb @ self._system().stage1.item_emb[1:].T
        rows, cols = history.nonzero()
        scores[rows, cols] = -np.inf
        top = np.argsort(-scores, axis=1, kind="stable")[:, : max(ks)]
        hits = np.asarray(test[np.arange(len(users))[:, None], top].todense()) > 0
        n_test = np.maximum(np.diff(test.indptr), 1)
        return {k: float((hits[:, :k].sum(axis=1) / n_test).mean()) for k in ks}

    def ann_recall_at(self, users: np.ndarray, history: sp.csr_matrix, k: int) -> float:
        s = self._system()
        emb, _ = self._user_emb(users, history)
        return overlap(s.ann.search(emb, k)[0], exact_top(s.stage1.item_emb, emb, k))

    def ranking_ndcg(self, users: np.ndarray, history: sp.csr_matrix, test: sp.csr_matrix, k: int) -> float:
        s = self._system()
        cand, inputs = self._stage(users, history)
        scores = np.where(cand > 0, score_rows(s.ranker, inputs, self.options.device).reshape(cand.shape), -np.inf)
        gains = np.asarray(test[np.arange(len(users))[:, None], np.maximum(cand - 1, 0)].todense()) > 0
        gains &= cand > 0
        disc = 1.0 / np.log2(np.arange(2, k + 2))
        top = np.argsort(-scores, axis=1, kind="stable")[:, :k]
        dcg = (np.take_along_axis(gains, top, 1) * disc[: top.shape[1]]).sum(axis=1)
        ideal = np.array([disc[: min(int(g), k)].sum() for g in gains.sum(axis=1)])
        ok = ideal > 0
        return float((dcg[ok] / ideal[ok]).mean()) if ok.any() else 0.0


register("two_stage", lambda options: TwoStageRecommender(options, mmr=False))
register("two_stage_mmr", lambda options: TwoStageRecommender(options, mmr=True))
