package org.attention4j.additive.internal;

import static org.attention4j.additive.internal.AdditiveScorerProvider.B;
import static org.attention4j.additive.internal.AdditiveScorerProvider.V;
import static org.attention4j.additive.internal.AdditiveScorerProvider.W_K;
import static org.attention4j.additive.internal.AdditiveScorerProvider.W_Q;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.Edges;
import org.attention4j.api.ParameterSet;
import org.attention4j.api.spi.Kernels;
import org.attention4j.api.spi.Scorer;

/**
 * The additive scorer. Projects once per call — P = Q W_qᵀ + b [n_q×h] and R = K W_kᵀ [n_k×h] with
 * the kernels' matmul — then runs the n_q·n_k·h tanh-reduce {@link Kernels#additiveScores}; the
 * projections are never recomputed per pair. The backward pass goes through
 * {@link Kernels#additiveBackward} (dP, dR, dv), then dQ = dP W_q, dK = dR W_k, dW_q = dPᵀ Q,
 * dW_k = dRᵀ K and db = the column sums of dP.
 *
 * <p>Projections that overflow float32 (only for inputs near {@link Float#MAX_VALUE}) saturate at
 * ±{@link Float#MAX_VALUE}, so that P + R is never ∞ − ∞ and every score stays finite and within
 * ‖v‖₁.
 *
 * <p>The scorer owns its parameters and reads them on every call: updating the tensors of
 * {@link #parameters()} in place (e.g. by an optimizer) changes the scores. Not thread-safe for
 * such updates; concurrent scoring alone is safe.
 */
final class AdditiveScorer implements Scorer {
  private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

  private final Kernels kernels;
  private final int dq;
  private final int dk;
  private final int h;
  private final ParameterSet parameters;
  private final FixedSizeListVector wq;
  private final FixedSizeListVector wk;
  private final FixedSizeListVector v;
  private final FixedSizeListVector b;
  private volatile boolean closed;

  AdditiveScorer(Kernels kernels, int dq, int dk, int h, ParameterSet parameters) {
    this.kernels = kernels;
    this.dq = dq;
    this.dk = dk;
    this.h = h;
    this.parameters = parameters;
    this.wq = parameters.get(W_Q);
    this.wk = parameters.get(W_K);
    this.v = parameters.get(V);
    this.b = parameters.get(B);
  }

  @Override public int queryDim() { return dq; }

  @Override public int keyDim() { return dk; }

  /** The hidden size h. */
  int hiddenSize() { return h; }

  @Override public ParameterSet parameters() {
    requireOpen();
    return parameters;
  }

  @Override
  public FixedSizeListVector score(FixedSizeListVector queries, FixedSizeListVector keys, BufferAllocator allocator) {
    checkInputs(queries, keys);
    int nq = DenseMatrices.rows(queries), nk = DenseMatrices.rows(keys);
    try (FixedSizeListVector p = projectQueries(queries, allocator);
         FixedSizeListVector r = projectKeys(keys, allocator)) {
      FixedSizeListVector s = DenseMatrices.allocate(allocator, "scores", nq, nk);
      try {
        kernels.additiveScores(seg(p), seg(r), seg(v), seg(s), nq, nk, h);
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
    long rowBytes = (long) h * Float.BYTES;
    try (FixedSizeListVector p = projectQueries(queries, allocator);
         FixedSizeListVector r = projectKeys(keys, allocator)) {
      FixedSizeListVector s = DenseMatrices.allocate(allocator, "scores", src.length, 1);
      try {
        MemorySegment ps = seg(p), rs = seg(r), ss = seg(s), vs = seg(v);
        for (int e = 0; e < src.length; e++) {
          kernels.additiveScores(ps.asSlice(src[e] * rowBytes, rowBytes), rs.asSlice(dst[e] * rowBytes, rowBytes), vs,
              ss.asSlice((long) e * Float.BYTES, Float.BYTES), 1, 1, h);
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
    try (FixedSizeListVector p = projectQueries(queries, allocator);
         FixedSizeListVector r = projectKeys(keys, allocator);
         FixedSizeListVector dP = DenseMatrices.allocate(allocator, "dProjectedQueries", nq, h);
         FixedSizeListVector dR = DenseMatrices.allocate(allocator, "dProjectedKeys", nk, h)) {
      FixedSizeListVector dv = DenseMatrices.allocateShaped(allocator, V, h);
      try {
        kernels.additiveBackward(seg(p), seg(r), seg(v), seg(dScores), seg(dP), seg(dR), seg(dv), nq, nk, h);
      } catch (RuntimeException | Error e) {
        dv.close();
        throw e;
      }
      return chain(queries, keys, dP, dR, dv, allocator);
    }
  }

  @Override
  public Gradients backwardPairs(FixedSizeListVector queries, FixedSizeListVector keys, int[] src, int[] dst,
      FixedSizeListVector dScores, BufferAllocator allocator) {
    checkInputs(queries, keys);
    int nq = DenseMatrices.rows(queries), nk = DenseMatrices.rows(keys);
    Edges.require(src, dst, nq, nk);
    DenseMatrices.require(dScores, "dScores", src.length, 1);
    long rowBytes = (long) h * Float.BYTES;
    double[] gp = new double[nq * h], gr = new double[nk * h], gw = new double[h];
    try (FixedSizeListVector p = projectQueries(queries, allocator);
         FixedSizeListVector r = projectKeys(keys, allocator);
         FixedSizeListVector scratch = DenseMatrices.allocate(allocator, "edgeGradients", 3, h)) {
      MemorySegment ps = seg(p), rs = seg(r), ds = seg(dScores), vs = seg(v), sc = seg(scratch);
      MemorySegment sp = sc.asSlice(0, rowBytes), sr = sc.asSlice(rowBytes, rowBytes), sw = sc.asSlice(2 * rowBytes, rowBytes);
      for (int e = 0; e < src.length; e++) {          // per edge through the kernel, summed in float64
        if (ds.getAtIndex(F, e) == 0f) continue;
        kernels.additiveBackward(ps.asSlice(src[e] * rowBytes, rowBytes), rs.asSlice(dst[e] * rowBytes, rowBytes), vs,
            ds.asSlice((long) e * Float.BYTES, Float.BYTES), sp, sr, sw, 1, 1, h);
        for (int c = 0; c < h; c++) {
          gp[src[e] * h + c] += sp.getAtIndex(F, c);
          gr[dst[e] * h + c] += sr.getAtIndex(F, c);
          gw[c] += sw.getAtIndex(F, c);
        }
      }
    }
    try (FixedSizeListVector dP = fromDoubles(allocator, "dProjectedQueries", gp, nq, h);
         FixedSizeListVector dR = fromDoubles(allocator, "dProjectedKeys", gr, nk, h)) {
      FixedSizeListVector dv = DenseMatrices.allocateShaped(allocator, V, h);
      MemorySegment dvs = seg(dv);
      for (int c = 0; c < h; c++) dvs.setAtIndex(F, c, (float) gw[c]);
      return chain(queries, keys, dP, dR, dv, allocator);
    }
  }

  /** From dP, dR and dv (taken over) to dQ, dK and the parameter gradients. */
  private Gradients chain(FixedSizeListVector queries, FixedSizeListVector keys, FixedSizeListVector dP,
      FixedSizeListVector dR, FixedSizeListVector dv, BufferAllocator allocator) {
    int nq = DenseMatrices.rows(queries), nk = DenseMatrices.rows(keys);
    ParameterSet grads = new ParameterSet();
    FixedSizeListVector dQ = null, dK = null;
    try {
      FixedSizeListVector dWq = grads.put(W_Q, DenseMatrices.allocateShaped(allocator, W_Q, h, dq)).get(W_Q);
      FixedSizeListVector dWk = grads.put(W_K, DenseMatrices.allocateShaped(allocator, W_K, h, dk)).get(W_K);
      grads.put(V, dv);
      dv = null;
      FixedSizeListVector db = grads.put(B, DenseMatrices.allocateShaped(allocator, B, h)).get(B);
      dQ = DenseMatrices.allocate(allocator, "dQueries", nq, dq);
      dK = DenseMatrices.allocate(allocator, "dKeys", nk, dk);
      kernels.matmul(seg(dP), false, seg(wq), false, seg(dQ), nq, dq, h, 1f, 0f);
      kernels.matmul(seg(dR), false, seg(wk), false, seg(dK), nk, dk, h, 1f, 0f);
      kernels.matmul(seg(dP), true, seg(queries), false, seg(dWq), h, dq, nq, 1f, 0f);
      kernels.matmul(seg(dR), true, seg(keys), false, seg(dWk), h, dk, nk, 1f, 0f);
      MemorySegment dPs = seg(dP), dbs = seg(db);
      for (int c = 0; c < h; c++) {
        double sum = 0;
        for (int i = 0; i < nq; i++) sum += dPs.getAtIndex(F, (long) i * h + c);
        dbs.setAtIndex(F, c, (float) sum);
      }
      return new Gradients(dQ, dK, grads);
    } catch (RuntimeException | Error e) {
      if (dv != null) dv.close();
      if (dQ != null) dQ.close();
      if (dK != null) dK.close();
      grads.close();
      throw e;
    }
  }

  /** P = Q W_qᵀ + b, saturated to finite float32. */
  private FixedSizeListVector projectQueries(FixedSizeListVector queries, BufferAllocator allocator) {
    int nq = DenseMatrices.rows(queries);
    FixedSizeListVector p = DenseMatrices.allocate(allocator, "projectedQueries", nq, h);
    try {
      MemorySegment ps = seg(p), bs = seg(b);
      long rowBytes = (long) h * Float.BYTES;
      for (int i = 0; i < nq; i++) MemorySegment.copy(bs, 0, ps, i * rowBytes, rowBytes);
      kernels.matmul(seg(queries), false, seg(wq), true, ps, nq, h, dq, 1f, 1f);
      saturate(ps, (long) nq * h);
      return p;
    } catch (RuntimeException | Error e) {
      p.close();
      throw e;
    }
  }

  /** R = K W_kᵀ, saturated to finite float32. */
  private FixedSizeListVector projectKeys(FixedSizeListVector keys, BufferAllocator allocator) {
    int nk = DenseMatrices.rows(keys);
    FixedSizeListVector r = DenseMatrices.allocate(allocator, "projectedKeys", nk, h);
    try {
      MemorySegment rs = seg(r);
      kernels.matmul(seg(keys), false, seg(wk), true, rs, nk, h, dk, 1f, 0f);
      saturate(rs, (long) nk * h);
      return r;
    } catch (RuntimeException | Error e) {
      r.close();
      throw e;
    }
  }

  private static void saturate(MemorySegment s, long n) {
    for (long i = 0; i < n; i++) {
      float x = s.getAtIndex(F, i);
      if (x == Float.POSITIVE_INFINITY) s.setAtIndex(F, i, Float.MAX_VALUE);
      else if (x == Float.NEGATIVE_INFINITY) s.setAtIndex(F, i, -Float.MAX_VALUE);
    }
  }

  private static FixedSizeListVector fromDoubles(BufferAllocator allocator, String name, double[] values, int rows, int cols) {
    FixedSizeListVector out = DenseMatrices.allocate(allocator, name, rows, cols);
    MemorySegment s = seg(out);
    for (int i = 0; i < values.length; i++) s.setAtIndex(F, i, (float) values[i]);
    return out;
  }

  private void checkInputs(FixedSizeListVector queries, FixedSizeListVector keys) {
    requireOpen();
    DenseMatrices.require(queries, "queries", dq);
    DenseMatrices.require(keys, "keys", dk);
    DenseMatrices.requireFinite(queries, "queries");
    DenseMatrices.requireFinite(keys, "keys");
  }

  private void requireOpen() {
    if (closed) throw new IllegalStateException("additive scorer: expected an open scorer, got a closed one");
  }

  private static MemorySegment seg(FixedSizeListVector m) { return DenseMatrices.segment(m); }

  @Override public void close() {
    if (closed) return;
    closed = true;
    parameters.close();
  }

  @Override public String toString() {
    return "AdditiveScorer[d_q=" + dq + ", d_k=" + dk + ", h=" + h + "]";
  }
}
