"""PyTorch modules (nn.Module only); training lives in train_*.py."""

from recsys_training.models.content_encoder import ContentEncoder
from recsys_training.models.item_tower import ItemTower
from recsys_training.models.ranker import WideDeepRanker
from recsys_training.models.user_tower import UserTower

__all__ = ["ContentEncoder", "ItemTower", "UserTower", "WideDeepRanker"]
