"""Shapes, normalisation and id hygiene of the nn.Modules."""

import numpy as np
import torch

from recsys_training.models import ContentEncoder, ItemTower, UserTower, WideDeepRanker


def user_inputs(b: int, hist: torch.Tensor | None = None):
    return (torch.arange(b) % 5, hist if hist is not None else torch.randint(0, 20, (b, 6)),
            torch.full((b,), 3), torch.full((b,), 2), torch.ones(b, dtype=torch.long), torch.zeros(b, dtype=torch.long))


def test_towers_output_unit_vectors_of_dim():
    torch.manual_seed(0)
    user = UserTower(5, 20, 3, 2, dim=8, hidden=16).eval()
    item = ItemTower(20, 4, torch.zeros(2), torch.ones(2), dim=8, hidden=16).eval()
    u = user(*user_inputs(7))
    v = item(torch.arange(7), torch.randint(0, 4, (7, 3)), torch.randn(7, 2))
    assert u.shape == (7, 8) and v.shape == (7, 8)
    assert torch.allclose(u.norm(dim=1), torch.ones(7), atol=1e-5)
    assert torch.allclose(v.norm(dim=1), torch.ones(7), atol=1e-5)


def test_history_padding_is_ignored_and_unknown_rows_read_as_padding():
    torch.manual_seed(0)
    user = UserTower(5, 20, 3, 2, dim=8, hidden=16).eval()
    base = torch.tensor([[3, 4, 0, 0]])
    shuffled_pad = torch.tensor([[0, 3, 0, 4]])
    out_of_vocab = torch.tensor([[3, 4, 999, -7]])
    a, b, c = (user(*user_inputs(1, h)) for h in (base, shuffled_pad, out_of_vocab))
    assert torch.allclose(a, b, atol=1e-6) and torch.allclose(a, c, atol=1e-6)
    other = user(*user_inputs(1, torch.tensor([[5, 6, 0, 0]])))
    assert not torch.allclose(a, other)


def test_item_tower_treats_nan_scalars_as_the_mean():
    torch.manual_seed(0)
    item = ItemTower(20, 4, torch.tensor([10.0, 1.0]), torch.tensor([2.0, 1.0]), dim=8, hidden=16).eval()
    rows, cats = torch.tensor([1]), torch.tensor([[1, 2, 0]])
    assert torch.allclose(item(rows, cats, torch.tensor([[float("nan"), 1.0]])),
                          item(rows, cats, torch.tensor([[10.0, 1.0]])), atol=1e-6)


def test_content_encoder_has_no_item_id_and_is_normalised():
    torch.manual_seed(0)
    enc = ContentEncoder(12, 4, torch.zeros(2), torch.ones(2), dim=8, hidden=16).eval()
    out = enc(torch.randn(3, 12), torch.randint(0, 4, (3, 2)), torch.randn(3, 2))
    assert out.shape == (3, 8)
    assert np.allclose(out.norm(dim=1).detach().numpy(), 1.0, atol=1e-5)


def test_ranker_wide_crosses_change_the_score_only_through_known_categories():
    torch.manual_seed(0)
    ranker = WideDeepRanker(torch.zeros(3), torch.ones(3), 20, 6, 2, 2, wide_buckets=97, hidden=(8,)).eval()
    torch.nn.init.normal_(ranker.wide_cross.weight)
    args = lambda uc: (torch.zeros(1, 3), torch.tensor([2]), torch.tensor([[1, 2]]), uc,  # noqa: E731
                       *(torch.zeros(1, dtype=torch.long) for _ in range(4)))
    padded = ranker(*args(torch.tensor([[0, 0]])))
    unknown = ranker(*args(torch.tensor([[0, 50]])))  # out of vocabulary -> padding
    known = ranker(*args(torch.tensor([[3, 0]])))
    assert padded.shape == (1,)
    assert torch.allclose(padded, unknown)
    assert not torch.allclose(padded, known)
