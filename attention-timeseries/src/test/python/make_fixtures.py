"""Reference values for SensitivityFixturesTest: dα/dε by complex-step differentiation in numpy.

An anomaly ε·u is added to key j; α = softmax(s(q, K)). The derivative is computed as
Im(α(ε + i·δ)) / δ with δ = 1e-30 (complex-step: no subtraction, so it is exact to float64 rounding
and shares no code or formula with the closed form it checks). Scores are the additive
vᵀ tanh(W_q q + W_k k + b) and the bilinear qᵀ W k, with parameters drawn here (float32-representable
values, so the Java side sees exactly the same numbers).

Run from the module folder:  python3 src/test/python/make_fixtures.py
Writes src/test/resources/fixtures/sensitivity.json.
"""
import json
import numpy as np

rng = np.random.default_rng(20261125)
d, n, h, j = 5, 6, 7, 2


def f32(a):
    return np.asarray(a, dtype=np.float32).astype(np.float64)


q = f32(rng.normal(size=d))
K = f32(rng.normal(size=(n, d)))
u = f32(rng.normal(size=d))
Wq = f32(rng.normal(scale=0.6, size=(h, d)))
Wk = f32(rng.normal(scale=0.6, size=(h, d)))
v = f32(rng.normal(size=h))
b = f32(rng.normal(scale=0.3, size=h))
W = f32(rng.normal(scale=0.5, size=(d, d)))
eps = [-3.0, -1.0, -0.25, 0.0, 0.5, 2.0, 5.0]


def softmax(s):
    s = s - s.real.max()
    e = np.exp(s)
    return e / e.sum()


def additive(Kx):
    return np.array([v @ np.tanh(Wq @ q + Wk @ k + b) for k in Kx])


def bilinear(Kx):
    return np.array([q @ W @ k for k in Kx])


def derivative(score, e):
    delta = 1e-30
    Kx = K.astype(np.complex128)
    Kx[j] = Kx[j] + (e + 1j * delta) * u
    s = score(Kx)
    a = softmax(s)
    return a.real.tolist(), (a.imag / delta).tolist(), float(s[j].imag / delta)


cases = {}
for name, score in (("additive", additive), ("bilinear", bilinear)):
    rows = []
    for e in eps:
        alpha, dalpha, ds = derivative(score, e)
        rows.append({"epsilon": e, "alpha": alpha, "dalpha": dalpha, "ds": ds})
    cases[name] = rows

out = {
    "key": j, "q": q.tolist(), "keys": K.tolist(), "u": u.tolist(),
    "additive": {"W_q": Wq.tolist(), "W_k": Wk.tolist(), "v": v.tolist(), "b": b.tolist()},
    "bilinear": {"W": W.tolist()},
    "expected": cases,
}
with open("src/test/resources/fixtures/sensitivity.json", "w") as fh:
    json.dump(out, fh, indent=1)
print("wrote src/test/resources/fixtures/sensitivity.json")
