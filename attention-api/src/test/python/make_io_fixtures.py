#!/usr/bin/env python3
"""Writes the fixture files of org.attention4j.api.io's tests with numpy (2.x).

Run from the repository root:  python3 attention-api/src/test/python/make_io_fixtures.py
The outputs are committed under attention-api/src/test/resources/io/, so the build needs no Python.
Values follow formulas the Java tests repeat: value(i) = i * 0.37 - 2.5 in float64, i in C order.
"""
import json
import os
import struct

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "io")


def values(*shape, dtype=np.float64):
    n = int(np.prod(shape)) if shape else 1
    return (np.arange(n, dtype=np.float64) * 0.37 - 2.5).reshape(shape).astype(dtype)


def save(name, array, **kwargs):
    np.save(os.path.join(OUT, name), array, **kwargs)


def write_version(name, array, version):
    with open(os.path.join(OUT, name), "wb") as f:
        np.lib.format.write_array(f, array, version=version)


def safetensors(name, tensors, metadata=None):
    """The format by hand (there is no safetensors package here): u64 LE length, JSON, data."""
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for key, (dtype, array) in tensors.items():
        data = np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<")).tobytes()
        header[key] = {"dtype": dtype, "shape": list(array.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def main():
    os.makedirs(OUT, exist_ok=True)
    # Data
    save("f32_2d.npy", values(3, 4, dtype=np.float32))
    save("f64_2d.npy", values(2, 3))
    save("f32_3d.npy", values(2, 3, 4, dtype=np.float32))
    save("f32_1d.npy", values(5, dtype=np.float32))
    save("f32_nonfinite.npy", np.array([[np.nan, np.inf], [-np.inf, -0.0]], dtype=np.float32))
    write_version("f32_v2.npy", values(2, 2, dtype=np.float32), (2, 0))
    write_version("f32_v3.npy", values(2, 2, dtype=np.float32), (3, 0))
    # Masks: non-zero = may attend
    pattern = np.array([[1, 0, 1, 1], [0, 0, 1, 0], [1, 1, 1, 0]])
    save("mask_bool.npy", pattern.astype(np.bool_))
    save("mask_u8.npy", (pattern * np.array([1, 7, 255, 2])).astype(np.uint8))
    save("mask_i32.npy", (pattern * -3).astype(np.int32))
    save("mask_i64.npy", (pattern * (1 << 40)).astype(np.int64))
    save("mask_1d.npy", np.array([True, False, True]))
    # Integers
    save("ids_i64.npy", np.array([[0, 1], [5, -1], [2**40, -(2**40)], [7, 3]], dtype=np.int64))
    save("labels_i32.npy", np.array([3, -1, 0, 2, 2147483647], dtype=np.int32))
    # Unsupported
    save("f32_big_endian.npy", values(2, 2).astype(">f4"))
    save("f32_fortran.npy", np.asfortranarray(values(2, 3, dtype=np.float32)))
    save("c64.npy", np.ones((2, 2), dtype=np.complex64))
    save("f16.npy", np.ones((2, 2), dtype=np.float16))
    save("structured.npy", np.zeros(2, dtype=[("a", "<f4"), ("b", "<i4")]))
    save("scalar.npy", np.float32(1.5))
    save("object.npy", np.array([{"a": 1}, None], dtype=object), allow_pickle=True)
    # CSV written by numpy
    np.savetxt(os.path.join(OUT, "f32_2d.csv"), values(3, 4, dtype=np.float32), fmt="%.9g", delimiter=",")
    np.savetxt(os.path.join(OUT, "f32_2d_header.csv"), values(3, 4, dtype=np.float32), fmt="%.9g", delimiter=",",
               header="a,b,c,d", comments="")
    np.savetxt(os.path.join(OUT, "edges.csv"), np.array([[0, 1], [1, 2], [2, 0]]), fmt="%d", delimiter=",",
               header="src,dst", comments="")
    np.savetxt(os.path.join(OUT, "mask.csv"), pattern, fmt="%d", delimiter=",")
    # safetensors
    safetensors("params.safetensors", {
        "w": ("F32", values(2, 3, dtype=np.float32)),
        "b": ("F64", values(3)),
        "t": ("F32", np.array(1.5, dtype=np.float32)),
    }, metadata={"format": "pt"})
    safetensors("index.safetensors", {
        "centroids": ("F32", values(2, 4, dtype=np.float32)),
        "assign": ("I64", np.array([0, 1, 1, 0, 1], dtype=np.int64)),
        "ids": ("I32", np.array([[4, 3], [2, 1]], dtype=np.int32)),
    })
    safetensors("f16.safetensors", {"h": ("F16", np.ones(2, dtype=np.float16))})


if __name__ == "__main__":
    main()
