"""Offline evaluation: splits, metrics, baselines and the P1-P5 runner (EVALUATION.md)."""

from recsys_training.evaluate.diagnostics import StageDiagnostics
from recsys_training.evaluate.recommender import Recommender, top_k
from recsys_training.evaluate.registry import ModelOptions, ModelUnavailable, build, register

__all__ = [
    "ModelOptions",
    "ModelUnavailable",
    "Recommender",
    "StageDiagnostics",
    "build",
    "register",
    "top_k",
]
