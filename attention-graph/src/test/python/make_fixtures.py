"""Float64 numpy reference for one GAT, GATv2 and GCN layer (independent of the Java code).

Writes src/test/resources/fixtures/*.npy: the graph (edges, CSR order by receiver then sender,
self-loops added), the input x, the parameters (float32) and, per layer, the output and the weights
alpha [E, H] in float64. Run from the module folder: python3 src/test/python/make_fixtures.py
"""
import os
import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "fixtures")
os.makedirs(OUT, exist_ok=True)
rng = np.random.default_rng(2024)
n, f, H, D = 6, 4, 2, 3
und = [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (0, 3), (1, 4)]
pairs = set()
for a, b in und:
    pairs.add((a, b)); pairs.add((b, a))
for i in range(n):
    pairs.add((i, i))
edges = sorted(pairs, key=lambda e: (e[1], e[0]))          # (src j, dst i), by receiver then sender
src = np.array([e[0] for e in edges]); dst = np.array([e[1] for e in edges])
x = rng.standard_normal((n, f)).astype(np.float32)

def f32(shape, scale=0.7):
    return (scale * rng.standard_normal(shape)).astype(np.float32)

def lrelu(u):
    return np.where(u > 0, u, 0.2 * u)

def edge_softmax(e):
    a = np.zeros_like(e)
    for i in range(n):
        idx = np.where(dst == i)[0]
        z = e[idx] - e[idx].max(axis=0)
        a[idx] = np.exp(z) / np.exp(z).sum(axis=0)
    return a

def aggregate(alpha, m, concat, bias):
    m = m.reshape(n, H, D)
    out = np.zeros((n, H, D))
    for k in range(len(src)):
        out[dst[k]] += alpha[k][:, None] * m[src[k]]
    out = out.reshape(n, H * D) if concat else out.mean(axis=1)
    return out + bias

X = x.astype(np.float64)
tensors = {}
# GAT (concat)
W = f32((H * D, f)); a_src = f32((H, D)); a_dst = f32((H, D)); bias = f32((H * D,), 0.1)
z = (X @ W.astype(np.float64).T).reshape(n, H, D)
u = (z[dst] * a_dst.astype(np.float64)).sum(-1) + (z[src] * a_src.astype(np.float64)).sum(-1)
alpha = edge_softmax(lrelu(u))
tensors.update({"gat_W": W, "gat_a_src": a_src, "gat_a_dst": a_dst, "gat_bias": bias,
                "gat_out": aggregate(alpha, z, True, bias.astype(np.float64)), "gat_alpha": alpha})
# GAT (mean of heads)
bias_m = f32((D,), 0.1)
tensors.update({"gatmean_bias": bias_m, "gatmean_out": aggregate(alpha, z, False, bias_m.astype(np.float64))})
# GATv2 (concat)
Wl = f32((H * D, f)); Wr = f32((H * D, f)); a = f32((H, D)); bias2 = f32((H * D,), 0.1)
zl = (X @ Wl.astype(np.float64).T).reshape(n, H, D); zr = (X @ Wr.astype(np.float64).T).reshape(n, H, D)
e2 = (lrelu(zl[src] + zr[dst]) * a.astype(np.float64)).sum(-1)
alpha2 = edge_softmax(e2)
tensors.update({"gatv2_W_l": Wl, "gatv2_W_r": Wr, "gatv2_a": a, "gatv2_bias": bias2,
                "gatv2_out": aggregate(alpha2, zl, True, bias2.astype(np.float64)), "gatv2_alpha": alpha2})
# GCN (concat): fixed 1/sqrt(d_i d_j), d = in-degree with the self-loop
Wg = f32((H * D, f)); biasg = f32((H * D,), 0.1)
deg = np.bincount(dst, minlength=n).astype(np.float64)
c = 1.0 / np.sqrt(deg[dst] * deg[src])
alphag = np.repeat(c[:, None], H, axis=1)
zg = X @ Wg.astype(np.float64).T
tensors.update({"gcn_W": Wg, "gcn_bias": biasg, "gcn_out": aggregate(alphag, zg, True, biasg.astype(np.float64)),
                "gcn_alpha": alphag})
np.save(os.path.join(OUT, "edges.npy"), np.stack([src, dst], axis=1).astype(np.int64))
np.save(os.path.join(OUT, "x.npy"), x)
for k, v in tensors.items():
    np.save(os.path.join(OUT, k + ".npy"), v)
print("wrote", len(tensors) + 2, "files to", OUT)
