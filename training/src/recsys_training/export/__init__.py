"""Export of a trained system: ONNX models, tables and manifest.json (see training/README.md)."""

from recsys_training.export.bundle import export_system

__all__ = ["export_system"]
