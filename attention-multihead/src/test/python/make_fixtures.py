#!/usr/bin/env python3
"""PyTorch 1.13.1 and numpy reference fixtures for attention-multihead.

Scaled-dot cases come from torch.nn.MultiheadAttention itself (batch_first=True,
average_attn_weights=False, need_weights=True), float32 as PyTorch computes; additive cases from a
float64 numpy reference of the same layer with additive heads (PyTorch has none).

Writes into attention-multihead/src/test/resources/fixtures/ (safetensors written by hand: an 8-byte
little-endian header length, a JSON header, then the raw little-endian data):

  mha-<case>.params.safetensors   the layer's state dict under PyTorch's names (F32): in_proj_weight
                                  [3E, E] or q_proj_weight [E, E], k_proj_weight [E, kdim],
                                  v_proj_weight [E, vdim]; in_proj_bias [3E] and out_proj.bias [E] when
                                  bias=True; out_proj.weight [E, E]; additive heads add W_q [H, h, E/H],
                                  W_k [H, h, E/H], v [H, h], b [H, h]
  mha-<case>.safetensors          query, keys, values ([n, d] or [B, n, d]); attn_mask_torch [B, n_q, n_k]
                                  and key_padding_torch [B, n_k] in PyTorch's polarity (1 = masked out;
                                  all zero when the case has none); output [B, n_q, E] and weights
                                  [B, H, n_q, n_k] (rows PyTorch fills with NaN set to 0 there and
                                  flagged in nan_rows [B, n_q]); for cases without NaN rows, the
                                  gradients of L = sum(dOutput * output): dQuery, dKeys, dValues and
                                  d<param> for every parameter (from autograd)

A query row whose keys are all masked out gets NaN from PyTorch 1.13.1 (softmax over a row of -inf).
Attention4J's rule for it is zero weights and a zero attention read, so the row's output is
out_proj.bias: the case `fully-masked` has one such row; the Java test checks the rule on it and
PyTorch's numbers on every other row.

Also writes, for the CLI test, attention-cli/src/test/resources/multihead/: query.npy, keys.npy,
values.npy ([B, n, d] float32), mask.npy ([B, n_q, n_k] bool) and key_padding.npy ([B, n_k] bool) in
PyTorch's polarity, params.safetensors (kdim != vdim != E), output.npy and weights.npy from PyTorch.

Run from anywhere, with a python3 that has numpy and Debian's python3-torch 1.13.1 (it reports its
version as 1.13.0a0): python3 attention-multihead/src/test/python/make_fixtures.py
CI does not run it; the outputs are committed. Torch's random draws are seeded, so a rerun writes
the same files.
"""
import json
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "scripts", "fixtures"))
from safetensors_np import write_safetensors as _write_safetensors  # noqa: E402  (the shared writer)
OUT = os.path.join(ROOT, "attention-multihead", "src", "test", "resources", "fixtures")
CLI_OUT = os.path.join(ROOT, "attention-cli", "src", "test", "resources", "multihead")



def write_safetensors(path, tensors, metadata):
    """tensors: list of (name, ndarray of float32 or float64); order is kept."""
    size = _write_safetensors(path, tensors, metadata)
    print("wrote", os.path.relpath(path, ROOT), f"({size} bytes)")

def f32(a):
    return np.asarray(a, dtype=np.float32)


def state_dict(mha):
    return [(k, f32(v.detach().numpy())) for k, v in mha.state_dict().items()]


def randomise(mha, gen):
    """PyTorch initialises biases to zero; draw every parameter so that the biases matter too."""
    with torch.no_grad():
        for p in mha.parameters():
            p.copy_(torch.randn(p.shape, generator=gen, dtype=p.dtype) * 0.5)


def torch_case(name, seed, e, heads, kdim, vdim, bias, batch, nq, nk, mask_kind, padding, fully_masked_row=False):
    """batch=None: unbatched [n, d] inputs. mask_kind: None, 'shared' [n_q, n_k] or 'per-item' [B, n_q, n_k]."""
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    rng = np.random.default_rng(seed)
    mha = torch.nn.MultiheadAttention(e, heads, bias=bias, kdim=kdim, vdim=vdim, batch_first=True)
    randomise(mha, gen)
    b = 1 if batch is None else batch
    q = f32(rng.normal(size=(b, nq, e)))
    k = f32(rng.normal(size=(b, nk, kdim)))
    v = f32(rng.normal(size=(b, nk, vdim)))
    attn = np.zeros((b, nq, nk), dtype=bool)
    if mask_kind == "shared":
        attn[:] = rng.uniform(size=(nq, nk)) < 0.3
    elif mask_kind == "per-item":
        attn = rng.uniform(size=(b, nq, nk)) < 0.3
    attn[:, :, 0] = False  # every row keeps key 0 unless padded away below
    pad = np.zeros((b, nk), dtype=bool)
    if padding:
        for i in range(b):
            pad[i, nk - 1 - i % 2:] = True
    if fully_masked_row:
        attn[0, 1, :] = True  # batch item 0, query 1: nothing to attend
    # torch arguments
    tq, tk, tv = (torch.tensor(x) for x in (q, k, v))
    kwargs = {"need_weights": True, "average_attn_weights": False}
    if mask_kind is not None or fully_masked_row:
        if batch is None or mask_kind == "shared" and not fully_masked_row:
            kwargs["attn_mask"] = torch.tensor(attn[0])
        else:
            kwargs["attn_mask"] = torch.tensor(attn).repeat_interleave(heads, dim=0)  # [B*H, n_q, n_k]
    if padding:
        kwargs["key_padding_mask"] = torch.tensor(pad if batch is not None else pad[0])
    if batch is None:
        tq, tk, tv = tq[0], tk[0], tv[0]
    tq.requires_grad_(True)
    tk.requires_grad_(True)
    tv.requires_grad_(True)
    out, w = mha(tq, tk, tv, **kwargs)
    out_np = out.detach().numpy().reshape(b, nq, e)
    w_np = w.detach().numpy().reshape(b, heads, nq, nk)
    nan_rows = np.isnan(out_np).any(axis=2)
    assert nan_rows.any() == fully_masked_row, name + ": NaN rows exactly where a row is fully masked"
    tensors = [("query", q if batch is not None else q[0]), ("keys", k if batch is not None else k[0]),
               ("values", v if batch is not None else v[0]),
               ("attn_mask_torch", attn.astype(np.float32)), ("key_padding_torch", pad.astype(np.float32)),
               ("output", np.nan_to_num(out_np, nan=0.0)), ("weights", np.nan_to_num(w_np, nan=0.0)),
               ("nan_rows", nan_rows.astype(np.float32))]
    if not fully_masked_row:
        d_out = f32(rng.normal(size=out.shape))
        (out * torch.tensor(d_out)).sum().backward()
        tensors += [("dOutput", d_out), ("dQuery", tq.grad.numpy()), ("dKeys", tk.grad.numpy()),
                    ("dValues", tv.grad.numpy())]
        tensors += [("d" + n, p.grad.numpy()) for n, p in mha.named_parameters()]
    meta = {"generator": "make_fixtures.py", "torch": torch.__version__, "seed": seed, "embed_dim": e, "heads": heads,
            "kdim": kdim, "vdim": vdim, "bias": bias, "batched": batch is not None,
            "masks": "PyTorch polarity: 1 = masked out", "loss": "sum(dOutput * output)"}
    write_safetensors(os.path.join(OUT, f"mha-{name}.safetensors"), [(n, f32(a)) for n, a in tensors], meta)
    write_safetensors(os.path.join(OUT, f"mha-{name}.params.safetensors"), state_dict(mha),
                      {"generator": "make_fixtures.py", "torch": torch.__version__, "seed": seed})
    return mha, q, k, v, attn, pad, out_np, w_np


# ---- additive heads: float64 numpy -------------------------------------------------------------

def additive_case(name, seed, e, heads, h, batch, nq, nk, padding):
    rng = np.random.default_rng(seed)
    hd = e // heads
    x = lambda *s: f32(rng.normal(size=s) * 0.5).astype(np.float64)
    w_in, b_in, w_out, b_out = x(3 * e, e), x(3 * e), x(e, e), x(e)
    wq, wk, vv, bb = x(heads, h, hd), x(heads, h, hd), x(heads, h) * 2, x(heads, h)
    q = f32(rng.normal(size=(batch, nq, e)))
    k = f32(rng.normal(size=(batch, nk, e)))
    v = f32(rng.normal(size=(batch, nk, e)))
    pad = np.zeros((batch, nk), dtype=bool)
    if padding:
        pad[1, -2:] = True
    out = np.zeros((batch, nq, e))
    weights = np.zeros((batch, heads, nq, nk))
    for i in range(batch):
        qp = q[i].astype(np.float64) @ w_in[:e].T + b_in[:e]
        kp = k[i].astype(np.float64) @ w_in[e:2 * e].T + b_in[e:2 * e]
        vp = v[i].astype(np.float64) @ w_in[2 * e:].T + b_in[2 * e:]
        concat = np.zeros((nq, e))
        for hh in range(heads):
            cols = slice(hh * hd, (hh + 1) * hd)
            pre = (qp[:, cols] @ wq[hh].T + bb[hh])[:, None, :] + (kp[:, cols] @ wk[hh].T)[None, :, :]
            s = np.tanh(pre) @ vv[hh]  # no 1/sqrt(d) scale
            s[:, pad[i]] = -np.inf
            a = np.exp(s - s.max(axis=1, keepdims=True))
            a /= a.sum(axis=1, keepdims=True)
            weights[i, hh] = a
            concat[:, cols] = a @ vp[:, cols]
        out[i] = concat @ w_out.T + b_out
    tensors = [("query", q), ("keys", k), ("values", v),
               ("attn_mask_torch", np.zeros((batch, nq, nk), dtype=np.float32)),
               ("key_padding_torch", pad.astype(np.float32)), ("output", out), ("weights", weights),
               ("nan_rows", np.zeros((batch, nq), dtype=np.float32))]
    meta = {"generator": "make_fixtures.py", "reference": "numpy float64", "seed": seed, "embed_dim": e, "heads": heads,
            "h": h, "masks": "PyTorch polarity: 1 = masked out"}
    write_safetensors(os.path.join(OUT, f"mha-{name}.safetensors"), tensors, meta)
    params = [("in_proj_weight", w_in), ("in_proj_bias", b_in), ("out_proj.weight", w_out), ("out_proj.bias", b_out),
              ("W_q", wq), ("W_k", wk), ("v", vv), ("b", bb)]
    write_safetensors(os.path.join(OUT, f"mha-{name}.params.safetensors"), [(n, f32(a)) for n, a in params],
                      {"generator": "make_fixtures.py", "seed": seed})


if __name__ == "__main__":
    print("torch", torch.__version__)
    torch.set_num_threads(1)
    # packed in_proj_weight with biases, unbatched, no mask
    torch_case("packed", seed=1, e=8, heads=2, kdim=8, vdim=8, bias=True, batch=None, nq=4, nk=5, mask_kind=None, padding=False)
    # bias=False, unbatched, a boolean attn_mask
    torch_case("nobias-masked", seed=2, e=6, heads=3, kdim=6, vdim=6, bias=False, batch=None, nq=5, nk=7,
               mask_kind="shared", padding=False)
    # kdim != vdim != embed_dim (separate q/k/v_proj_weight), batched, per-item masks and key padding
    torch_case("kvdim", seed=3, e=8, heads=4, kdim=5, vdim=3, bias=True, batch=3, nq=4, nk=6, mask_kind="per-item",
               padding=True)
    # batched, shared mask and key padding, one head
    torch_case("onehead", seed=4, e=4, heads=1, kdim=4, vdim=4, bias=True, batch=2, nq=3, nk=5, mask_kind="shared",
               padding=True)
    # the documented case: batch item 0, query 1 may attend nothing (PyTorch: NaN; ours: out_proj.bias)
    torch_case("fully-masked", seed=5, e=6, heads=2, kdim=6, vdim=6, bias=True, batch=2, nq=3, nk=4, mask_kind="per-item",
               padding=False, fully_masked_row=True)
    additive_case("additive", seed=6, e=6, heads=2, h=5, batch=2, nq=4, nk=5, padding=True)
    # the CLI case: kdim != vdim != embed_dim, batched, per-item mask and key padding, .npy files
    mha, q, k, v, attn, pad, out, w = torch_case("cli", seed=7, e=8, heads=2, kdim=6, vdim=4, bias=True, batch=2, nq=3,
                                                  nk=5, mask_kind="per-item", padding=True)
    os.makedirs(CLI_OUT, exist_ok=True)
    for fname, arr in (("query", q), ("keys", k), ("values", v), ("mask", attn), ("key_padding", pad),
                       ("output", f32(out)), ("weights", f32(w))):
        np.save(os.path.join(CLI_OUT, fname + ".npy"), arr)
        print("wrote", os.path.relpath(os.path.join(CLI_OUT, fname + ".npy"), ROOT))
    write_safetensors(os.path.join(CLI_OUT, "params.safetensors"), state_dict(mha),
                      {"generator": "make_fixtures.py", "torch": torch.__version__, "seed": 7})
