"""Synthetic catalogue and audience: items and users drawn from one latent space.

Items sit near their category's centroid; their titles and tags are chosen from
word lists tied to the item's strongest latent directions, so content carries
real signal about taste (what a cold-start content model has to learn).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from recsys_training.data.types import Items

CATEGORIES = [
    "Action", "Comedy", "Drama", "Documentary", "Sci-Fi", "Romance", "Thriller", "Animation",
    "Horror", "Fantasy", "Music", "Sports", "Crime", "Family", "History", "Travel", "Cooking",
    "Science", "Nature", "News", "Gaming", "Fashion", "Comics", "Western",
]  # fmt: skip
# One word per latent direction and sign: tag/title words that describe the vector.
ADJECTIVES = [
    "dark", "bright", "fast", "slow", "loud", "quiet", "epic", "intimate", "funny", "serious",
    "old", "new", "wild", "calm", "strange", "familiar", "bitter", "sweet", "cold", "warm",
    "hidden", "open", "broken", "golden", "silent", "electric", "lost", "final", "secret",
    "endless", "iron", "paper",
]  # fmt: skip
NOUNS = [
    "river", "city", "garden", "machine", "kingdom", "harbor", "signal", "forest", "mirror",
    "voyage", "island", "engine", "letter", "storm", "winter", "summer", "tower", "road",
    "circle", "empire", "planet", "kitchen", "station", "desert", "bridge", "song", "shadow",
    "season", "frontier", "echo", "horizon", "market", "orchard", "compass", "lantern", "atlas",
]  # fmt: skip
ITEM_SPREAD = 1.0  # item noise norm relative to its (unit) category centroid
USER_SPREAD = 0.7  # how far a user's taste strays from their favourite categories
REGIONS = ["us", "eu", "latam", "apac", "india", "mena", "africa", "oceania"]
DEVICES = ["mobile", "desktop", "tv", "tablet"]
SURFACES = ["home", "search", "item_page", "category"]


@dataclass(frozen=True)
class Catalogue:
    items: Items
    vectors: np.ndarray  # float32 (n_items, dim), unit length
    category: np.ndarray  # int64 primary category
    weight: np.ndarray  # float64 power-law popularity weight
    quality: np.ndarray  # float32 logit offset
    duration: np.ndarray  # float32 seconds


@dataclass(frozen=True)
class Audience:
    taste: np.ndarray  # float32 (n_users, dim), unit length
    favourites: np.ndarray  # int64 (n_users, 3) categories, most liked first
    region: np.ndarray  # int64
    device: np.ndarray  # int64 primary device
    activity: np.ndarray  # float64, mean 1


def category_names(n: int) -> list[str]:
    base = len(CATEGORIES)
    return [CATEGORIES[i % base] + (f" {i // base + 1}" if i >= base else "") for i in range(n)]


def unit(x: np.ndarray) -> np.ndarray:
    return (x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-9)).astype(np.float32)


def make_catalogue(
    rng: np.random.Generator, n_items: int, centroids: np.ndarray, alpha: float, start_ms: int, end_ms: int
) -> Catalogue:
    n_cat, dim = centroids.shape
    share = rng.dirichlet(np.full(n_cat, 2.0))
    category = rng.choice(n_cat, size=n_items, p=share)
    noise = rng.standard_normal((n_items, dim)).astype(np.float32) / np.sqrt(dim)
    vectors = unit(centroids[category] + ITEM_SPREAD * noise)
    # Zipf popularity over a random ranking: a few blockbusters, a long tail.
    rank = rng.permutation(n_items)
    weight = (rank + 1.0) ** -alpha
    quality = (0.5 * rng.standard_normal(n_items) + 0.15 * np.log(weight / weight.mean())).astype(np.float32)
    duration = np.exp(rng.normal(np.log(1500), 0.6, n_items) + 0.3 * (category % 3)).astype(np.float32)
    # Half the catalogue predates the log (back-list); the rest arrives during it.
    backlist = rng.random(n_items) < 0.5
    year_ms = 365 * 86_400_000
    created = np.where(
        backlist,
        start_ms - rng.integers(1, 10 * year_ms, n_items),
        rng.integers(start_ms, end_ms, n_items),
    ).astype(np.int64)
    order = np.argsort(category, kind="stable")
    firsts = order[np.flatnonzero(np.r_[True, np.diff(category[order]) != 0])]
    created[firsts] = np.minimum(created[firsts], start_ms - 86_400_000)  # every category has stock at t0
    second = np.argsort(-(vectors @ centroids.T), axis=1)[:, :2]
    other = np.where(second[:, 0] == category, second[:, 1], second[:, 0])
    multi = rng.random(n_items) < 0.3
    names = category_names(n_cat)
    categories = [
        [names[c], names[o]] if m else [names[c]]
        for c, o, m in zip(category.tolist(), other.tolist(), multi.tolist(), strict=True)
    ]
    titles, tags = _words(rng, vectors, category, names)
    years = (1970 + created / year_ms).astype(np.float32).round()
    ids = np.array([f"i{i:07d}" for i in range(n_items)], dtype=object)
    numeric = {"duration_s": duration.round(), "year": years}
    items = Items(
        ids=ids, titles=titles, categories=categories, tags=tags, numeric=numeric, created_at=created
    )
    return Catalogue(items, vectors, category.astype(np.int64), weight, quality, duration)


def make_audience(
    rng: np.random.Generator, n_users: int, centroids: np.ndarray, category_share: np.ndarray
) -> Audience:
    n_cat, dim = centroids.shape
    region_share = rng.dirichlet(np.full(len(REGIONS), 1.5))
    region = rng.choice(len(REGIONS), size=n_users, p=region_share)
    # Each region leans towards its own categories: regional popularity differs.
    region_taste = rng.dirichlet(np.full(n_cat, 0.7), size=len(REGIONS))
    prefs = 0.5 * region_taste[region] + 0.5 * category_share
    gumbel = -np.log(-np.log(rng.random((n_users, n_cat))))
    favourites = np.argsort(-(np.log(prefs) + gumbel), axis=1)[:, :3].astype(np.int64)
    mix = np.array([0.6, 0.3, 0.1], dtype=np.float32)
    taste = np.einsum("k,ukd->ud", mix, centroids[favourites])
    noise = rng.standard_normal((n_users, dim)).astype(np.float32) / np.sqrt(dim)
    taste = unit(taste + USER_SPREAD * noise)
    device = rng.choice(len(DEVICES), size=n_users, p=[0.55, 0.25, 0.12, 0.08]).astype(np.int64)
    activity = rng.lognormal(0.0, 0.8, n_users)
    return Audience(taste, favourites, region.astype(np.int64), device, activity / activity.mean())


def _words(rng: np.random.Generator, vectors: np.ndarray, category: np.ndarray, names: list[str]):
    """Title '<adj> <noun>' and tags from the two strongest signed latent directions."""
    top = np.argsort(-np.abs(vectors), axis=1)[:, :2]
    code = 2 * top + (np.take_along_axis(vectors, top, axis=1) < 0)
    vocab = [
        ADJECTIVES[c % len(ADJECTIVES)] + (f"{c // len(ADJECTIVES) + 1}" if c >= len(ADJECTIVES) else "")
        for c in range(2 * vectors.shape[1])
    ]
    noun = rng.integers(0, len(NOUNS), len(vectors))
    sequel = rng.random(len(vectors)) < 0.08
    titles = [
        f"The {vocab[c].title()} {NOUNS[n].title()}{' II' if s else ''}"
        for c, n, s in zip(code[:, 0].tolist(), noun.tolist(), sequel.tolist(), strict=True)
    ]
    n_tags = rng.choice(4, size=len(vectors), p=[0.3, 0.3, 0.25, 0.15]).tolist()
    classic = [name.lower() + " classic" for name in names]
    tags = [
        [vocab[a], vocab[b], classic[c]][:k]
        for a, b, c, k in zip(
            code[:, 0].tolist(), code[:, 1].tolist(), category.tolist(), n_tags, strict=True
        )
    ]
    return titles, tags
