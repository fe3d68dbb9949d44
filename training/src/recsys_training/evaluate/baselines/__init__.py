"""In-house baselines, registered by name for the runner."""

from recsys_training.evaluate.baselines.bpr import BPRRecommender
from recsys_training.evaluate.baselines.content_knn import ContentKNNRecommender
from recsys_training.evaluate.baselines.content_rating import ContentRatingRecommender
from recsys_training.evaluate.baselines.ease import EASERecommender
from recsys_training.evaluate.baselines.itemknn import ItemKNNRecommender
from recsys_training.evaluate.baselines.popularity import (
    RandomRecommender,
    TopPopRecommender,
)
from recsys_training.evaluate.registry import register

register("random", lambda options: RandomRecommender())
register("toppop", lambda options: TopPopRecommender())
register("itemknn", lambda options: ItemKNNRecommender())
register("ease", lambda options: EASERecommender())
register(
    "bpr",
    lambda options: BPRRecommender(max_epochs=10 if options.quick else 150, progress=options.progress),
)
register("content_knn", lambda options: ContentKNNRecommender())
register("content_rating", lambda options: ContentRatingRecommender())

__all__ = [
    "BPRRecommender",
    "ContentKNNRecommender",
    "ContentRatingRecommender",
    "EASERecommender",
    "ItemKNNRecommender",
    "RandomRecommender",
    "TopPopRecommender",
]
