package org.attention4j.bilinear.internal;

import java.lang.foreign.MemorySegment;
import java.util.OptionalDouble;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.Edges;
import org.attention4j.api.ParameterSet;
import org.attention4j.api.spi.Kernels;
import org.attention4j.api.spi.ProviderConfig;
import org.attention4j.api.spi.Scorer;

/**
 * {@code s(q, k) = c · qᵀk} for a constant c (1 for {@code dot}, 1/√d for {@code scaled-dot}).
 * Everything runs through the configured kernels' matmul on the Arrow data, read zero-copy:
 * <pre>
 *   S  = c · Q Kᵀ          dQ = c · dS K          dK = c · dSᵀ Q
 * </pre>
 * and per edge e for pairs: {@code s_e = c · q_src[e]ᵀ k_dst[e]}, {@code dq_src[e] += c · ds_e · k_dst[e]},
 * {@code dk_dst[e] += c · ds_e · q_src[e]}. No parameters; inputs are checked for shape and
 * finiteness, naming the argument.
 */
final class DotProductScorer implements Scorer {
  private static final long FLOAT_BYTES = Float.BYTES;

  private final String id;
  private final int d;
  private final double scale;
  private final Kernels kernels;
  private final ParameterSet none = new ParameterSet();
  private volatile boolean closed;

  private DotProductScorer(String id, int d, double scale, Kernels kernels) {
    this.id = id;
    this.d = d;
    this.scale = scale;
    this.kernels = kernels;
  }

  /** Checks the widths (equal, at least 1) and that no parameter tensors were given. */
  static DotProductScorer create(String id, ProviderConfig config, int queryDim, int keyDim, double scale) {
    if (queryDim < 1) throw new IllegalArgumentException("queryDim: expected at least 1, got " + queryDim);
    if (keyDim != queryDim) {
      throw new IllegalArgumentException("keyDim: expected " + queryDim + " (= queryDim; " + id
          + " needs queries and keys of equal width), got " + keyDim);
    }
    config.parameters().ifPresent(p -> {
      if (!p.names().isEmpty()) {
        throw new IllegalArgumentException("parameters: expected none (" + id + " has no parameters), got " + p.names());
      }
    });
    return new DotProductScorer(id, queryDim, scale, config.kernels());
  }

  @Override public int queryDim() { return d; }

  @Override public int keyDim() { return d; }

  @Override public OptionalDouble dotProductScale() { return OptionalDouble.of(scale); }

  @Override public ParameterSet parameters() { return none; }

  @Override public void close() { closed = true; }

  private void checkOpen() {
    if (closed) throw new IllegalStateException("scorer '" + id + "': expected an open scorer, got a closed one");
  }

  private void checkInputs(FixedSizeListVector queries, FixedSizeListVector keys) {
    checkOpen();
    DenseMatrices.require(queries, "query", d);
    DenseMatrices.require(keys, "keys", d);
    DenseMatrices.requireFinite(queries, "query");
    DenseMatrices.requireFinite(keys, "keys");
  }

  private float alpha() { return (float) scale; }

  @Override
  public FixedSizeListVector score(FixedSizeListVector queries, FixedSizeListVector keys, BufferAllocator allocator) {
    checkInputs(queries, keys);
    int nq = DenseMatrices.rows(queries), nk = DenseMatrices.rows(keys);
    FixedSizeListVector s = DenseMatrices.allocate(allocator, "scores", nq, nk);
    try {
      kernels.matmul(DenseMatrices.segment(queries), false, DenseMatrices.segment(keys), true, DenseMatrices.segment(s),
          nq, nk, d, alpha(), 0f);
      return s;
    } catch (RuntimeException | Error e) {
      s.close();
      throw e;
    }
  }

  @Override
  public FixedSizeListVector scorePairs(FixedSizeListVector queries, FixedSizeListVector keys, int[] src, int[] dst,
      BufferAllocator allocator) {
    checkInputs(queries, keys);
    Edges.require(src, dst, DenseMatrices.rows(queries), DenseMatrices.rows(keys));
    FixedSizeListVector s = DenseMatrices.allocate(allocator, "scores", src.length, 1);
    try {
      MemorySegment q = DenseMatrices.segment(queries), k = DenseMatrices.segment(keys), out = DenseMatrices.segment(s);
      for (int e = 0; e < src.length; e++) {
        kernels.matmul(row(q, src[e]), false, row(k, dst[e]), true, out.asSlice(e * FLOAT_BYTES, FLOAT_BYTES), 1, 1, d,
            alpha(), 0f);
      }
      return s;
    } catch (RuntimeException | Error e) {
      s.close();
      throw e;
    }
  }

  @Override
  public Gradients backward(FixedSizeListVector queries, FixedSizeListVector keys, FixedSizeListVector dScores,
      BufferAllocator allocator) {
    checkInputs(queries, keys);
    int nq = DenseMatrices.rows(queries), nk = DenseMatrices.rows(keys);
    DenseMatrices.require(dScores, "dScores", nq, nk);
    DenseMatrices.requireFinite(dScores, "dScores");
    FixedSizeListVector dq = DenseMatrices.allocate(allocator, "dQuery", nq, d);
    FixedSizeListVector dk = null;
    try {
      dk = DenseMatrices.allocate(allocator, "dKeys", nk, d);
      MemorySegment ds = DenseMatrices.segment(dScores);
      kernels.matmul(ds, false, DenseMatrices.segment(keys), false, DenseMatrices.segment(dq), nq, d, nk, alpha(), 0f);
      kernels.matmul(ds, true, DenseMatrices.segment(queries), false, DenseMatrices.segment(dk), nk, d, nq, alpha(), 0f);
      return new Gradients(dq, dk, new ParameterSet());
    } catch (RuntimeException | Error e) {
      dq.close();
      if (dk != null) dk.close();
      throw e;
    }
  }

  @Override
  public Gradients backwardPairs(FixedSizeListVector queries, FixedSizeListVector keys, int[] src, int[] dst,
      FixedSizeListVector dScores, BufferAllocator allocator) {
    checkInputs(queries, keys);
    int nq = DenseMatrices.rows(queries), nk = DenseMatrices.rows(keys);
    Edges.require(src, dst, nq, nk);
    DenseMatrices.require(dScores, "dScores", src.length, 1);
    DenseMatrices.requireFinite(dScores, "dScores");
    FixedSizeListVector dq = DenseMatrices.allocate(allocator, "dQuery", nq, d);    // zero-filled: accumulated below
    FixedSizeListVector dk = null;
    try {
      dk = DenseMatrices.allocate(allocator, "dKeys", nk, d);
      MemorySegment q = DenseMatrices.segment(queries), k = DenseMatrices.segment(keys), ds = DenseMatrices.segment(dScores);
      MemorySegment gq = DenseMatrices.segment(dq), gk = DenseMatrices.segment(dk);
      for (int e = 0; e < src.length; e++) {
        MemorySegment g = ds.asSlice(e * FLOAT_BYTES, FLOAT_BYTES);              // [1 x 1]
        kernels.matmul(g, false, row(k, dst[e]), false, row(gq, src[e]), 1, d, 1, alpha(), 1f);
        kernels.matmul(g, false, row(q, src[e]), false, row(gk, dst[e]), 1, d, 1, alpha(), 1f);
      }
      return new Gradients(dq, dk, new ParameterSet());
    } catch (RuntimeException | Error e) {
      dq.close();
      if (dk != null) dk.close();
      throw e;
    }
  }

  private MemorySegment row(MemorySegment m, int r) { return m.asSlice((long) r * d * FLOAT_BYTES, d * FLOAT_BYTES); }

  @Override public String toString() { return id + "[d=" + d + ", c=" + scale + "]"; }
}
