#!/usr/bin/env python3
"""numpy's blocked scaled-dot attention as a whole process: load three .npy files, write one.

    python3 attention-bench/peers/sdpa_npy.py QUERY.npy KEYS.npy VALUES.npy OUT.npy [--block 256]

The same computation as `attention4j attend --scorer scaled-dot`: softmax(Q·Kᵀ/√d)·V in float32,
query blocks of --block rows so no n_q × n_k matrix is held (one block's scores at a time). The
thread count is numpy's BLAS default or OPENBLAS_NUM_THREADS, set by the caller.
"""
import argparse

import numpy as np


def sdpa(q, k, v, block):
    nq, d = q.shape
    scale = np.float32(1 / np.sqrt(d))
    out = np.empty((nq, v.shape[1]), np.float32)
    s = np.empty((block, k.shape[0]), np.float32)
    kt = k.T
    for i in range(0, nq, block):
        b = min(block, nq - i)
        sb = s[:b]
        np.matmul(q[i:i + b], kt, out=sb)
        sb *= scale
        sb -= sb.max(axis=1, keepdims=True)
        np.exp(sb, out=sb)
        z = sb.sum(axis=1, keepdims=True)
        ob = out[i:i + b]
        np.matmul(sb, v, out=ob)
        ob /= z
    return out


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    for name in ("query", "keys", "values", "out"):
        ap.add_argument(name)
    ap.add_argument("--block", type=int, default=256)
    a = ap.parse_args()
    q, k, v = (np.load(p).astype(np.float32, copy=False) for p in (a.query, a.keys, a.values))
    np.save(a.out, sdpa(q, k, v, a.block))
