"""Datasets: loaders for MovieLens and the generic CSV format, the writer.

The synthetic generator is `recsys_training.data.synthetic` (not imported here so
that `python -m recsys_training.data.synthetic` runs cleanly).
"""

from recsys_training.data.errors import DataError
from recsys_training.data.load import detect, load
from recsys_training.data.types import Dataset, Impressions, Interactions, Items
from recsys_training.data.writer import write_generic

__all__ = [
    "DataError",
    "Dataset",
    "Impressions",
    "Interactions",
    "Items",
    "detect",
    "load",
    "write_generic",
]
