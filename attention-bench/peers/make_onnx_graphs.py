#!/usr/bin/env python3
"""Writes the ONNX graphs that attention-bench runs on ONNX Runtime (kernels=ort:T / ortmm:T).

Needs only the `onnx` package (Debian's python3-onnx 1.12 is enough); the graphs have no weights,
just inputs, so each file is a few hundred bytes. Run from anywhere:

    python3 attention-bench/peers/make_onnx_graphs.py

Graphs (static shapes, float32), named after the JMH `shape` parameter they serve:
  mha-<nq>x<nk>x<d>x<H>.onnx   com.microsoft MultiHeadAttention (ORT's fused CPU attention):
                               query [1, nq, H*d] (the op's BSD layout), key and value
                               [1, H, nk, d] (BNSH, as a key/value cache holds them), scale 1/sqrt(d);
                               output [1, nq, H*d].
  mmsm-<nq>x<nk>x<d>x<H>.onnx  the same attention as plain ops: Softmax(MatMul(Q*scale, Kᵀ)) · V on
                               [H, n, d] tensors (ORT fuses Transpose+MatMul+scale into FusedMatMul).
  matmul-<m>x<n>x<k>.onnx      C = MatMul(A, Transpose(B)), A [m, k], B [n, k] (one head's Q·Kᵀ).
"""
import math
import os

import onnx
from onnx import TensorProto, helper

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "main", "resources", "onnx")
OPSET = [helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)]

# ARCHITECTURE §6: SDPA L = 512 ... 4096, d = 64, 8 heads (and L = 2048 with one head, the scalar
# kernels' scaled-down row); decode n_q = 1, n_k = 4096, d = 128, 32 heads.
ATTENTION = [(512, 512, 64, 8), (1024, 1024, 64, 8), (2048, 2048, 64, 1), (2048, 2048, 64, 8),
             (4096, 4096, 64, 8), (1, 4096, 128, 32)]
MATMUL = [(512, 512, 64), (2048, 2048, 64)]


def tensor(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, list(shape))


def save(graph, name):
    model = helper.make_model(graph, opset_imports=OPSET, producer_name="attention4j-bench")
    model.ir_version = 8
    onnx.checker.check_model(model)
    path = os.path.join(OUT, name + ".onnx")
    onnx.save(model, path)
    print(f"{os.path.relpath(path)}  ({os.path.getsize(path)} bytes)")


def mha(nq, nk, d, heads):
    node = helper.make_node("MultiHeadAttention", ["query", "key", "value"], ["output"],
                            domain="com.microsoft", num_heads=heads, scale=1.0 / math.sqrt(d))
    graph = helper.make_graph([node], "mha",
                              [tensor("query", (1, nq, heads * d)), tensor("key", (1, heads, nk, d)),
                               tensor("value", (1, heads, nk, d))],
                              [tensor("output", (1, nq, heads * d))])
    save(graph, f"mha-{nq}x{nk}x{d}x{heads}")


def mmsm(nq, nk, d, heads):
    scale = helper.make_tensor("scale", TensorProto.FLOAT, [], [1.0 / math.sqrt(d)])
    nodes = [
        helper.make_node("Mul", ["query", "scale"], ["q_scaled"]),
        helper.make_node("Transpose", ["key"], ["key_t"], perm=[0, 2, 1]),
        helper.make_node("MatMul", ["q_scaled", "key_t"], ["scores"]),
        helper.make_node("Softmax", ["scores"], ["weights"], axis=-1),
        helper.make_node("MatMul", ["weights", "value"], ["output"]),
    ]
    graph = helper.make_graph(nodes, "mmsm",
                              [tensor("query", (heads, nq, d)), tensor("key", (heads, nk, d)),
                               tensor("value", (heads, nk, d))],
                              [tensor("output", (heads, nq, d))], initializer=[scale])
    save(graph, f"mmsm-{nq}x{nk}x{d}x{heads}")


def matmul(m, n, k):
    nodes = [helper.make_node("Transpose", ["b"], ["b_t"], perm=[1, 0]),
             helper.make_node("MatMul", ["a", "b_t"], ["c"])]
    graph = helper.make_graph(nodes, "matmul", [tensor("a", (m, k)), tensor("b", (n, k))],
                              [tensor("c", (m, n))])
    save(graph, f"matmul-{m}x{n}x{k}")


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    for shape in ATTENTION:
        mha(*shape)
        mmsm(*shape)
    for shape in MATMUL:
        matmul(*shape)
