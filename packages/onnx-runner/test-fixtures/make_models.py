"""Writes the tiny ONNX models the onnx-runner tests and the onnx-raw benchmark use.

Graphs are built with onnx.helper rather than traced from torch so the weights are
exact and known to the TypeScript tests, and the script starts in about a second.

Usage: make_models.py OUT_DIR
"""

import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17
IR_VERSION = 8  # readable by every onnxruntime release from 1.14 on

# The tests hold copies of these numbers; change both together.
LINEAR_W = np.array([[1.0, -1.0], [2.0, 0.5], [-3.0, 4.0]], dtype=np.float32)  # [3, 2]
LINEAR_B = np.array([0.5, -0.25], dtype=np.float32)
EMBED_TABLE = np.arange(10, dtype=np.float32).reshape(5, 2)  # row i = [2i, 2i + 1]
HEAVY_WIDTH = 256
HEAVY_LAYERS = 24


def save(graph: onnx.GraphProto, path: Path) -> None:
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = IR_VERSION
    onnx.checker.check_model(model)
    onnx.save(model, str(path))


def linear(scale: float) -> onnx.GraphProto:
    """y = x @ (W * scale) + b and s = sum(y, axis=1); x is [batch, 3]."""
    return helper.make_graph(
        [
            helper.make_node("MatMul", ["x", "W"], ["xw"]),
            helper.make_node("Add", ["xw", "b"], ["y"]),
            helper.make_node("ReduceSum", ["y", "axes"], ["s"], keepdims=0),
        ],
        "linear",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 3])],
        [
            helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 2]),
            helper.make_tensor_value_info("s", TensorProto.FLOAT, ["batch"]),
        ],
        [
            numpy_helper.from_array(LINEAR_W * np.float32(scale), "W"),
            numpy_helper.from_array(LINEAR_B, "b"),
            numpy_helper.from_array(np.array([1], dtype=np.int64), "axes"),
        ],
    )


def embed() -> onnx.GraphProto:
    """out = table[ids] * float(weight); ids int64 [batch], weight int32 [batch, 1]."""
    return helper.make_graph(
        [
            helper.make_node("Gather", ["table", "ids"], ["rows"], axis=0),
            helper.make_node("Cast", ["weight"], ["wf"], to=TensorProto.FLOAT),
            helper.make_node("Mul", ["rows", "wf"], ["out"]),
        ],
        "embed",
        [
            helper.make_tensor_value_info("ids", TensorProto.INT64, ["batch"]),
            helper.make_tensor_value_info("weight", TensorProto.INT32, ["batch", 1]),
        ],
        [helper.make_tensor_value_info("out", TensorProto.FLOAT, ["batch", 2])],
        [numpy_helper.from_array(EMBED_TABLE, "table")],
    )


def heavy() -> onnx.GraphProto:
    """A deep tanh MLP that shares one weight: slow per row, small on disk; x is [batch, 256]."""
    rng = np.random.default_rng(7)
    w = (rng.standard_normal((HEAVY_WIDTH, HEAVY_WIDTH)) / np.sqrt(HEAVY_WIDTH)).astype(np.float32)
    nodes, prev = [], "x"
    for i in range(HEAVY_LAYERS):
        nodes.append(helper.make_node("MatMul", [prev, "W"], [f"m{i}"]))
        nodes.append(helper.make_node("Tanh", [f"m{i}"], [f"h{i}"]))
        prev = f"h{i}"
    nodes.append(helper.make_node("ReduceMean", [prev], ["score"], axes=[1], keepdims=0))
    return helper.make_graph(
        nodes,
        "heavy",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", HEAVY_WIDTH])],
        [helper.make_tensor_value_info("score", TensorProto.FLOAT, ["batch"])],
        [numpy_helper.from_array(w, "W")],
    )


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit("usage: make_models.py OUT_DIR")
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    save(linear(1.0), out / "linear.onnx")
    save(linear(2.0), out / "linear_v2.onnx")
    save(embed(), out / "embed.onnx")
    save(heavy(), out / "heavy.onnx")
    print(f"wrote 4 models to {out}")


if __name__ == "__main__":
    main()
