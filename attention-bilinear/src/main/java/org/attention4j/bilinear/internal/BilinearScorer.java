package org.attention4j.bilinear.internal;

import static org.attention4j.bilinear.internal.BilinearScorerProvider.W;

import java.lang.foreign.MemorySegment;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.Edges;
import org.attention4j.api.ParameterSet;
import org.attention4j.api.spi.Kernels;
import org.attention4j.api.spi.Scorer;

/**
 * The general bilinear scorer {@code s(q, k) = qᵀ W k} with a learned {@code W} [d_q, d_k]. Every
 * product runs through the configured kernels' matmul on the Arrow data, read zero-copy; the
 * query projection {@code QW} [n_q, d_k] is computed once per call:
 * <pre>
 *   S  = (Q W) Kᵀ
 *   dQ = (dS K) Wᵀ        dK = dSᵀ (Q W)        dW = Qᵀ (dS K)
 * </pre>
 * Per edge e for pairs: {@code s_e = (QW)[src[e]] · k_dst[e]}; the backward accumulates
 * {@code M[src[e]] += ds_e · k_dst[e]} (M = dS K for the sparse dS of the edges) and
 * {@code P[dst[e]] += ds_e · (QW)[src[e]]}, then dQ = M Wᵀ, dK = P and dW = Qᵀ M.
 *
 * <p>The scorer owns its parameter {@code W} and reads it on every call, so updating
 * {@link #parameters()} in place (an optimizer step) changes the next scores. Not thread-safe for
 * such updates; concurrent scoring alone is safe. It has no constant dot-product scale, so the
 * attention facade never takes its fused scaled-dot path for it.
 */
final class BilinearScorer implements Scorer {
  private static final long FLOAT_BYTES = Float.BYTES;

  private final Kernels kernels;
  private final int dq;
  private final int dk;
  private final ParameterSet parameters;
  private final FixedSizeListVector w;
  private volatile boolean closed;

  /** Takes ownership of {@code parameters}, which must hold {@code W} [dq, dk]. */
  BilinearScorer(Kernels kernels, int dq, int dk, ParameterSet parameters) {
    this.kernels = kernels;
    this.dq = dq;
    this.dk = dk;
    this.parameters = parameters;
    this.w = parameters.get(W);
  }

  @Override public int queryDim() { return dq; }

  @Override public int keyDim() { return dk; }

  @Override public ParameterSet parameters() {
    requireOpen();
    return parameters;
  }

  @Override
  public FixedSizeListVector score(FixedSizeListVector queries, FixedSizeListVector keys, BufferAllocator allocator) {
    checkInputs(queries, keys);
    int nq = DenseMatrices.rows(queries), nk = DenseMatrices.rows(keys);
    try (FixedSizeListVector qw = project(queries, allocator)) {
      FixedSizeListVector s = DenseMatrices.allocate(allocator, "scores", nq, nk);
      try {
        kernels.matmul(seg(qw), false, seg(keys), true, seg(s), nq, nk, dk, 1f, 0f);
        return s;
      } catch (RuntimeException | Error e) {
        s.close();
        throw e;
      }
    }
  }

  @Override
  public FixedSizeListVector scorePairs(FixedSizeListVector queries, FixedSizeListVector keys, int[] src, int[] dst,
      BufferAllocator allocator) {
    checkInputs(queries, keys);
    Edges.require(src, dst, DenseMatrices.rows(queries), DenseMatrices.rows(keys));
    try (FixedSizeListVector qw = project(queries, allocator)) {
      FixedSizeListVector s = DenseMatrices.allocate(allocator, "scores", src.length, 1);
      try {
        MemorySegment p = seg(qw), k = seg(keys), out = seg(s);
        for (int e = 0; e < src.length; e++) {
          kernels.matmul(row(p, src[e], dk), false, row(k, dst[e], dk), true, out.asSlice(e * FLOAT_BYTES, FLOAT_BYTES),
              1, 1, dk, 1f, 0f);
        }
        return s;
      } catch (RuntimeException | Error e) {
        s.close();
        throw e;
      }
    }
  }

  @Override
  public Gradients backward(FixedSizeListVector queries, FixedSizeListVector keys, FixedSizeListVector dScores,
      BufferAllocator allocator) {
    checkInputs(queries, keys);
    int nq = DenseMatrices.rows(queries), nk = DenseMatrices.rows(keys);
    DenseMatrices.require(dScores, "dScores", nq, nk);
    DenseMatrices.requireFinite(dScores, "dScores");
    try (FixedSizeListVector qw = project(queries, allocator);
         FixedSizeListVector m = DenseMatrices.allocate(allocator, "dScoresKeys", nq, dk)) {
      kernels.matmul(seg(dScores), false, seg(keys), false, seg(m), nq, dk, nk, 1f, 0f);       // M = dS K
      FixedSizeListVector dK = DenseMatrices.allocate(allocator, "dKeys", nk, dk);
      try {
        kernels.matmul(seg(dScores), true, seg(qw), false, seg(dK), nk, dk, nq, 1f, 0f);       // dK = dSᵀ (QW)
      } catch (RuntimeException | Error e) {
        dK.close();
        throw e;
      }
      return chain(queries, m, dK, allocator);
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
    try (FixedSizeListVector qw = project(queries, allocator);
         FixedSizeListVector m = DenseMatrices.allocate(allocator, "dScoresKeys", nq, dk)) {  // zero-filled: accumulated
      FixedSizeListVector dK = DenseMatrices.allocate(allocator, "dKeys", nk, dk);             // zero-filled: accumulated
      try {
        MemorySegment p = seg(qw), k = seg(keys), ds = seg(dScores), ms = seg(m), gk = seg(dK);
        for (int e = 0; e < src.length; e++) {
          MemorySegment g = ds.asSlice(e * FLOAT_BYTES, FLOAT_BYTES);                           // [1 x 1]
          kernels.matmul(g, false, row(k, dst[e], dk), false, row(ms, src[e], dk), 1, dk, 1, 1f, 1f);
          kernels.matmul(g, false, row(p, src[e], dk), false, row(gk, dst[e], dk), 1, dk, 1, 1f, 1f);
        }
      } catch (RuntimeException | Error e) {
        dK.close();
        throw e;
      }
      return chain(queries, m, dK, allocator);
    }
  }

  /** From M = dS K [n_q, d_k] and dK (taken over) to dQ = M Wᵀ and dW = Qᵀ M. */
  private Gradients chain(FixedSizeListVector queries, FixedSizeListVector m, FixedSizeListVector dK,
      BufferAllocator allocator) {
    int nq = DenseMatrices.rows(queries);
    ParameterSet grads = new ParameterSet();
    FixedSizeListVector dQ = null;
    try {
      FixedSizeListVector dW = grads.put(W, DenseMatrices.allocate(allocator, W, dq, dk)).get(W);
      dQ = DenseMatrices.allocate(allocator, "dQuery", nq, dq);
      kernels.matmul(seg(m), false, seg(w), true, seg(dQ), nq, dq, dk, 1f, 0f);                // dQ = M Wᵀ
      kernels.matmul(seg(queries), true, seg(m), false, seg(dW), dq, dk, nq, 1f, 0f);          // dW = Qᵀ M
      return new Gradients(dQ, dK, grads);
    } catch (RuntimeException | Error e) {
      if (dQ != null) dQ.close();
      dK.close();
      grads.close();
      throw e;
    }
  }

  /** QW [n_q, d_k]. */
  private FixedSizeListVector project(FixedSizeListVector queries, BufferAllocator allocator) {
    int nq = DenseMatrices.rows(queries);
    FixedSizeListVector qw = DenseMatrices.allocate(allocator, "projectedQueries", nq, dk);
    try {
      kernels.matmul(seg(queries), false, seg(w), false, seg(qw), nq, dk, dq, 1f, 0f);
      return qw;
    } catch (RuntimeException | Error e) {
      qw.close();
      throw e;
    }
  }

  private void checkInputs(FixedSizeListVector queries, FixedSizeListVector keys) {
    requireOpen();
    DenseMatrices.require(queries, "query", dq);
    DenseMatrices.require(keys, "keys", dk);
    DenseMatrices.requireFinite(queries, "query");
    DenseMatrices.requireFinite(keys, "keys");
  }

  private void requireOpen() {
    if (closed) throw new IllegalStateException("scorer 'bilinear': expected an open scorer, got a closed one");
  }

  private static MemorySegment row(MemorySegment matrix, int r, int cols) {
    return matrix.asSlice((long) r * cols * FLOAT_BYTES, cols * FLOAT_BYTES);
  }

  private static MemorySegment seg(FixedSizeListVector m) { return DenseMatrices.segment(m); }

  @Override public void close() {
    if (closed) return;
    closed = true;
    parameters.close();
  }

  @Override public String toString() { return "bilinear[d_q=" + dq + ", d_k=" + dk + "]"; }
}
