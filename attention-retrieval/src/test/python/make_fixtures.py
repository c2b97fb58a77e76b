"""Writes the retrieval fixtures (numpy, float64 on the float32 inputs): run from the module folder,
   python3 src/test/python/make_fixtures.py
Hard lookup: keys [n, d] float32 (with duplicated rows, so ties occur) and queries; for ip, cos and l2
the int64 ids of the top k, best first (ip, cos descending, l2 ascending), ties by lower id, and the
float64 scores. Soft lookup: values, and for the scaled-dot scorer (s = q.k / sqrt(d)) at T = 0.5 the
attention read, the entropy (nats) and the weight on the best key per query."""
import json
import os

import numpy as np

OUT = os.path.join("src", "test", "resources", "fixtures")
rng = np.random.default_rng(2023)
n, d, nq, k, dv = 2000, 24, 20, 7, 5

keys = rng.standard_normal((n, d)).astype(np.float32)
dup = rng.choice(n, size=200, replace=False)
keys[dup[100:]] = keys[dup[:100]]                      # 100 exact duplicates: ties by lower id
queries = rng.standard_normal((nq, d)).astype(np.float32)
queries[:5] = keys[dup[:5]] + np.float32(0.01) * rng.standard_normal((5, d)).astype(np.float32)
values = rng.standard_normal((n, dv)).astype(np.float32)

K, Q = keys.astype(np.float64), queries.astype(np.float64)
ids, scores = {}, {}
for metric in ("ip", "cos", "l2"):
    if metric == "ip":
        s = Q @ K.T
        key = -s
    elif metric == "cos":
        s = (Q @ K.T) / np.linalg.norm(Q, axis=1)[:, None] / np.linalg.norm(K, axis=1)[None, :]
        key = -s
    else:
        s = ((Q[:, None, :] - K[None, :, :]) ** 2).sum(axis=2)
        key = s
    order = np.array([np.lexsort((np.arange(n), key[i]))[:k] for i in range(nq)])
    ids[metric] = order.astype(np.int64)
    scores[metric] = np.take_along_axis(s, order, axis=1)

T = 0.5
z = (Q @ K.T) / np.sqrt(d) / T
m = z.max(axis=1, keepdims=True)
e = np.exp(z - m)
p = e / e.sum(axis=1, keepdims=True)
soft = p @ values.astype(np.float64)
entropy = -(p * np.log(np.where(p > 0, p, 1))).sum(axis=1)
top_weight = p.max(axis=1)

np.save(os.path.join(OUT, "keys.npy"), keys)
np.save(os.path.join(OUT, "keys-f64.npy"), keys.astype(np.float64))
np.save(os.path.join(OUT, "queries.npy"), queries)
np.save(os.path.join(OUT, "values.npy"), values)
for metric in ids:
    np.save(os.path.join(OUT, f"ids-{metric}.npy"), ids[metric])
np.save(os.path.join(OUT, "soft-read.npy"), soft.astype(np.float32))
with open(os.path.join(OUT, "expected.json"), "w") as f:
    json.dump({"k": k, "temperature": T, "scores": {m_: scores[m_].tolist() for m_ in scores},
               "soft_read": soft.tolist(), "entropy": entropy.tolist(), "top_weight": top_weight.tolist()}, f)
print("wrote", OUT)
