#!/usr/bin/env python3
"""The numpy / PyTorch / C peers of attention-bench, on the shapes of ARCHITECTURE §6, in one table.

    python3 attention-bench/peers/peers.py [--threads 2] [--jmh result.json] [--only numpy,torch,c]
                                           [--works sdpa,decode,matmul,additive,topk,dtw] [--seconds 3]

Each work runs one warm-up call, then repeats for at least --seconds (and at least 3 calls); the
figure is calls / elapsed time, converted with the same work counts as the JMH benchmarks:
  sdpa, decode  GFLOP/s = heads · 4 · nq · nk · d (Q·Kᵀ and A·V; softmax not counted)
  matmul        GFLOP/s = 2 · m · n · k (one head's Q·Kᵀ)
  additive      G tanh-terms/s = nq · nk · h  (S[i][j] = Σ_h w[h]·tanh(P[i][h] + R[j][h]))
  topk          queries/s, top-10 inner product over 1M × 128 keys, batches of 64 queries
  dtw           Mcells/s = n · m, one thread (the C -O3 reference, double accumulation)

numpy: blocked SDPA (query blocks of 256 rows: matmul, row max, exp, matmul, divide — no n×n matrix),
batched matmul for decode, chunked np.tanh for additive (16 query rows at a time), matmul +
argpartition over key blocks of 65536 for top-k. Thread count through OPENBLAS/OMP/MKL_NUM_THREADS,
set before numpy is imported (numpy's own element-wise ufuncs such as exp and tanh run on one thread).
PyTorch (when some python3 on PATH imports torch; it may be another interpreter than the one running
this script): the same blocked algorithms with torch ops and torch.set_num_threads(threads).
C: attention-bench/peers/dtw_ref.c, compiled with `cc -O3` into a temporary folder when cc exists.

With --jmh FILE (a JMH `-rf json` result of benchmarks.jar; repeatable), the JMH rows (scalar, simd:T, ort:T,
ortmm:T) join the table, and the ratios ours / peer are computed against simd:<threads>.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))

# (work, shape) rows, shapes spelt as the JMH `shape` parameter.
SDPA = ["512x512x64x8", "1024x1024x64x8", "2048x2048x64x8", "4096x4096x64x8"]
DECODE = ["1x4096x128x32"]
MATMUL = ["512x512x64", "2048x2048x64"]
ADDITIVE = ["2048x2048x64"]
TOPK = ["1000000x128x64x10"]  # keys x d x batch x k (as TopKBenchmark)
DTW = ["4096x4096"]

UNITS = {"sdpa": "GFLOP/s", "decode": "GFLOP/s", "matmul": "GFLOP/s", "additive": "G tanh-terms/s",
         "topk": "queries/s", "dtw": "Mcells/s"}


def dims(shape):
    return [int(x) for x in shape.split("x")]


def work_count(work, shape):
    """Units of work per call, matching the JMH benchmarks' counting (divided by 1e9 / 1e6 below)."""
    s = dims(shape)
    if work in ("sdpa", "decode"):
        nq, nk, d, h = s
        return 4.0 * nq * nk * d * h / 1e9
    if work == "matmul":
        m, n, k = s
        return 2.0 * m * n * k / 1e9
    if work == "additive":
        nq, nk, h = s
        return float(nq) * nk * h / 1e9
    if work == "topk":
        return float(s[2])
    if work == "dtw":
        return s[0] * s[1] / 1e6
    raise ValueError(work)


def timed(fn, seconds):
    """Calls per second of fn: one warm-up call, then at least 3 calls and `seconds` seconds."""
    fn()
    calls, start = 0, time.perf_counter()
    while True:
        fn()
        calls += 1
        elapsed = time.perf_counter() - start
        if calls >= 3 and elapsed >= seconds:
            return calls / elapsed


# ---------------------------------------------------------------------------------------- numpy
def numpy_works(np, seconds, works, log):
    rng = np.random.default_rng(0)
    rand = lambda *shape: rng.uniform(-1, 1, size=shape).astype(np.float32)
    out = {}

    def sdpa_call(q, k, v, o, block=256):
        heads, nq, d = q.shape
        nk = k.shape[1]
        scale = np.float32(1 / np.sqrt(d))
        s = np.empty((block, nk), np.float32)
        mx = np.empty((block, 1), np.float32)
        sums = np.empty((block, 1), np.float32)
        for h in range(heads):
            kt = k[h].T
            for i in range(0, nq, block):
                b = min(block, nq - i)
                sb, mb, zb = s[:b], mx[:b], sums[:b]
                np.matmul(q[h, i:i + b], kt, out=sb)
                sb *= scale
                np.max(sb, axis=1, keepdims=True, out=mb)
                np.subtract(sb, mb, out=sb)
                np.exp(sb, out=sb)
                np.sum(sb, axis=1, keepdims=True, out=zb)
                ob = o[h, i:i + b]
                np.matmul(sb, v[h], out=ob)
                ob /= zb

    if "sdpa" in works:
        for shape in SDPA:
            nq, nk, d, h = dims(shape)
            q, k, v = rand(h, nq, d), rand(h, nk, d), rand(h, nk, d)
            o = np.empty((h, nq, d), np.float32)
            out[("sdpa", shape)] = timed(lambda: sdpa_call(q, k, v, o), seconds) * work_count("sdpa", shape)
            log(f"numpy sdpa {shape}: {out[('sdpa', shape)]:.1f} GFLOP/s")
    if "decode" in works:
        for shape in DECODE:
            nq, nk, d, h = dims(shape)
            q, k, v = rand(h, nq, d), rand(h, nk, d), rand(h, nk, d)
            scale = np.float32(1 / np.sqrt(d))

            def decode():
                s = np.matmul(k, q.transpose(0, 2, 1))       # [h, nk, 1]: K streamed once
                s *= scale
                s -= s.max(axis=1, keepdims=True)
                np.exp(s, out=s)
                s /= s.sum(axis=1, keepdims=True)
                return np.matmul(s.transpose(0, 2, 1), v)      # [h, 1, d]: V streamed once
            out[("decode", shape)] = timed(decode, seconds) * work_count("decode", shape)
            log(f"numpy decode {shape}: {out[('decode', shape)]:.2f} GFLOP/s")
    if "matmul" in works:
        for shape in MATMUL:
            m, n, kk = dims(shape)
            a, b = rand(m, kk), rand(n, kk)
            c = np.empty((m, n), np.float32)
            out[("matmul", shape)] = timed(lambda: np.matmul(a, b.T, out=c), seconds) * work_count("matmul", shape)
            log(f"numpy matmul {shape}: {out[('matmul', shape)]:.1f} GFLOP/s")
    if "additive" in works:
        for shape in ADDITIVE:
            nq, nk, hh = dims(shape)
            p, r, w = rand(nq, hh), rand(nk, hh), rand(hh)
            s = np.empty((nq, nk), np.float32)
            rows = 16
            t = np.empty((rows, nk, hh), np.float32)

            def additive():
                for i in range(0, nq, rows):
                    b = min(rows, nq - i)
                    tb = t[:b]
                    np.add(p[i:i + b, None, :], r[None, :, :], out=tb)
                    np.tanh(tb, out=tb)
                    np.matmul(tb, w, out=s[i:i + b])
            out[("additive", shape)] = timed(additive, seconds) * work_count("additive", shape)
            log(f"numpy additive {shape}: {out[('additive', shape)]:.3f} G tanh-terms/s")
    if "topk" in works:
        for shape in TOPK:
            n, d, batch, top = dims(shape)
            keys = np.empty((n, d), np.float32)
            for i in range(0, n, 1 << 16):  # in slices: a 1M × 128 float64 temporary would be 1 GiB
                keys[i:i + (1 << 16)] = rand(min(1 << 16, n - i), d)
            queries = rand(batch, d)
            block = 1 << 16
            s = np.empty((batch, block), np.float32)

            def topk():
                cand_s, cand_i = [], []
                for j in range(0, n, block):
                    b = min(block, n - j)
                    sb = s[:, :b]
                    np.matmul(queries, keys[j:j + b].T, out=sb)
                    idx = np.argpartition(sb, b - top, axis=1)[:, b - top:]
                    cand_s.append(np.take_along_axis(sb, idx, axis=1))
                    cand_i.append(idx + j)
                cs, ci = np.concatenate(cand_s, axis=1), np.concatenate(cand_i, axis=1)
                order = np.argsort(-cs, axis=1, kind="stable")[:, :top]
                return np.take_along_axis(ci, order, axis=1)
            out[("topk", shape)] = timed(topk, seconds) * work_count("topk", shape)
            log(f"numpy topk {shape}: {out[('topk', shape)]:.1f} queries/s")
            del keys
    return out


# ---------------------------------------------------------------------------------------- torch
def torch_works(torch, threads, seconds, works, log):
    torch.set_num_threads(threads)
    g = torch.Generator().manual_seed(0)
    rand = lambda *shape: torch.rand(*shape, generator=g) * 2 - 1
    out = {}
    with torch.no_grad():
        def sdpa_call(q, k, v, o, block=256):
            heads, nq, d = q.shape
            scale = 1 / d ** 0.5
            for h in range(heads):
                kt = k[h].t()
                for i in range(0, nq, block):
                    s = torch.matmul(q[h, i:i + block], kt)
                    s = torch.softmax(s * scale, dim=1)
                    torch.matmul(s, v[h], out=o[h, i:i + block])
        if "sdpa" in works:
            for shape in SDPA:
                nq, nk, d, h = dims(shape)
                q, k, v = rand(h, nq, d), rand(h, nk, d), rand(h, nk, d)
                o = torch.empty(h, nq, d)
                out[("sdpa", shape)] = timed(lambda: sdpa_call(q, k, v, o), seconds) * work_count("sdpa", shape)
                log(f"torch sdpa {shape}: {out[('sdpa', shape)]:.1f} GFLOP/s")
        if "decode" in works:
            for shape in DECODE:
                nq, nk, d, h = dims(shape)
                q, k, v = rand(h, nq, d), rand(h, nk, d), rand(h, nk, d)
                scale = 1 / d ** 0.5
                decode = lambda: torch.bmm(torch.softmax(torch.bmm(q, k.transpose(1, 2)) * scale, dim=2), v)
                out[("decode", shape)] = timed(decode, seconds) * work_count("decode", shape)
                log(f"torch decode {shape}: {out[('decode', shape)]:.2f} GFLOP/s")
        if "matmul" in works:
            for shape in MATMUL:
                m, n, kk = dims(shape)
                a, b = rand(m, kk), rand(n, kk)
                c = torch.empty(m, n)
                out[("matmul", shape)] = timed(lambda: torch.matmul(a, b.t(), out=c), seconds) * work_count("matmul", shape)
                log(f"torch matmul {shape}: {out[('matmul', shape)]:.1f} GFLOP/s")
        if "additive" in works:
            for shape in ADDITIVE:
                nq, nk, hh = dims(shape)
                p, r, w = rand(nq, hh), rand(nk, hh), rand(hh)
                s = torch.empty(nq, nk)
                rows = 16

                def additive():
                    for i in range(0, nq, rows):
                        t = torch.tanh(p[i:i + rows, None, :] + r[None, :, :])
                        torch.matmul(t, w, out=s[i:i + rows])
                out[("additive", shape)] = timed(additive, seconds) * work_count("additive", shape)
                log(f"torch additive {shape}: {out[('additive', shape)]:.3f} G tanh-terms/s")
        if "topk" in works:
            for shape in TOPK:
                n, d, batch, top = dims(shape)
                keys = rand(n, d)
                queries = rand(batch, d)
                block = 1 << 16

                def topk():
                    cs, ci = [], []
                    for j in range(0, n, block):
                        vals, idx = torch.topk(torch.matmul(queries, keys[j:j + block].t()), top, dim=1)
                        cs.append(vals)
                        ci.append(idx + j)
                    vals, idx = torch.topk(torch.cat(cs, 1), top, dim=1)
                    return torch.gather(torch.cat(ci, 1), 1, idx)
                out[("topk", shape)] = timed(topk, seconds) * work_count("topk", shape)
                log(f"torch topk {shape}: {out[('topk', shape)]:.1f} queries/s")
                del keys
    return out


# ---------------------------------------------------------------------------------------- C DTW
def c_works(works, log):
    out = {}
    if "dtw" not in works:
        return out
    cc = shutil.which("cc")
    if cc is None:
        log("c: no cc on PATH, DTW reference skipped")
        return out
    with tempfile.TemporaryDirectory() as tmp:
        exe = os.path.join(tmp, "dtw_ref")
        subprocess.run([cc, "-O3", "-o", exe, os.path.join(HERE, "dtw_ref.c")], check=True)
        for shape in DTW:
            n, m = dims(shape)
            for acc, col in (("double", "c -O3"), ("float", "c -O3 float")):
                line = subprocess.run([exe, str(n), str(m), "7", acc], check=True, capture_output=True, text=True).stdout
                fields = dict(f.split("=") for f in line.split()[1:])
                out[("dtw", shape, col)] = float(fields["mcells_per_s"])
                log(f"c dtw {shape} ({acc}): {fields['mcells_per_s']} Mcells/s")
    return out


# ---------------------------------------------------------------------------------------- JMH
def jmh_rows(path):
    """{(work, shape, kernels): throughput} from a JMH JSON result, in the units of the table."""
    rows = {}
    with open(path) as f:
        results = json.load(f)
    for r in results:
        method = r["benchmark"].rsplit(".", 1)[-1]
        params = r.get("params", {})
        shape, kernels = params.get("shape"), params.get("kernels")
        if method == "rows" and params.get("band") == "-1":   # DtwBenchmark.rows: one pair, no band
            shape, method = params.get("table"), "dtwRows"
        if shape is None or kernels is None:
            continue
        ops = r["primaryMetric"]["score"]
        if r["primaryMetric"]["scoreUnit"] != "ops/s":
            continue
        if method == "fusedForward":
            work = "decode" if dims(shape)[0] == 1 else "sdpa"
        elif method == "scoresQKt":
            work = "matmul"
        elif method == "tanhReduce":
            work = "additive"
        elif method == "innerProductTopK":
            work = "topk"
        elif method == "dtwRows":
            work = "dtw"
        else:
            continue
        rows[(work, shape, kernels)] = ops * work_count(work, shape)
    return rows


def torch_subprocess(args, log):
    """Runs this script's torch part under the first python3 on PATH that imports torch."""
    seen = set()
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        exe = os.path.join(folder, "python3")
        if not os.access(exe, os.X_OK):
            continue
        real = os.path.realpath(exe)
        if real in seen or real == os.path.realpath(sys.executable):
            continue
        seen.add(real)
        if subprocess.run([exe, "-c", "import torch"], capture_output=True).returncode != 0:
            continue
        log(f"torch: running under another python3 ({folder})")
        cmd = [exe, os.path.abspath(__file__), "--only", "torch", "--threads", str(args.threads),
               "--works", ",".join(args.works), "--seconds", str(args.seconds), "--emit-json"]
        res = subprocess.run(cmd, capture_output=True, text=True)
        sys.stderr.write(res.stderr)
        if res.returncode != 0:
            log("torch: the subprocess failed")
            return {}
        return {tuple(k.split("|")): v for k, v in json.loads(res.stdout).items()}
    log("torch: no python3 on PATH imports torch; PyTorch column left out")
    return {}


def fmt(x):
    if x is None:
        return "—"
    if x >= 100:
        return f"{x:.0f}"
    if x >= 10:
        return f"{x:.1f}"
    if x >= 1:
        return f"{x:.2f}"
    return f"{x:.3f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--jmh", action="append", default=[], help="JMH JSON result file (-rf json) to join into the table (repeatable)")
    ap.add_argument("--only", default="numpy,torch,c", help="peers to run: numpy,torch,c (none: 'jmh')")
    ap.add_argument("--works", default="sdpa,decode,matmul,additive,topk,dtw")
    ap.add_argument("--seconds", type=float, default=3.0, help="minimum timed seconds per work")
    ap.add_argument("--save", help="also write the peers' figures (not JMH's) to this JSON file")
    ap.add_argument("--load", action="append", default=[], help="join peers' figures saved by --save (repeatable)")
    ap.add_argument("--emit-json", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    args.works = [w for w in args.works.split(",") if w]
    only = set(args.only.split(","))
    for w in args.works:
        if w not in UNITS:
            ap.error(f"--works: expected some of {','.join(UNITS)}, got {w}")
    log = lambda msg: print(msg, file=sys.stderr, flush=True)

    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(args.threads)
    values = {}  # (work, shape, column) -> throughput
    if "numpy" in only:
        import numpy as np
        blas = "?"
        try:
            cfg = np.show_config(mode="dicts")
            blas = cfg["Build Dependencies"]["blas"]["name"] + " " + cfg["Build Dependencies"]["blas"].get("version", "")
        except Exception:  # older numpy: no dict mode
            pass
        log(f"numpy {np.__version__} ({blas}), {args.threads} BLAS threads")
        for (w, s), v in numpy_works(np, args.seconds, args.works, log).items():
            values[(w, s, "numpy")] = v
    if "torch" in only:
        try:
            import torch
            log(f"torch {torch.__version__}, {args.threads} threads")
            for (w, s), v in torch_works(torch, args.threads, args.seconds, args.works, log).items():
                values[(w, s, "torch")] = v
        except ImportError:
            if args.emit_json:
                raise
            values.update(torch_subprocess(args, log))
    if args.emit_json:
        print(json.dumps({"|".join(k): v for k, v in values.items()}))
        return
    if "c" in only:
        values.update(c_works(args.works, log))
    if args.save:
        with open(args.save, "w") as f:
            json.dump({"|".join(k): v for k, v in values.items()}, f, indent=1)
    for path in args.load:
        with open(path) as f:
            values.update({tuple(k.split("|")): v for k, v in json.load(f).items()})
    for path in args.jmh:
        values.update(jmh_rows(path))

    ours = f"simd:{args.threads}"
    ort = f"ort:{args.threads}"
    order = ["scalar", "simd:1", "simd:2", "ort:1", "ort:2", "ortmm:1", "ortmm:2", "numpy", "torch", "c -O3", "c -O3 float"]
    present = {c for (_, _, c) in values}
    columns = [c for c in order if c in present] + sorted(present - set(order))
    # ORT's better graph per row (fused MultiHeadAttention or plain MatMul/Softmax/MatMul).
    ortmm = f"ortmm:{args.threads}"
    for (w, s, c) in list(values):
        if c in (ort, ortmm):
            best = max(v for v in (values.get((w, s, ort)), values.get((w, s, ortmm))) if v is not None)
            values[(w, s, f"ORT best:{args.threads}")] = best
    ratios = [(ours, p) for p in (f"ORT best:{args.threads}", "numpy", "torch") if p in present | {c for (_, _, c) in values} and ours in present]
    present = {c for (_, _, c) in values} - {f"ORT best:{args.threads}"}
    rows = []
    for work in UNITS:
        for shape in sorted({s for (w, s, _) in values if w == work}, key=lambda s: dims(s)):
            rows.append((work, shape))
    header = ["work", "shape", "unit"] + columns + [f"{a} / {b}" for a, b in ratios]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for work, shape in rows:
        cells = [work, shape, UNITS[work]] + [fmt(values.get((work, shape, c))) for c in columns]
        for a, b in ratios:
            x, y = values.get((work, shape, a)), values.get((work, shape, b))
            cells.append(f"**{x / y:.2f}×**" if x and y else "—")
        print("| " + " | ".join(cells) + " |")
    print(f"\n{args.threads} threads for numpy/BLAS, torch and JMH's simd:{args.threads}/ort:{args.threads}; "
          f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
