"""EVALUATION.md's protocols P1-P5, each a function of (context, model names) -> results."""

from recsys_training.evaluate.protocols.p1 import run_p1
from recsys_training.evaluate.protocols.p3 import run_p3
from recsys_training.evaluate.protocols.p4 import run_p4
from recsys_training.evaluate.protocols.p5 import run_p5

__all__ = ["run_p1", "run_p3", "run_p4", "run_p5"]
