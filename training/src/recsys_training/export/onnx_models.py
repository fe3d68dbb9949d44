"""ONNX export of the four models (opset 17, dynamic batch axis on every
input and output). The legacy TorchScript exporter is used on purpose: it
exports these small graphs ~10x faster than the dynamo exporter, with the
same numbers (tests/test_export_onnx.py checks ONNX against PyTorch)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

OPSET = 17


@dataclass(frozen=True)
class Tensor:
    name: str
    dtype: str  # "float32" | "int64"
    shape: tuple[int, ...]  # -1 = batch
    columns: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExportedModel:
    path: Path
    inputs: list[Tensor]
    outputs: list[Tensor]


def example(inputs: list[Tensor], batch: int, seed: int = 0, high: dict[str, int] | None = None) -> dict[str, np.ndarray]:
    """Random inputs of the declared shapes (ids below `high[name]`, default 2)."""
    rng = np.random.default_rng(seed)
    out = {}
    for t in inputs:
        shape = tuple(batch if d == -1 else d for d in t.shape)
        if t.dtype == "int64":
            out[t.name] = rng.integers(0, (high or {}).get(t.name, 2), shape).astype(np.int64)
        else:
            out[t.name] = rng.standard_normal(shape).astype(np.float32)
    return out


def export_model(module: torch.nn.Module, inputs: list[Tensor], outputs: list[Tensor], path: Path,
                 high: dict[str, int] | None = None) -> ExportedModel:
    module = module.cpu().eval()
    sample = example(inputs, 3, high=high)
    args = tuple(torch.from_numpy(sample[t.name]) for t in inputs)
    axes = {t.name: {0: "batch"} for t in [*inputs, *outputs]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(module, args, str(path), input_names=[t.name for t in inputs],
                          output_names=[t.name for t in outputs], dynamic_axes=axes, opset_version=OPSET,
                          dynamo=False)
    return ExportedModel(path, inputs, outputs)


def user_tower_io(history_length: int, dim: int) -> tuple[list[Tensor], list[Tensor]]:
    ids = [Tensor(n, "int64", (-1,)) for n in ("user_row",)]
    ids.append(Tensor("history_rows", "int64", (-1, history_length)))
    ids += [Tensor(n, "int64", (-1,)) for n in ("hour", "dow", "device", "surface")]
    return ids, [Tensor("user_embedding", "float32", (-1, dim))]


def item_tower_io(n_categories: int, scalar_names: list[str], dim: int) -> tuple[list[Tensor], list[Tensor]]:
    return ([Tensor("item_row", "int64", (-1,)), Tensor("categories", "int64", (-1, n_categories)),
             Tensor("scalars", "float32", (-1, len(scalar_names)), tuple(scalar_names))],
            [Tensor("item_embedding", "float32", (-1, dim))])


def content_encoder_io(text_dim: int, n_categories: int, scalar_names: list[str],
                       dim: int) -> tuple[list[Tensor], list[Tensor]]:
    return ([Tensor("text_embedding", "float32", (-1, text_dim)),
             Tensor("categories", "int64", (-1, n_categories)),
             Tensor("scalars", "float32", (-1, len(scalar_names)), tuple(scalar_names))],
            [Tensor("item_embedding", "float32", (-1, dim))])


def ranker_io(columns: list[str], n_categories: int, n_user_categories: int) -> tuple[list[Tensor], list[Tensor]]:
    return ([Tensor("dense", "float32", (-1, len(columns)), tuple(columns)),
             Tensor("item_row", "int64", (-1,)),
             Tensor("item_categories", "int64", (-1, n_categories)),
             Tensor("user_categories", "int64", (-1, n_user_categories)),
             *(Tensor(n, "int64", (-1,)) for n in ("hour", "dow", "device", "surface"))],
            [Tensor("score", "float32", (-1,))])
