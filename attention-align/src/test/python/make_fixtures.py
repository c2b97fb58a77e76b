#!/usr/bin/env python3
"""Float64 reference fixtures for attention-align's differential tests (numpy only).

Run from anywhere:  python3 attention-align/src/test/python/make_fixtures.py
Writes into attention-align/src/test/resources/fixtures/:
  inputs.safetensors   every case's series as F32 tensors "<case>.x" [n, d] and "<case>.y" [m, d]
  <case>.path.npy      the optimal warping path, int64 [L, 2] of (i, j)
  expected.json        distances, path lengths, soft-DTW values and expected alignment matrices,
                       shift landscapes and posteriors (floats written with repr: exact round trip)

The reference is deliberately plain and slow: explicit loops in float64 over the float32-rounded
inputs, with the same conventions as the Java code (docs/CLI.md, `align`):
  * local cost: squared Euclidean or absolute (L1) difference, summed over the d columns in order;
  * DTW: D[i,j] = C[i,j] + min(D[i-1,j-1], D[i-1,j], D[i,j-1]), D[-1,-1] = 0;
  * the path is traced back from (n-1, m-1); ties prefer the diagonal, then (i-1, j), then (i, j-1)
    (numpy.argmin over [diag, up, left], as tslearn's _return_path does);
  * the Sakoe-Chiba band keeps |i - j*n/m| <= W, tested exactly as |i*m - j*n| <= W*m on integers;
  * soft-DTW (Cuturi & Blondel 2017): R[i,j] = C[i,j] + softmin_gamma(diag, up, left) with a
    log-sum-exp soft-min, and the expected alignment E = dR[n-1,m-1]/dC by the backward recursion;
  * the shift landscape: y[t] = x[t - tau]; for |tau| <= S the sum over i of s[i, i+tau] = -C[i, i+tau]
    (i ascending), the count and the mean; tau* = argmax of the mean, ties to the smallest |tau|,
    then the negative one; the posterior is the softmax of the mean landscape at temperature T.

tslearn's conventions, for comparison: tslearn.metrics.dtw returns sqrt(distance) (our
"distance_sqrt"); tslearn.metrics.soft_dtw returns the soft-DTW value on squared Euclidean costs,
without a square root (our "soft_value"); for n == m its sakoe_chiba_radius is our band W, for n != m
tslearn widens the band by |n - m| instead of scaling it by n/m.
"""
import json
import os
import sys

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "fixtures")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "scripts", "fixtures"))
from safetensors_np import write_safetensors as _write_safetensors  # noqa: E402  (the shared writer)
INF = float("inf")


def local_cost(x, y, kind):
    x64, y64 = x.astype(np.float64), y.astype(np.float64)
    n, d = x.shape
    m = y.shape[0]
    c = np.zeros((n, m), dtype=np.float64)
    for k in range(d):                      # columns in order, like the Java loop
        diff = x64[:, None, k] - y64[None, :, k]
        c += diff * diff if kind == "sqeuclidean" else np.abs(diff)
    return c


def band_mask(n, m, w):
    allowed = np.ones((n, m), dtype=bool)
    if w is None:
        return allowed
    for i in range(n):
        for j in range(m):
            allowed[i, j] = abs(i * m - j * n) <= w * m
    return allowed


def dtw_table(c, allowed):
    n, m = c.shape
    d = np.full((n, m), INF)
    for i in range(n):
        for j in range(m):
            if not allowed[i, j]:
                continue
            if i == 0 and j == 0:
                best = 0.0
            else:
                diag = float(d[i - 1, j - 1]) if i > 0 and j > 0 else INF
                up = float(d[i - 1, j]) if i > 0 else INF
                left = float(d[i, j - 1]) if j > 0 else INF
                best = min(diag, up, left)
            d[i, j] = float(c[i, j]) + best
    return d


def traceback(d):
    n, m = d.shape
    i, j = n - 1, m - 1
    path = [(i, j)]
    while (i, j) != (0, 0):
        if i == 0:
            j -= 1
        elif j == 0:
            i -= 1
        else:
            k = int(np.argmin([d[i - 1, j - 1], d[i - 1, j], d[i, j - 1]]))   # first minimum wins
            if k == 0:
                i, j = i - 1, j - 1
            elif k == 1:
                i -= 1
            else:
                j -= 1
        path.append((i, j))
    return path[::-1]


def softmin(a, b, c, gamma):
    mn = min(a, b, c)
    if mn == INF:
        return INF
    s = np.exp(-(a - mn) / gamma) + np.exp(-(b - mn) / gamma) + np.exp(-(c - mn) / gamma)
    return mn - gamma * float(np.log(s))


def soft_dtw(c, allowed, gamma):
    n, m = c.shape
    r = np.full((n, m), INF)
    for i in range(n):
        for j in range(m):
            if not allowed[i, j]:
                continue
            diag = (float(r[i - 1, j - 1]) if i > 0 and j > 0 else (0.0 if i == 0 and j == 0 else INF))
            up = float(r[i - 1, j]) if i > 0 else INF
            left = float(r[i, j - 1]) if j > 0 else INF
            r[i, j] = float(c[i, j]) + softmin(diag, up, left, gamma)
    e = np.zeros((n, m))
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            if not allowed[i, j] or r[i, j] == INF:
                continue
            if i == n - 1 and j == m - 1:
                e[i, j] = 1.0
                continue
            rij = float(r[i, j])
            acc = 0.0
            if i + 1 < n and allowed[i + 1, j]:
                acc += float(e[i + 1, j]) * float(np.exp((float(r[i + 1, j]) - rij - float(c[i + 1, j])) / gamma))
            if j + 1 < m and allowed[i, j + 1]:
                acc += float(e[i, j + 1]) * float(np.exp((float(r[i, j + 1]) - rij - float(c[i, j + 1])) / gamma))
            if i + 1 < n and j + 1 < m and allowed[i + 1, j + 1]:
                acc += float(e[i + 1, j + 1]) * float(
                    np.exp((float(r[i + 1, j + 1]) - rij - float(c[i + 1, j + 1])) / gamma))
            e[i, j] = acc
    return float(r[n - 1, m - 1]), e


def landscape(c, max_shift):
    n, m = c.shape
    taus, sums, counts, means = [], [], [], []
    for tau in range(-max_shift, max_shift + 1):
        i0, i1 = max(0, -tau), min(n, m - tau)
        s = 0.0
        for i in range(i0, i1):
            s += -float(c[i, i + tau])
        taus.append(tau)
        sums.append(s)
        counts.append(i1 - i0)
        means.append(s / (i1 - i0))
    order = sorted(range(len(taus)), key=lambda k: (abs(taus[k]), taus[k]))   # 0, -1, 1, -2, 2, ...
    best = order[0]
    for k in order[1:]:
        if means[k] > means[best]:
            best = k
    return taus, sums, counts, means, taus[best]


def posterior(taus, means, tau_star, temperature):
    mu = np.array(means)
    z = (mu - mu.max()) / temperature
    p = np.exp(z)
    p /= p.sum()
    k = taus.index(tau_star)
    others = np.delete(p, k)
    margin = float(p[k] - (others.max() if len(others) else 0.0))
    entropy = float(-sum(float(q) * np.log(q) for q in p if q > 0))
    return {"temperature": temperature, "tau_map": tau_star, "margin": margin, "entropy": entropy}


def ar1(rng, length, d, phi):
    z = np.zeros((length, d))
    z[0] = rng.standard_normal(d)
    for t in range(1, length):
        z[t] = phi * z[t - 1] + np.sqrt(1 - phi * phi) * rng.standard_normal(d)
    return z


def cases():
    rng = np.random.default_rng(20240611)
    f32 = np.float32
    out = []

    def add(name, x, y, cost="sqeuclidean", band=None):
        out.append((name, np.ascontiguousarray(x, dtype=f32), np.ascontiguousarray(y, dtype=f32), cost, band))

    add("random-equal", rng.standard_normal((8, 1)), rng.standard_normal((8, 1)))
    add("random-unequal", rng.standard_normal((23, 3)), rng.standard_normal((31, 3)))
    add("random-unequal-tall", rng.standard_normal((31, 2)) * 3, rng.standard_normal((17, 2)), "abs")
    add("abs-cost", rng.standard_normal((17, 2)), rng.standard_normal((12, 2)), "abs")
    add("length-one-x", rng.standard_normal((1, 2)), rng.standard_normal((9, 2)))
    add("length-one-y", rng.standard_normal((6, 1)), rng.standard_normal((1, 1)))
    add("length-one-both", rng.standard_normal((1, 3)), rng.standard_normal((1, 3)))
    add("constant-same", np.full((12, 1), 0.5), np.full((9, 1), 0.5))
    add("constant-different", np.full((7, 2), 1.0), np.full((10, 2), -0.25))
    add("integer-ties", rng.integers(0, 3, (20, 1)), rng.integers(0, 3, (16, 1)))
    add("integer-ties-abs", rng.integers(0, 3, (14, 2)), rng.integers(0, 3, (19, 2)), "abs")
    add("band-equal", rng.standard_normal((40, 2)), rng.standard_normal((40, 2)), band=3)
    add("band-unequal", rng.standard_normal((30, 1)), rng.standard_normal((45, 1)), band=2)
    add("band-unequal-tall", rng.standard_normal((50, 1)), rng.standard_normal((20, 1)), band=3)
    add("band-zero", rng.standard_normal((10, 2)), rng.standard_normal((10, 2)), band=0)
    add("band-abs", rng.standard_normal((25, 3)), rng.standard_normal((25, 3)), "abs", band=2)
    z = ar1(rng, 64 + 2 * 16, 1, 0.8)
    lag = 5
    x = z[16:16 + 64]
    y = z[16 - lag:16 - lag + 64] + 0.1 * rng.standard_normal((64, 1))
    add("lagged-noisy", x, y)
    add("large-values", rng.standard_normal((15, 2)) * 1e4, rng.standard_normal((13, 2)) * 1e-3)
    return out


def write_safetensors(path, tensors):
    _write_safetensors(path, tensors, dtype="<f4")

def main():
    os.makedirs(OUT, exist_ok=True)
    tensors, docs = [], []
    for name, x, y, cost, band in cases():
        n, m = x.shape[0], y.shape[0]
        c = local_cost(x, y, cost)
        allowed = band_mask(n, m, band)
        d = dtw_table(c, allowed)
        assert np.isfinite(d[n - 1, m - 1]), name
        path = traceback(d)
        assert all(allowed[i, j] for i, j in path), name
        assert float(sum(c[i, j] for i, j in path)) >= 0
        np.save(os.path.join(OUT, name + ".path.npy"), np.array(path, dtype="<i8").reshape(len(path), 2))
        tensors += [(name + ".x", x), (name + ".y", y)]
        soft = []
        for gamma in (1.0, 0.1, 0.001):
            value, e = soft_dtw(c, allowed, gamma)
            entry = {"gamma": gamma, "value": value}
            if gamma in (1.0, 0.1) and n * m <= 2100:
                entry["expected_alignment"] = e.tolist()
            soft.append(entry)
        max_shift = min(n, m) // 4
        taus, sums, counts, means, tau_star = landscape(c, max_shift)
        docs.append({
            "name": name, "cost": cost, "band": -1 if band is None else band, "n": n, "m": m, "d": x.shape[1],
            "distance": float(d[n - 1, m - 1]), "path_length": len(path), "path_file": name + ".path.npy",
            "soft_dtw": soft,
            "landscape": {"max_shift": max_shift, "tau": taus, "sum": sums, "count": counts, "mean": means,
                          "tau_star": tau_star},
            "posterior": posterior(taus, means, tau_star, 0.5),
        })
    write_safetensors(os.path.join(OUT, "inputs.safetensors"), tensors)
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump({"generator": "make_fixtures.py (numpy " + np.__version__ + ")", "cases": docs}, f, indent=1)
        f.write("\n")
    print("wrote", len(docs), "cases to", os.path.normpath(OUT))


if __name__ == "__main__":
    main()
