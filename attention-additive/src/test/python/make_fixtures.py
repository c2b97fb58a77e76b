#!/usr/bin/env python3
"""Float64 reference fixtures for attention-additive and attention-sparse (numpy only).

Writes safetensors files (by hand: an 8-byte little-endian header length, a JSON header, then the
raw little-endian data) into the test resources of both modules:

  attention-additive/src/test/resources/fixtures/
    additive-<case>.params.safetensors   W_q [h, d_q], W_k [h, d_k], v [h] and, in some cases, b [h]
                                         (F32: exactly what the Java scorer loads)
    additive-<case>.safetensors          inputs (F32): query, keys, values, mask (1 = may attend),
                                         temperature [1], dOutput (dL/dO of the loss L = sum(dOutput * O));
                                         float64 references (F64): scores, and for each normalizer N in
                                         softmax, sparsemax, entmax15: weights_N, output_N, dQuery_N,
                                         dKeys_N, dValues_N, dW_q_N, dW_k_N, dv_N, db_N
  attention-sparse/src/test/resources/fixtures/
    sparse-<case>.safetensors            scores, mask, temperature, dWeights (F32); weights_N and
                                         dScores_N (F64) for N in sparsemax, entmax15

Every reference is computed in float64 from the float32-rounded inputs. Every allowed entry of
every sparsemax/entmax15 row lies at least MARGIN (1e-3, in units of z = s / T) away from its
support threshold, where the maps are not differentiable: the generator redraws a case until that
holds. The script checks its own references (sort-based maps against bisection, gradients against
central differences) before it writes anything.

Run from anywhere: python3 attention-additive/src/test/python/make_fixtures.py
CI does not run it; the outputs are committed.
"""
import json
import os
import sys

import numpy as np

MARGIN = 1e-3
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "scripts", "fixtures"))
from safetensors_np import write_safetensors as _write_safetensors  # noqa: E402  (the shared writer)
ADDITIVE_OUT = os.path.join(ROOT, "attention-additive", "src", "test", "resources", "fixtures")
SPARSE_OUT = os.path.join(ROOT, "attention-sparse", "src", "test", "resources", "fixtures")



def write_safetensors(path, tensors, metadata):
    """tensors: list of (name, ndarray of float32 or float64); order is kept."""
    size = _write_safetensors(path, tensors, metadata)
    print("wrote", os.path.relpath(path, ROOT), f"({size} bytes)")

# ---- row maps in float64 -----------------------------------------------------------------------

def sparsemax_tau(z):
    """Martins & Astudillo (2016): tau such that sum(max(z - tau, 0)) = 1, sort-based."""
    u = np.sort(z)[::-1]
    cs = np.cumsum(u)
    k = np.arange(1, len(z) + 1)
    support = 1 + k * u > cs
    kstar = k[support][-1]
    return (cs[kstar - 1] - 1) / kstar


def entmax15_tau(z):
    """Peters, Niculae & Martins (2019), Algorithm 2, on u = z / 2: tau with sum(max(u - tau, 0)^2) = 1."""
    u = np.sort(z / 2)[::-1]
    k = np.arange(1, len(z) + 1)
    mean = np.cumsum(u) / k
    mean_sq = np.cumsum(u * u) / k
    ss = k * (mean_sq - mean ** 2)
    delta = np.clip((1 - ss) / k, 0, None)
    tau = mean - np.sqrt(delta)
    kstar = int(np.sum(tau <= u))
    return tau[kstar - 1]


def bisect_tau(z, power):
    """Reference check by bisection: sum(max(z - tau, 0)^power) = 1."""
    lo, hi = z.max() - 1, z.max()
    for _ in range(200):
        mid = (lo + hi) / 2
        if np.sum(np.clip(z - mid, 0, None) ** power) > 1:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def row_map(kind, z):
    if kind == "softmax":
        e = np.exp(z - z.max())
        return e / e.sum(), None
    if kind == "sparsemax":
        tau = sparsemax_tau(z)
        assert abs(tau - bisect_tau(z, 1)) < 1e-12
        return np.clip(z - tau, 0, None), z - tau
    tau = entmax15_tau(z)
    assert abs(tau - bisect_tau(z / 2, 2)) < 1e-12
    return np.clip(z / 2 - tau, 0, None) ** 2, z - 2 * tau  # margin in units of z


def row_vjp(kind, p, g):
    if kind == "softmax":
        return p * (g - np.dot(p, g))
    if kind == "sparsemax":
        s = p > 0
        out = np.zeros_like(g)
        out[s] = g[s] - g[s].mean()
        return out
    s = np.sqrt(p)
    return s * g - (np.dot(s, g) / s.sum()) * s


def normalize(kind, scores, mask, t):
    """Row-wise over allowed keys; returns weights and the smallest distance to a support threshold."""
    a = np.zeros_like(scores)
    margin = np.inf
    for i in range(scores.shape[0]):
        allowed = mask[i] > 0
        if not allowed.any():
            continue
        p, gap = row_map(kind, scores[i, allowed] / t)
        a[i, allowed] = p
        if gap is not None:
            margin = min(margin, np.abs(gap).min())
    return a, margin


def normalize_backward(kind, a, d_a, mask, t):
    d_s = np.zeros_like(a)
    for i in range(a.shape[0]):
        allowed = mask[i] > 0
        if allowed.any():
            d_s[i, allowed] = row_vjp(kind, a[i, allowed], d_a[i, allowed]) / t
    return d_s


def central_difference(f, x, h=1e-6):
    g = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        fp = f()
        x[idx] = old - h
        fm = f()
        x[idx] = old
        g[idx] = (fp - fm) / (2 * h)
    return g


# ---- additive attention in float64 -------------------------------------------------------------

def additive_scores(q, k, wq, wk, v, b):
    p = q @ wq.T + b
    r = k @ wk.T
    return np.tanh(p[:, None, :] + r[None, :, :]) @ v


def attend(kind, x, mask, t):
    s = additive_scores(x["query"], x["keys"], x["W_q"], x["W_k"], x["v"], x["b"])
    a, margin = normalize(kind, s, mask, t)
    return s, a, a @ x["values"], margin


def attend_backward(kind, x, mask, t, d_out):
    q, k, vals, wq, wk, v, b = (x[n] for n in ("query", "keys", "values", "W_q", "W_k", "v", "b"))
    p = q @ wq.T + b
    r = k @ wk.T
    th = np.tanh(p[:, None, :] + r[None, :, :])  # [nq, nk, h]
    s = th @ v
    a, _ = normalize(kind, s, mask, t)
    d_values = a.T @ d_out
    d_a = d_out @ vals.T
    d_s = normalize_backward(kind, a, d_a, mask, t)
    inner = d_s[:, :, None] * v[None, None, :] * (1 - th * th)
    d_p = inner.sum(axis=1)
    d_r = inner.sum(axis=0)
    return {
        "dQuery": d_p @ wq, "dKeys": d_r @ wk, "dValues": d_values,
        "dW_q": d_p.T @ q, "dW_k": d_r.T @ k, "dv": np.einsum("ij,ijc->c", d_s, th), "db": d_p.sum(axis=0),
    }


def f32(a):
    """Round to float32 and back: the references use exactly the inputs the Java code sees."""
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def causal(nq, nk):
    i = np.arange(nq)[:, None]
    j = np.arange(nk)[None, :]
    return (j <= i + (nk - nq)).astype(np.float64)


def additive_case(name, seed, nq, nk, dq, dk, dv, h, t, mask_fn, with_bias, scale):
    rng = np.random.default_rng(seed)
    for attempt in range(1000):
        x = {
            "query": f32(rng.normal(size=(nq, dq)) * scale),
            "keys": f32(rng.normal(size=(nk, dk)) * scale),
            "values": f32(rng.normal(size=(nk, dv))),
            "W_q": f32(rng.uniform(-1, 1, size=(h, dq)) * np.sqrt(6 / (dq + h))),
            "W_k": f32(rng.uniform(-1, 1, size=(h, dk)) * np.sqrt(6 / (dk + h))),
            "v": f32(rng.uniform(-1, 1, size=h) * 2),
            "b": f32(rng.normal(size=h) * 0.3) if with_bias else np.zeros(h),
        }
        mask = mask_fn(nq, nk, rng)
        d_out = f32(rng.normal(size=(nq, dv)))
        margins = [attend(kind, x, mask, t)[3] for kind in ("sparsemax", "entmax15")]
        if min(margins) >= MARGIN:
            break
    else:
        raise RuntimeError(name + ": no draw kept every entry away from the support thresholds")
    tensors = [("query", x["query"]), ("keys", x["keys"]), ("values", x["values"]), ("mask", mask),
               ("temperature", np.array([t])), ("dOutput", d_out)]
    tensors = [(n, a.astype(np.float32)) for n, a in tensors]
    s = additive_scores(x["query"], x["keys"], x["W_q"], x["W_k"], x["v"], x["b"])
    tensors.append(("scores", s))
    for kind in ("softmax", "sparsemax", "entmax15"):
        _, a, o, _ = attend(kind, x, mask, t)
        grads = attend_backward(kind, x, mask, t, d_out)
        check_gradients(name + "/" + kind, kind, x, mask, t, d_out, grads)
        tensors += [("weights_" + kind, a), ("output_" + kind, o)]
        tensors += [(g + "_" + kind, grads[g]) for g in ("dQuery", "dKeys", "dValues", "dW_q", "dW_k", "dv", "db")]
    meta = {"generator": "make_fixtures.py", "seed": seed, "draws": attempt + 1, "margin": MARGIN,
            "loss": "sum(dOutput * output_N)", "mask": "1 = may attend"}
    write_safetensors(os.path.join(ADDITIVE_OUT, f"additive-{name}.safetensors"), tensors, meta)
    params = [("W_q", x["W_q"]), ("W_k", x["W_k"]), ("v", x["v"])] + ([("b", x["b"])] if with_bias else [])
    write_safetensors(os.path.join(ADDITIVE_OUT, f"additive-{name}.params.safetensors"),
                      [(n, a.astype(np.float32)) for n, a in params], {"generator": "make_fixtures.py", "seed": seed})


def check_gradients(label, kind, x, mask, t, d_out, grads):
    """The analytic float64 gradients against central differences of L = sum(dOutput * O)."""
    names = {"dQuery": "query", "dKeys": "keys", "dValues": "values", "dW_q": "W_q", "dW_k": "W_k", "dv": "v", "db": "b"}
    for g, var in names.items():
        work = {n: a.copy() for n, a in x.items()}
        fd = central_difference(lambda: float(np.sum(attend(kind, work, mask, t)[2] * d_out)), work[var])
        err = np.max(np.abs(fd - grads[g]) / (1e-6 + np.abs(grads[g])), initial=0)
        assert np.allclose(fd, grads[g], atol=1e-7, rtol=1e-5), f"{label} {g}: relative error {err}"


def sparse_case(name, seed, rows, cols, t, mask_fn, scale):
    rng = np.random.default_rng(seed)
    for attempt in range(1000):
        s = f32(rng.normal(size=(rows, cols)) * scale)
        mask = mask_fn(rows, cols, rng)
        d_a = f32(rng.normal(size=(rows, cols)))
        results = {kind: normalize(kind, s, mask, t) for kind in ("sparsemax", "entmax15")}
        if min(m for _, m in results.values()) >= MARGIN:
            break
    else:
        raise RuntimeError(name + ": no draw kept every entry away from the support thresholds")
    tensors = [(n, a.astype(np.float32)) for n, a in
               (("scores", s), ("mask", mask), ("temperature", np.array([t])), ("dWeights", d_a))]
    for kind, (a, _) in results.items():
        d_s = normalize_backward(kind, a, d_a, mask, t)
        work = s.copy()
        fd = central_difference(lambda: float(np.sum(normalize(kind, work, mask, t)[0] * d_a)), work)
        assert np.allclose(fd, d_s, atol=1e-7, rtol=1e-5), f"{name}/{kind}: backward vs central differences"
        assert np.all(np.abs(a.sum(axis=1) - (mask.sum(axis=1) > 0)) < 1e-12), f"{name}/{kind}: row sums"
        tensors += [("weights_" + kind, a), ("dScores_" + kind, d_s)]
    meta = {"generator": "make_fixtures.py", "seed": seed, "draws": attempt + 1, "margin": MARGIN,
            "loss": "sum(dWeights * weights_N)", "mask": "1 = may attend"}
    write_safetensors(os.path.join(SPARSE_OUT, f"sparse-{name}.safetensors"), tensors, meta)


def all_allowed(nq, nk, rng):
    return np.ones((nq, nk))


def causal_padded_with_empty_row(nq, nk, rng):
    """Causal (bottom-right aligned) AND key padding of the last key; query 0 may attend nothing."""
    m = causal(nq, nk)
    m[:, -1] = 0
    m[0, :] = 0
    return m


def random_mask_with_empty_row(rows, cols, rng):
    m = (rng.uniform(size=(rows, cols)) < 0.75).astype(np.float64)
    m[1, :] = 0
    return m


if __name__ == "__main__":
    # additive: n_q != n_k, d_q != d_k; one case without mask at T = 1 with a bias, one masked case at
    # T = 0.5 whose parameter file has no b (the scorer must load b = 0), one at T = 2 with a bias.
    additive_case("plain", seed=1, nq=4, nk=6, dq=5, dk=3, dv=4, h=7, t=1.0, mask_fn=all_allowed, with_bias=True, scale=1.0)
    additive_case("masked", seed=2, nq=5, nk=7, dq=3, dk=4, dv=2, h=6, t=0.5,
                  mask_fn=causal_padded_with_empty_row, with_bias=False, scale=1.0)
    additive_case("hot", seed=3, nq=3, nk=5, dq=4, dk=4, dv=3, h=5, t=2.0, mask_fn=all_allowed, with_bias=True, scale=2.0)
    # sparse: a random mask with an empty row at T = 1, and T = 0.5 and T = 2 with wider scores.
    sparse_case("t1", seed=11, rows=6, cols=9, t=1.0, mask_fn=random_mask_with_empty_row, scale=1.0)
    sparse_case("t0_5", seed=12, rows=5, cols=8, t=0.5, mask_fn=random_mask_with_empty_row, scale=1.0)
    sparse_case("t2", seed=13, rows=5, cols=12, t=2.0, mask_fn=all_allowed, scale=3.0)
