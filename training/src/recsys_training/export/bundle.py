"""Writes one complete artifacts folder: ONNX models, tables and manifest.json."""

from __future__ import annotations

from pathlib import Path

from recsys_training.data.types import Dataset
from recsys_training.export.files import Written
from recsys_training.export.manifest import build_manifest, write_manifest
from recsys_training.export.onnx_models import (
    ExportedModel,
    Tensor,
    content_encoder_io,
    export_model,
    item_tower_io,
    ranker_io,
    user_tower_io,
)
from recsys_training.export.tables import write_tables
from recsys_training.gen.recsys.model.v1 import manifest_pb2 as pb
from recsys_training.text import MAX_TAGS, MiniLMTextEncoder, TextEncoder
from recsys_training.train_pipeline import TrainedSystem

TEXT_TEMPLATE = "{title}. {categories}. {tags}"


def export_models(system: TrainedSystem, text_dim: int, out: Path) -> dict[str, ExportedModel]:
    s1 = system.stage1
    items = s1.items
    dim = int(s1.item_emb.shape[1])
    n_cat = items.categories.shape[1]
    user_rows = s1.histories.rows.shape[0] + 1
    id_high = {"user_row": user_rows, "history_rows": items.n_rows, "item_row": items.n_rows,
               "categories": items.n_category_rows, "item_categories": items.n_category_rows,
               "user_categories": items.n_category_rows, "hour": 25, "dow": 8,
               "device": s1.n_devices, "surface": s1.n_surfaces}
    models = {}
    io = user_tower_io(s1.histories.rows.shape[1], dim)
    models["user_tower"] = export_model(s1.user_tower, *io, out / "user_tower.onnx", id_high)
    io = item_tower_io(n_cat, items.scalar_names, dim)
    models["item_tower"] = export_model(s1.item_tower, *io, out / "item_tower.onnx", id_high)
    io = content_encoder_io(text_dim, n_cat, items.scalar_names, dim)
    models["content_encoder"] = export_model(s1.content_encoder, *io, out / "content_encoder.onnx", id_high)
    io = ranker_io(system.dense_columns, n_cat, system.config.session.user_categories)
    models["ranker"] = export_model(system.ranker, *io, out / "ranker.onnx", id_high)
    return models


def feature_specs(system: TrainedSystem) -> list[pb.FeatureSpec]:
    s1 = system.stage1
    items = s1.items
    cat, dense, seq = pb.FEATURE_KIND_CATEGORICAL, pb.FEATURE_KIND_DENSE, pb.FEATURE_KIND_SEQUENCE
    specs = [
        pb.FeatureSpec(name="user_row", kind=cat, vocab_size=s1.histories.rows.shape[0] + 1,
                       vocab_path="vocab_users.json"),
        pb.FeatureSpec(name="item_row", kind=cat, vocab_size=items.n_rows, vocab_path="vocab_items.json"),
        pb.FeatureSpec(name="history_rows", kind=seq, vocab_size=items.n_rows, vocab_path="vocab_items.json",
                       length=s1.histories.rows.shape[1]),
        pb.FeatureSpec(name="category", kind=cat, vocab_size=items.n_category_rows,
                       vocab_path="vocab_categories.json", length=items.categories.shape[1]),
        pb.FeatureSpec(name="device", kind=cat, vocab_size=s1.n_devices, vocab_path="vocab_devices.json"),
        pb.FeatureSpec(name="surface", kind=cat, vocab_size=s1.n_surfaces, vocab_path="vocab_surfaces.json"),
        pb.FeatureSpec(name="hour", kind=cat, vocab_size=25),
        pb.FeatureSpec(name="dow", kind=cat, vocab_size=8),
    ]
    for name, mean, std in zip(items.scalar_names, items.scalar_mean, items.scalar_std):
        specs.append(pb.FeatureSpec(name=f"scalar.{name}", kind=dense, mean=float(mean), std=float(std),
                                    normalized_in_model=True))
    for name, mean, std in zip(system.dense_columns, system.dense_mean, system.dense_std):
        specs.append(pb.FeatureSpec(name=f"ranker.{name}", kind=dense, mean=float(mean), std=float(std),
                                    normalized_in_model=True))
    return specs


def check_servable(system: TrainedSystem) -> None:
    """Serving aggregates item-to-item over the history rows and reads positive neighbours;
    the offline experiments beyond that (training/README.md, "Quality") cannot be exported."""
    cfg = system.config
    if cfg.candidates.i2i_over_seen or cfg.stage1.i2i_k_negative:
        raise ValueError("export: i2i_over_seen and i2i_k_negative are offline experiments that the "
                         "serving path does not implement; train with them off to export")


def export_system(system: TrainedSystem, data: Dataset, encoder: TextEncoder, out: Path, seed: int,
                  metrics: dict[str, float] | None = None) -> pb.ModelManifest:
    check_servable(system)
    out.mkdir(parents=True, exist_ok=True)
    models = export_models(system, encoder.dim, out)
    written: list[Written] = write_tables(system, data, out)
    text = pb.TextEncoderSpec(kind=encoder.name, dim=encoder.dim, template=TEXT_TEMPLATE, max_tags=MAX_TAGS)
    if isinstance(encoder, MiniLMTextEncoder):
        from recsys_training.export.text_encoder_onnx import export_text_encoder

        path, files = export_text_encoder(encoder, out)
        models["text_encoder"] = ExportedModel(
            path,
            [Tensor("input_ids", "int64", (-1, -1)), Tensor("attention_mask", "int64", (-1, -1))],
            [Tensor("text_embedding", "float32", (-1, encoder.dim))],
        )
        written += [Written(f.stem, f, "text" if f.suffix == ".txt" else "json", 0) for f in files]
        text.max_length = encoder.max_length
        text.vocab_path, text.tokenizer_path = files[0].name, files[1].name
    manifest = build_manifest(system, data.name, data.data_hash, seed, models, written, feature_specs(system),
                              text, {**system.metrics, **(metrics or {})}, out)
    write_manifest(manifest, out / "manifest.json")
    return manifest
