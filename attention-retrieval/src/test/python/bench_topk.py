"""Top-10 inner-product search over 1M x 128 float32 keys for 512 queries: the whole
`./attention4j retrieve` process (JVM start, mapping the 512 MB key file, search, writing ids) against
numpy's in-memory compute (Q @ K.T in batches of 64 queries + argpartition + sort of the k best; the
load is not counted for numpy). Run from the repository root:

    python3 attention-retrieval/src/test/python/bench_topk.py DIR [--keys 1000000] [--dim 128] [--queries 512] [--top 10] [--repeat 3]

DIR receives keys.npy / queries.npy (seeded, generated once) and the ids. Prints one JSON document.
"""
import argparse
import json
import os
import subprocess
import time

import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--keys", type=int, default=1_000_000)
    ap.add_argument("--dim", type=int, default=128)
    ap.add_argument("--queries", type=int, default=512)
    ap.add_argument("--top", type=int, default=10)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--metric", default="ip")
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    kf, qf = os.path.join(a.dir, "keys.npy"), os.path.join(a.dir, "queries.npy")
    if not os.path.exists(kf) or np.load(kf, mmap_mode="r").shape != (a.keys, a.dim):
        rng = np.random.default_rng(0)
        keys = np.empty((a.keys, a.dim), dtype=np.float32)
        for s in range(0, a.keys, 100_000):
            keys[s:s + 100_000] = rng.standard_normal((min(100_000, a.keys - s), a.dim), dtype=np.float32)
        np.save(kf, keys)
        np.save(qf, rng.standard_normal((a.queries, a.dim), dtype=np.float32))
    keys = np.load(kf)
    queries = np.load(qf)[: a.queries]
    k = a.top

    def numpy_topk():
        out = np.empty((len(queries), k), dtype=np.int64)
        for s in range(0, len(queries), a.batch):
            sc = queries[s:s + a.batch] @ keys.T
            part = np.argpartition(-sc, k - 1, axis=1)[:, :k]
            ps = np.take_along_axis(sc, part, axis=1)
            order = np.lexsort((part, -ps), axis=1)
            out[s:s + a.batch] = np.take_along_axis(part, order, axis=1)
        return out

    np_times = []
    for _ in range(a.repeat):
        t = time.perf_counter()
        np_ids = numpy_topk()
        np_times.append(time.perf_counter() - t)

    out = os.path.join(a.dir, "ids.npy")
    cmd = ["./attention4j", "retrieve", "--keys", kf, "--query", qf, "--top", str(k), "--metric", a.metric,
           "--out", out, "--json"]
    j_times, docs = [], []
    for _ in range(a.repeat):
        t = time.perf_counter()
        r = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, ATTENTION4J_NO_BUILD="1"))
        j_times.append(time.perf_counter() - t)
        if r.returncode != 0:
            raise SystemExit("retrieve failed: " + r.stderr)
        docs.append(json.loads(r.stdout))
    j_ids = np.load(out)
    agree = float((j_ids == np_ids).mean()) if a.metric == "ip" else None
    best_np, best_j = min(np_times), min(j_times)
    print(json.dumps({
        "keys": a.keys, "dim": a.dim, "queries": len(queries), "top": k, "metric": a.metric,
        "numpy_compute_s": np_times, "numpy_qps": len(queries) / best_np,
        "attention4j_process_s": j_times, "attention4j_process_qps": len(queries) / best_j,
        "attention4j_search_ms": [d["search_ms"] for d in docs], "attention4j_build_ms": [d["build_ms"] for d in docs],
        "ratio_process_vs_numpy_compute": best_np / best_j,
        "ids_equal_numpy_float32_fraction": agree,
        "numpy_threads_note": "OpenBLAS default threads", "load_average": os.getloadavg(),
    }, indent=1))


if __name__ == "__main__":
    main()
