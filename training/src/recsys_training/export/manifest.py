"""The one manifest.json: proto3 JSON of recsys.model.v1.ModelManifest,
written through the generated protobuf so it cannot drift from the contract."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import UTC, datetime
from pathlib import Path

from google.protobuf import json_format

from recsys_training.export.files import Written, sha256_of
from recsys_training.export.onnx_models import ExportedModel
from recsys_training.gen.recsys.model.v1 import manifest_pb2 as pb
from recsys_training.train_pipeline import TrainedSystem

ROLES = {
    "user_tower": pb.MODEL_ROLE_USER_TOWER,
    "item_tower": pb.MODEL_ROLE_ITEM_TOWER,
    "content_encoder": pb.MODEL_ROLE_CONTENT_ENCODER,
    "ranker": pb.MODEL_ROLE_RANKER,
    "text_encoder": pb.MODEL_ROLE_TEXT_ENCODER,
}


def flat_params(obj: object, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for f in dataclasses.fields(obj):  # type: ignore[arg-type]
        value = getattr(obj, f.name)
        key = f"{prefix}{f.name}"
        if dataclasses.is_dataclass(value):
            out |= flat_params(value, key + ".")
        else:
            out[key] = str(value)
    return out


def version_of(created: datetime, data_hash: str, seed: int) -> str:
    digest = hashlib.sha256(f"{data_hash}:{seed}:{created.isoformat()}".encode()).hexdigest()[:6]
    return created.strftime("%Y%m%dT%H%M%SZ") + "-" + digest


def _tensor(t) -> pb.TensorSpec:
    return pb.TensorSpec(name=t.name, dtype=t.dtype, shape=list(t.shape), columns=list(t.columns))


def build_manifest(system: TrainedSystem, dataset_name: str, data_hash: str, seed: int,
                   models: dict[str, ExportedModel], written: list[Written], features: list[pb.FeatureSpec],
                   text: pb.TextEncoderSpec, metrics: dict[str, float], out: Path) -> pb.ModelManifest:
    created = datetime.now(UTC).replace(microsecond=0)
    s1, cfg = system.stage1, system.config
    m = pb.ModelManifest(
        version=version_of(created, data_hash, seed),
        created_at=created.isoformat().replace("+00:00", "Z"),
        dataset=dataset_name,
        data_hash=data_hash,
        embedding_dim=int(s1.item_emb.shape[1]),
        cold_item_threshold=cfg.stage1.cold_threshold,
        text_encoder=text,
        retrieval=pb.RetrievalSpec(history_length=cfg.stage1.two_tower.history_length, ann_k=cfg.candidates.ann_k,
                                   i2i_k=cfg.candidates.i2i_k, popular_k=cfg.candidates.popular_k,
                                   neighbours=int(s1.i2i.rows.shape[1])),
        session=pb.SessionSpec(gap_seconds=cfg.session.gap_ms // 1000, last_n=cfg.session.last_n,
                               user_categories=cfg.session.user_categories),
        item_rows=s1.items.n_rows,
        user_rows=s1.histories.rows.shape[0] + 1,
        popularity_half_life_days=s1.items.half_life_days,
        popularity_reference_ms=s1.items.reference_ms,
        index=pb.IndexSpec(path="item_index.faiss", factory=system.ann.factory, metric="inner_product",
                           nlist=system.ann.nlist, nprobe=system.ann.nprobe, count=system.ann.count),
    )
    for role, model in models.items():
        m.models.append(pb.OnnxModel(role=ROLES[role], path=model.path.name, sha256=sha256_of(model.path),
                                     inputs=[_tensor(t) for t in model.inputs],
                                     outputs=[_tensor(t) for t in model.outputs]))
    for w in written:
        m.artifacts.append(pb.Artifact(name=w.name, path=str(w.path.relative_to(out)), format=w.format,
                                       sha256=sha256_of(w.path), rows=w.rows))
    m.features.extend(features)
    for k, v in metrics.items():
        m.metrics[k] = float(v)
    m.params.update(flat_params(cfg) | {"seed": str(seed)})
    return m


def write_manifest(manifest: pb.ModelManifest, path: Path) -> None:
    text = json_format.MessageToJson(manifest, indent=2, preserving_proto_field_name=False)
    path.write_text(text + "\n", encoding="utf-8")


def read_manifest(path: Path) -> pb.ModelManifest:
    return json_format.Parse(path.read_text(encoding="utf-8"), pb.ModelManifest())
