#!/usr/bin/env python3
"""numpy's additive (Bahdanau) attention as a whole process: load the inputs and the parameters, write the output.

    python3 attention-bench/peers/additive_npy.py QUERY.npy KEYS.npy VALUES.npy PARAMS.safetensors OUT.npy [--rows 16]

The same computation as `attention4j attend --scorer additive --params PARAMS`: P = Q·W_qᵀ + b,
R = K·W_kᵀ, S[i][j] = Σ_h v[h]·tanh(P[i][h] + R[j][h]), softmax over j, output = A·V, in float32.
The tanh-reduce runs --rows query rows at a time (a [rows, n_k, h] temporary; np.tanh is one
thread), the softmax and A·V a block of 256 rows at a time, so no second n_q × n_k matrix is held.
"""
import argparse
import json
import struct

import numpy as np


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, t in header.items():
        if name == "__metadata__":
            continue
        assert t["dtype"] == "F32", (name, t["dtype"])
        a, b = t["data_offsets"]
        out[name] = np.frombuffer(data[a:b], dtype="<f4").reshape(t["shape"])
    return out


def additive(q, k, v, p, rows):
    proj_q = q @ p["W_q"].T + p.get("b", np.float32(0))
    proj_k = k @ p["W_k"].T
    w = p["v"]
    nq, nk = q.shape[0], k.shape[0]
    s = np.empty((nq, nk), np.float32)
    t = np.empty((rows, nk, w.shape[0]), np.float32)
    for i in range(0, nq, rows):
        b = min(rows, nq - i)
        tb = t[:b]
        np.add(proj_q[i:i + b, None, :], proj_k[None, :, :], out=tb)
        np.tanh(tb, out=tb)
        np.matmul(tb, w, out=s[i:i + b])
    out = np.empty((nq, v.shape[1]), np.float32)
    for i in range(0, nq, 256):
        sb = s[i:i + 256]
        sb -= sb.max(axis=1, keepdims=True)
        np.exp(sb, out=sb)
        z = sb.sum(axis=1, keepdims=True)
        np.matmul(sb, v, out=out[i:i + 256])
        out[i:i + 256] /= z
    return out


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    for name in ("query", "keys", "values", "params", "out"):
        ap.add_argument(name)
    ap.add_argument("--rows", type=int, default=16)
    a = ap.parse_args()
    q, k, v = (np.load(x).astype(np.float32, copy=False) for x in (a.query, a.keys, a.values))
    np.save(a.out, additive(q, k, v, read_safetensors(a.params), a.rows))
