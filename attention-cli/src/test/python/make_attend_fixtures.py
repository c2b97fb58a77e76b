#!/usr/bin/env python3
"""Float64 numpy references for `./attention4j attend` (numpy only; deterministic).

Writes, for each scorer S in additive, bilinear, dot, scaled-dot, into
attention-cli/src/test/resources/attend/S/:

  q.npy, k.npy, v.npy        float32 inputs: query [N_Q, d_q], keys [N_K, d_k], values [N_K, D_V]
  params.safetensors         additive: W_q [h, d_q], W_k [h, d_k], v [h], b [h]; bilinear: W [d_q, d_k]
                             (F32, written by hand: an 8-byte little-endian header length, a JSON header,
                             then the raw little-endian data)
  mask.npy                   bool [N_Q, N_K], 1 = may attend; row EMPTY_ROW is fully masked
  N_C_output.npy             float64 reference output [N_Q, D_V] = A V
  N_C_weights.npy            float64 reference weights A [N_Q, N_K]

for every normalizer N in softmax, sparsemax, entmax15 and every configuration C:

  none      no mask, T = 1                                 (attend ... )
  mask      mask.npy, T = 1                                (attend ... --mask mask.npy)
  causal    bottom-right causal, T = 1: key j allowed for  (attend ... --causal)
            query i iff j <= i + N_K - N_Q (N_Q != N_K)
  t0_5      no mask, T = 0.5                               (attend ... --temperature 0.5)
  t2        no mask, T = 2                                 (attend ... --temperature 2)

Every reference is computed in float64 from exactly the float32 values the Java side reads (inputs
and parameters are rounded to float32 first). Scores: dot q.k, scaled-dot q.k / sqrt(d),
bilinear q^T W k, additive v^T tanh(W_q q + W_k k + b); weights are the row map of z = s / T over
the allowed keys (a row with none is all zeros); sparsemax and 1.5-entmax are the exact sort-based
algorithms, checked here against bisection.

Sparse maps are not differentiable, and a float32 score may land on either side, where an allowed
entry sits on its row's support threshold. The inputs of a scorer are therefore redrawn until, in
every sparsemax and entmax15 case, every allowed entry is at least MARGIN = 1e-4 (in units of
z = s / T) away from its threshold, and until the sparse maps are really sparse (some allowed
zeros, some rows with two or more non-zero weights).

Run from anywhere: python3 attention-cli/src/test/python/make_attend_fixtures.py
CI has no Python: the outputs are committed. Re-running reproduces them byte for byte.
"""
import json
import os
import sys

import numpy as np

SEED = 20251125
MARGIN = 1e-4
N_Q, N_K, D_V = 6, 9, 3          # N_Q != N_K: the causal case is bottom-right aligned
EMPTY_ROW = 2                    # the fully masked row of mask.npy
SCORERS = ("additive", "bilinear", "dot", "scaled-dot")
NORMALIZERS = ("softmax", "sparsemax", "entmax15")
CONFIGS = {"none": ("all", 1.0), "mask": ("file", 1.0), "causal": ("causal", 1.0),
           "t0_5": ("all", 0.5), "t2": ("all", 2.0)}

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "scripts", "fixtures"))
from safetensors_np import write_safetensors as _write_safetensors  # noqa: E402  (the shared writer)
OUT = os.path.join(ROOT, "attention-cli", "src", "test", "resources", "attend")


def f32(a):
    """Round to float32 and back: the references use exactly the values the Java code reads."""
    return np.asarray(a, dtype=np.float32).astype(np.float64)


# ---- files ---------------------------------------------------------------------------------------

def save_npy(path, array, dtype):
    np.save(path, np.ascontiguousarray(np.asarray(array, dtype=dtype)), allow_pickle=False)


def write_safetensors(path, tensors):
    """tensors: list of (name, float array), written as F32 in this order."""
    _write_safetensors(path, tensors, {"generator": "make_attend_fixtures.py", "seed": SEED}, dtype="<f4")

# ---- row maps in float64 -------------------------------------------------------------------------

def sparsemax_tau(z):
    """Martins & Astudillo (2016): tau with sum(max(z - tau, 0)) = 1, sort-based."""
    u = np.sort(z)[::-1]
    cs = np.cumsum(u)
    k = np.arange(1, len(z) + 1)
    kstar = k[1 + k * u > cs][-1]
    return (cs[kstar - 1] - 1) / kstar


def entmax15_tau(z):
    """Peters, Niculae & Martins (2019), Algorithm 2, on u = z / 2: tau with sum(max(u - tau, 0)^2) = 1."""
    u = np.sort(z / 2)[::-1]
    k = np.arange(1, len(z) + 1)
    mean = np.cumsum(u) / k
    ss = k * (np.cumsum(u * u) / k - mean ** 2)
    tau = mean - np.sqrt(np.clip((1 - ss) / k, 0, None))
    return tau[int(np.sum(tau <= u)) - 1]


def bisect_tau(u, power):
    """Independent check: sum(max(u - tau, 0)^power) = 1 by 200 halvings of [max - 1, max]."""
    lo, hi = u.max() - 1, u.max()
    for _ in range(200):
        mid = (lo + hi) / 2
        if np.sum(np.clip(u - mid, 0, None) ** power) > 1:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def row_map(kind, z):
    """The weights of one row of allowed entries, and each entry's distance to the support threshold."""
    if kind == "softmax":
        e = np.exp(z - z.max())
        return e / e.sum(), None
    if kind == "sparsemax":
        tau = sparsemax_tau(z)
        assert abs(tau - bisect_tau(z, 1)) < 1e-12, "sparsemax threshold disagrees with bisection"
        return np.clip(z - tau, 0, None), z - tau
    tau = entmax15_tau(z)
    assert abs(tau - bisect_tau(z / 2, 2)) < 1e-12, "entmax15 threshold disagrees with bisection"
    return np.clip(z / 2 - tau, 0, None) ** 2, z - 2 * tau   # the threshold in units of z is 2 tau


def normalize(kind, scores, allowed, t):
    """Row maps over the allowed keys; returns the weights and the smallest distance to a threshold."""
    a = np.zeros_like(scores)
    margin = np.inf
    for i in range(scores.shape[0]):
        keep = allowed[i]
        if not keep.any():
            continue                      # nothing to attend: zero weights
        p, gap = row_map(kind, scores[i, keep] / t)
        assert abs(p.sum() - 1) < 1e-12
        a[i, keep] = p
        if gap is not None:
            margin = min(margin, np.abs(gap).min())
    return a, margin


# ---- scorers in float64 --------------------------------------------------------------------------

def scores(scorer, q, k, params):
    if scorer == "dot":
        return q @ k.T
    if scorer == "scaled-dot":
        return q @ k.T / np.sqrt(q.shape[1])
    if scorer == "bilinear":
        return q @ params["W"] @ k.T
    p = q @ params["W_q"].T + params["b"]
    r = k @ params["W_k"].T
    return np.tanh(p[:, None, :] + r[None, :, :]) @ params["v"]


def draw(scorer, rng):
    """Inputs and parameters (float32-rounded), scaled so that scores spread over about ±1."""
    if scorer in ("dot", "scaled-dot"):
        d_q = d_k = 4
        sd = 0.6 if scorer == "dot" else 0.85
        q, k = rng.normal(0, sd, (N_Q, d_q)), rng.normal(0, sd, (N_K, d_k))
        params = {}
    elif scorer == "bilinear":
        d_q, d_k = 5, 4                   # d_q != d_k
        q, k = rng.normal(0, 1, (N_Q, d_q)), rng.normal(0, 1, (N_K, d_k))
        params = {"W": f32(rng.normal(0, 0.7 / np.sqrt(d_q * d_k), (d_q, d_k)))}
    else:
        d_q, d_k, h = 5, 4, 7
        q, k = rng.normal(0, 1, (N_Q, d_q)), rng.normal(0, 1, (N_K, d_k))
        params = {"W_q": f32(rng.normal(0, 1 / np.sqrt(d_q), (h, d_q))),
                  "W_k": f32(rng.normal(0, 1 / np.sqrt(d_k), (h, d_k))),
                  "v": f32(rng.normal(0, 0.5, h)),
                  "b": f32(rng.normal(0, 0.1, h))}
    v = rng.normal(0, 1, (N_K, D_V))
    mask = rng.random((N_Q, N_K)) < 0.7
    mask[EMPTY_ROW] = False
    return f32(q), f32(k), f32(v), params, mask


def allowed_keys(kind, mask):
    if kind == "all":
        return np.ones((N_Q, N_K), dtype=bool)
    if kind == "file":
        return mask
    i, j = np.indices((N_Q, N_K))
    return j <= i + (N_K - N_Q)


def references(scorer, q, k, v, params, mask):
    """{(normalizer, config): (output, weights)}, the smallest sparse margin, and sparsity counts."""
    s = scores(scorer, q, k, params)
    refs, margin, allowed_zeros, wide_rows = {}, np.inf, 0, 0
    for c, (kind, t) in CONFIGS.items():
        allowed = allowed_keys(kind, mask)
        for n in NORMALIZERS:
            a, m = normalize(n, s, allowed, t)
            assert np.all(a[~allowed] == 0)
            if n != "softmax":
                margin = min(margin, m)
                allowed_zeros += int(np.sum((a == 0) & allowed))
                wide_rows += int(np.sum(np.sum(a > 0, axis=1) >= 2))
            refs[(n, c)] = (a @ v, a)
    return refs, margin, allowed_zeros, wide_rows


def case(index, scorer):
    rng = np.random.default_rng([SEED, index])
    for attempt in range(1, 1001):
        q, k, v, params, mask = draw(scorer, rng)
        if (mask.sum(axis=1) < 2).sum() != 1:  # only EMPTY_ROW may be (and is) short of keys
            continue
        refs, margin, allowed_zeros, wide_rows = references(scorer, q, k, v, params, mask)
        if margin >= MARGIN and allowed_zeros >= 10 and wide_rows >= 20:
            return q, k, v, params, mask, refs, margin, attempt
    raise RuntimeError(scorer + ": no draw met the margin in 1000 attempts")


def main():
    for index, scorer in enumerate(SCORERS):
        q, k, v, params, mask, refs, margin, attempt = case(index, scorer)
        out = os.path.join(OUT, scorer)
        os.makedirs(out, exist_ok=True)
        save_npy(os.path.join(out, "q.npy"), q, "<f4")
        save_npy(os.path.join(out, "k.npy"), k, "<f4")
        save_npy(os.path.join(out, "v.npy"), v, "<f4")
        save_npy(os.path.join(out, "mask.npy"), mask, "|b1")
        if params:
            order = ("W_q", "W_k", "v", "b") if scorer == "additive" else ("W",)
            write_safetensors(os.path.join(out, "params.safetensors"), [(name, params[name]) for name in order])
        for (n, c), (o, a) in refs.items():
            save_npy(os.path.join(out, f"{n}_{c}_output.npy"), o, "<f8")
            save_npy(os.path.join(out, f"{n}_{c}_weights.npy"), a, "<f8")
        sparse = sum(int(np.sum(a == 0)) for (n, _), (_, a) in refs.items() if n != "softmax")
        print(f"{scorer:10s} d_q={q.shape[1]} d_k={k.shape[1]} draw {attempt}: smallest sparse margin {margin:.2e} "
              f"(>= {MARGIN:g}), {sparse} exact zeros in the sparse weights, {len(refs)} cases -> "
              f"{os.path.relpath(out, ROOT)}")


if __name__ == "__main__":
    main()
