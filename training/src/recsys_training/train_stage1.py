"""The retrieval side trained on one set of interactions: item table, towers,
content encoder, served item embeddings, item-to-item table, popularity and
the users' histories. The pipeline fits it twice: on the ranker's fit part,
then on all training data."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from recsys_training.data.types import Dataset, Interactions
from recsys_training.features.history import Histories, build_histories
from recsys_training.features.item_table import ItemTable, build_item_table
from recsys_training.features.item_to_item import ItemToItem
from recsys_training.models import ContentEncoder, ItemTower, UserTower
from recsys_training.train_content import ContentConfig, blend_embeddings, embed_content, train_content_encoder
from recsys_training.train_item_to_item import item_neighbours
from recsys_training.train_labels import label_context
from recsys_training.train_two_tower import TwoTowerConfig, embed_items, train_two_tower


@dataclass(frozen=True)
class Stage1Config:
    two_tower: TwoTowerConfig = TwoTowerConfig()
    content: ContentConfig = ContentConfig()
    i2i_k: int = 50
    i2i_k_negative: int = 0  # EASE only: most negative weights kept per item (train_item_to_item)
    i2i_k_cosine: int = 50  # cap for the co-occurrence table (catalogs above EASE_MAX_ITEMS)
    i2i_shrink: float = 10.0
    i2i_method: str = "auto"  # see train_item_to_item.item_neighbours
    i2i_lambda: float = 300.0  # EASE L2 weight, chosen on a validation split carved from train
    cold_threshold: int = 10  # items with fewer interactions mix in their content embedding
    half_life_days: float = 30.0


@dataclass
class Stage1:
    items: ItemTable
    user_tower: UserTower
    item_tower: ItemTower
    content_encoder: ContentEncoder
    tower_emb: np.ndarray  # (N+1, D) item-tower output
    content_emb: np.ndarray  # (N+1, D) content-encoder output
    item_emb: np.ndarray  # (N+1, D) served embeddings (blended for cold items)
    uses_content: np.ndarray  # bool (N+1,)
    i2i: ItemToItem
    popular: np.ndarray  # item rows by time-decayed popularity, best first
    histories: Histories  # (n_users, L) from these interactions
    n_devices: int
    n_surfaces: int


def _take(inter: Interactions, rows: np.ndarray) -> Interactions:
    return Interactions(user=inter.user[rows], item=inter.item[rows], timestamp=inter.timestamp[rows])


def fit_stage1(dataset: Dataset, rows: np.ndarray, text: np.ndarray, cfg: Stage1Config, seed: int,
               device: str = "cpu") -> Stage1:
    """Trains on dataset.interactions[rows] (rows: int indices); text: (N+1, T) by item row."""
    inter = _take(dataset.interactions, rows)
    items = build_item_table(dataset.items, inter, half_life_days=cfg.half_life_days)
    n_devices, n_surfaces = len(dataset.devices) + 1, len(dataset.surfaces) + 1
    context = label_context(dataset, rows)
    user_tower, item_tower = train_two_tower(inter.user, inter.item, inter.timestamp, context, dataset.n_users,
                                             items, n_devices, n_surfaces, cfg.two_tower, seed, device)
    tower_emb = embed_items(item_tower, items, device)
    content_encoder = train_content_encoder(text, items, tower_emb, cfg.content, seed, device)
    content_emb = embed_content(content_encoder, text, items, device)
    item_emb, uses_content = blend_embeddings(tower_emb, content_emb, items.counts, cfg.cold_threshold)
    i2i = item_neighbours(cfg.i2i_method, inter.user, inter.item, dataset.n_users, dataset.n_items, cfg.i2i_k,
                          cfg.i2i_shrink, cfg.i2i_lambda, device, cfg.i2i_k_cosine, cfg.i2i_k_negative)
    popular = np.argsort(-items.decayed[1:] - 1e-9 * items.counts[1:], kind="stable") + 1
    histories = build_histories(inter.user, inter.item, inter.timestamp, dataset.n_users,
                                cfg.two_tower.history_length)
    return Stage1(items, user_tower, item_tower, content_encoder, tower_emb, content_emb, item_emb,
                  uses_content, i2i, popular.astype(np.int64), histories, n_devices, n_surfaces)
