"""Synthetic behaviour: sessions with topic drift, slates, position-biased clicks.

Simulated in user chunks so memory stays bounded at millions of users. A click
needs examination and relevance (the position-based click model, Craswell et al.
2008): P(click) = (1 + position)^-eta * sigmoid(affinity * <taste, item> + quality
+ topic boost + bias). Slate items are drawn by popularity among the items that
exist at request time, mostly from the session's current topic.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from recsys_training.data.synthetic_catalog import DEVICES, Audience, Catalogue

DAY_MS = 86_400_000
# Share of sessions starting in each hour of the day: quiet nights, busy evenings.
DIURNAL = np.array([2, 1, 1, 1, 1, 2, 3, 4, 5, 5, 5, 5, 6, 5, 5, 5, 6, 7, 8, 9, 9, 8, 6, 4], dtype=np.float64)
DIURNAL /= DIURNAL.sum()
FIRST_SURFACE = [0.7, 0.2, 0.0, 0.1]  # home, search, item_page, category
LATER_SURFACE = [0.2, 0.2, 0.45, 0.15]


@dataclass(frozen=True)
class Behaviour:
    sessions_per_user: float
    requests_per_session: float
    slate_size: int
    eta: float  # examination decay over positions
    drift: float  # chance the topic changes between requests of a session
    topic_share: float  # share of slate slots drawn from the session topic
    affinity: float
    topic_boost: float
    bias: float
    impression_rate: float  # share of requests whose impressions are logged
    start_ms: int
    days: int


class ArrivalSampler:
    """Draws items of a category by popularity among those created before a time."""

    def __init__(self, catalogue: Catalogue, n_categories: int, end_ms: int):
        created = catalogue.items.created_at
        assert created is not None
        self.order = np.lexsort((created, catalogue.category))
        cats = catalogue.category[self.order]
        self.t0 = int(created.min())
        self.span = np.int64(end_ms + DAY_MS - self.t0)
        self.key = cats * self.span + (created[self.order] - self.t0)
        self.cum = np.cumsum(catalogue.weight[self.order])
        self.cum_before = np.r_[0.0, self.cum]
        self.start = np.searchsorted(cats, np.arange(n_categories), side="left")
        # A category without items (possible in tiny catalogues) borrows the largest one's.
        count = np.bincount(cats, minlength=n_categories)
        self.redirect = np.where(count > 0, np.arange(n_categories), int(np.argmax(count)))

    def sample(self, rng: np.random.Generator, category: np.ndarray, time_ms: np.ndarray) -> np.ndarray:
        category = self.redirect[category]
        start = self.start[category]
        end = np.searchsorted(self.key, category * self.span + (time_ms - self.t0), side="right")
        end = np.maximum(end, start + 1)
        lo, hi = self.cum_before[start], self.cum_before[end]
        pos = np.searchsorted(self.cum, lo + rng.random(len(category)) * (hi - lo), side="right")
        return self.order[np.clip(pos, start, end - 1)]


def simulate_chunk(
    rng: np.random.Generator,
    users: np.ndarray,
    catalogue: Catalogue,
    audience: Audience,
    sampler: ArrivalSampler,
    category_share: np.ndarray,
    b: Behaviour,
    first_session: int,
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], int]:
    """Clicks (as interactions), logged impressions and the session count for `users`."""
    n_sess = 1 + rng.poisson(audience.activity[users] * (b.sessions_per_user - 1))
    sess_user = np.repeat(users, n_sess)
    n_s = len(sess_user)
    hour = rng.choice(24, size=n_s, p=DIURNAL)
    start = (
        b.start_ms
        + rng.integers(0, b.days, n_s) * DAY_MS
        + hour * 3_600_000
        + rng.integers(0, 3_600_000, n_s)
    )
    device = np.where(rng.random(n_s) < 0.8, audience.device[sess_user], rng.integers(0, len(DEVICES), n_s))
    n_req = rng.geometric(1.0 / b.requests_per_session, n_s)
    req_sess = np.repeat(np.arange(n_s), n_req)
    r = len(req_sess)
    step = np.arange(r) - np.repeat(np.cumsum(n_req) - n_req, n_req)
    req_user = sess_user[req_sess]
    topic = _topics(rng, audience.favourites[req_user], step, len(category_share), b.drift)
    req_time = start[req_sess] + step * 60_000 + rng.integers(0, 30_000, r)
    surface = np.where(
        step == 0, rng.choice(4, size=r, p=FIRST_SURFACE), rng.choice(4, size=r, p=LATER_SURFACE)
    )

    k = b.slate_size
    on_topic = rng.random((r, k)) < b.topic_share
    slot_cat = np.where(
        on_topic, topic[:, None], rng.choice(len(category_share), size=(r, k), p=category_share)
    )
    slot_time = np.repeat(req_time, k)
    items = sampler.sample(rng, slot_cat.ravel(), slot_time).reshape(r, k)
    for _ in range(2):  # redraw repeats within a slate (rarely needed twice)
        dup = _repeats(items)
        if not dup.any():
            break
        items[dup] = sampler.sample(rng, slot_cat[dup], slot_time.reshape(r, k)[dup])

    dot = np.einsum("rd,rkd->rk", audience.taste[req_user], catalogue.vectors[items])
    logit = b.affinity * dot + catalogue.quality[items] + b.bias
    logit += np.where(catalogue.category[items] == topic[:, None], b.topic_boost, 0.0)
    relevance = 1.0 / (1.0 + np.exp(-logit))
    position = np.broadcast_to(np.arange(k), (r, k))
    clicked = rng.random((r, k)) < (1.0 + position) ** -b.eta * relevance

    rows, cols = np.nonzero(clicked)
    clicked_items = items[rows, cols]
    watch = catalogue.duration[clicked_items] * rng.beta(1.0 + 4.0 * relevance[rows, cols], 2.0)
    clicks = {
        "user": req_user[rows],
        "item": clicked_items,
        "timestamp": req_time[rows] + (cols + 1) * 4_000 + rng.integers(0, 20_000, len(rows)),
        "watch_seconds": watch.astype(np.float32),
    }
    logged = np.repeat(rng.random(r) < b.impression_rate, k).reshape(r, k)
    lr, lc = np.nonzero(logged)
    shown = {
        "user": req_user[lr],
        "item": items[lr, lc],
        "timestamp": req_time[lr],
        "position": lc.astype(np.int64),
        "clicked": clicked[lr, lc],
        "session": first_session + req_sess[lr],
        "device": device[req_sess[lr]].astype(np.int64),
        "surface": surface[lr].astype(np.int64),
    }
    return clicks, shown, n_s


def _topics(rng: np.random.Generator, favourites: np.ndarray, step: np.ndarray, n_cat: int, drift: float):
    """Per request, the session topic: a favourite (or a random category), kept until it drifts."""
    r = len(step)
    pick = rng.choice(3, size=r, p=[0.6, 0.3, 0.1])
    candidate = favourites[np.arange(r), pick]
    candidate = np.where(rng.random(r) < 0.15, rng.integers(0, n_cat, r), candidate)
    switch = (step == 0) | (rng.random(r) < drift)
    last = np.maximum.accumulate(np.where(switch, np.arange(r), 0))
    return candidate[last]


def _repeats(items: np.ndarray) -> np.ndarray:
    """Mask of slots whose item already appears earlier in the same slate."""
    order = np.argsort(items, axis=1, kind="stable")
    ordered = np.take_along_axis(items, order, axis=1)
    same = ordered[:, 1:] == ordered[:, :-1]
    mask = np.zeros(items.shape, dtype=bool)
    rows = np.nonzero(same)[0]
    mask[rows, order[:, 1:][same]] = True
    return mask
