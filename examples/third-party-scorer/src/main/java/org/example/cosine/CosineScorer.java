package org.example.cosine;

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
 * {@code s_ij = cos(q_i, k_j) / τ = (q_i · k_j) / (‖q_i‖ ‖k_j‖ τ)}, τ = exp(θ), θ = log_tau.
 *
 * <p>Gradients, with r_i = 1/‖q_i‖, u_j = 1/‖k_j‖ and upstream G = dL/dS:
 * <pre>
 *   P_ij  = G_ij · r_i · u_j / τ                      (G through the normalisation)
 *   dQ_i  = Σ_j P_ij k_j − (Σ_j G_ij S_ij) · r_i² · q_i     (= P·K − diag(rowsum(G ⊙ S) r²)·Q)
 *   dK_j  = Σ_i P_ij q_i − (Σ_i G_ij S_ij) · u_j² · k_j     (= Pᵀ·Q − diag(colsum(G ⊙ S) u²)·K)
 *   dθ    = −Σ_ij G_ij S_ij                                (∂s/∂θ = −s)
 * </pre>
 * The second term of dQ removes the part of the gradient along q_i: cos is invariant to the length
 * of q_i, so its gradient is orthogonal to q_i. Zero vectors have no direction and are refused.
 * The dense products run on the configured kernels' matmul; the O(n·d) parts are plain loops over
 * the Arrow data, read zero-copy.
 */
final class CosineScorer implements Scorer {
  private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

  private final int d;
  private final ParameterSet parameters;
  private final Kernels kernels;
  private volatile boolean closed;

  CosineScorer(int d, ParameterSet parameters, Kernels kernels) {
    this.d = d;
    this.parameters = parameters;
    this.kernels = kernels;
  }

  @Override public int queryDim() { return d; }

  @Override public int keyDim() { return d; }

  @Override public ParameterSet parameters() { return parameters; }

  @Override public void close() {
    closed = true;
    parameters.close();
  }

  /** θ = log_tau, read from the parameter tensor on every call (a trainer may update it in place). */
  private double logTau() {
    double theta = DenseMatrices.get(parameters.get(CosineScorerProvider.LOG_TAU), 0, 0);
    if (!Double.isFinite(theta)) throw new IllegalStateException("log_tau: expected a finite value, got " + theta);
    return theta;
  }

  private void checkOpen() {
    if (closed) throw new IllegalStateException("scorer 'cosine': expected an open scorer, got a closed one");
  }

  /** Checks shape and finiteness and returns 1/‖row‖ per row; a zero row is refused by argument and row. */
  private double[] inverseNorms(FixedSizeListVector m, String argument) {
    DenseMatrices.require(m, argument, d);
    DenseMatrices.requireFinite(m, argument);
    MemorySegment s = DenseMatrices.segment(m);
    int rows = DenseMatrices.rows(m);
    double[] inv = new double[rows];
    for (int i = 0; i < rows; i++) {
      double sq = 0;
      for (int p = 0; p < d; p++) {
        double x = s.getAtIndex(F, (long) i * d + p);
        sq += x * x;
      }
      if (sq == 0) {
        throw new IllegalArgumentException(argument + ": expected non-zero rows (cosine is undefined for a zero vector), "
            + "got a zero vector at row " + i);
      }
      inv[i] = 1 / Math.sqrt(sq);
    }
    return inv;
  }

  /** S = (Q Kᵀ) ⊙ (r uᵀ) / τ written into {@code s} [n_q, n_k]. */
  private void scoresInto(FixedSizeListVector queries, FixedSizeListVector keys, double[] r, double[] u, double invTau,
      FixedSizeListVector s) {
    int nq = r.length, nk = u.length;
    MemorySegment out = DenseMatrices.segment(s);
    kernels.matmul(DenseMatrices.segment(queries), false, DenseMatrices.segment(keys), true, out, nq, nk, d, 1f, 0f);
    for (int i = 0; i < nq; i++) {
      for (int j = 0; j < nk; j++) {
        long at = (long) i * nk + j;
        out.setAtIndex(F, at, (float) (out.getAtIndex(F, at) * r[i] * u[j] * invTau));
      }
    }
  }

  @Override
  public FixedSizeListVector score(FixedSizeListVector queries, FixedSizeListVector keys, BufferAllocator allocator) {
    checkOpen();
    double[] r = inverseNorms(queries, "query"), u = inverseNorms(keys, "keys");
    double invTau = Math.exp(-logTau());
    FixedSizeListVector s = DenseMatrices.allocate(allocator, "scores", r.length, u.length);
    try {
      scoresInto(queries, keys, r, u, invTau, s);
      return s;
    } catch (RuntimeException | Error e) {
      s.close();
      throw e;
    }
  }

  private double dot(MemorySegment a, int rowA, MemorySegment b, int rowB) {
    double acc = 0;
    for (int p = 0; p < d; p++) acc += (double) a.getAtIndex(F, (long) rowA * d + p) * b.getAtIndex(F, (long) rowB * d + p);
    return acc;
  }

  @Override
  public FixedSizeListVector scorePairs(FixedSizeListVector queries, FixedSizeListVector keys, int[] src, int[] dst,
      BufferAllocator allocator) {
    checkOpen();
    double[] r = inverseNorms(queries, "query"), u = inverseNorms(keys, "keys");
    Edges.require(src, dst, r.length, u.length);
    double invTau = Math.exp(-logTau());
    FixedSizeListVector s = DenseMatrices.allocate(allocator, "scores", src.length, 1);
    MemorySegment q = DenseMatrices.segment(queries), k = DenseMatrices.segment(keys), out = DenseMatrices.segment(s);
    for (int e = 0; e < src.length; e++) {
      out.setAtIndex(F, e, (float) (dot(q, src[e], k, dst[e]) * r[src[e]] * u[dst[e]] * invTau));
    }
    return s;
  }

  @Override
  public Gradients backward(FixedSizeListVector queries, FixedSizeListVector keys, FixedSizeListVector dScores,
      BufferAllocator allocator) {
    checkOpen();
    double[] r = inverseNorms(queries, "query"), u = inverseNorms(keys, "keys");
    int nq = r.length, nk = u.length;
    DenseMatrices.require(dScores, "dScores", nq, nk);
    DenseMatrices.requireFinite(dScores, "dScores");
    double invTau = Math.exp(-logTau());
    double[] rowGs = new double[nq], colGs = new double[nk];        // Σ_j G_ij S_ij and Σ_i G_ij S_ij
    double gs = 0;
    FixedSizeListVector dq = null, dk = null, dTheta = null;
    try (FixedSizeListVector p = DenseMatrices.allocate(allocator, "scratch", nq, nk)) {
      scoresInto(queries, keys, r, u, invTau, p);                    // p holds S first ...
      MemorySegment ps = DenseMatrices.segment(p), g = DenseMatrices.segment(dScores);
      for (int i = 0; i < nq; i++) {
        for (int j = 0; j < nk; j++) {
          long at = (long) i * nk + j;
          double gij = g.getAtIndex(F, at);
          double t = gij * ps.getAtIndex(F, at);
          rowGs[i] += t;
          colGs[j] += t;
          gs += t;
          ps.setAtIndex(F, at, (float) (gij * r[i] * u[j] * invTau));    // ... then P
        }
      }
      dq = DenseMatrices.allocate(allocator, "dQuery", nq, d);
      dk = DenseMatrices.allocate(allocator, "dKeys", nk, d);
      kernels.matmul(ps, false, DenseMatrices.segment(keys), false, DenseMatrices.segment(dq), nq, d, nk, 1f, 0f);
      kernels.matmul(ps, true, DenseMatrices.segment(queries), false, DenseMatrices.segment(dk), nk, d, nq, 1f, 0f);
      subtractAlong(dq, queries, rowGs, r);
      subtractAlong(dk, keys, colGs, u);
      dTheta = DenseMatrices.allocateShaped(allocator, CosineScorerProvider.LOG_TAU, 1);
      DenseMatrices.set(dTheta, 0, 0, (float) -gs);
      return new Gradients(dq, dk, new ParameterSet().put(CosineScorerProvider.LOG_TAU, dTheta));
    } catch (RuntimeException | Error e) {
      closeAll(dq, dk, dTheta);
      throw e;
    }
  }

  /** {@code grad_i −= c_i · inv_i² · x_i} for every row i. */
  private void subtractAlong(FixedSizeListVector grad, FixedSizeListVector x, double[] c, double[] inv) {
    MemorySegment gs = DenseMatrices.segment(grad), xs = DenseMatrices.segment(x);
    for (int i = 0; i < c.length; i++) {
      double f = c[i] * inv[i] * inv[i];
      if (f == 0) continue;
      for (int p = 0; p < d; p++) {
        long at = (long) i * d + p;
        gs.setAtIndex(F, at, (float) (gs.getAtIndex(F, at) - f * xs.getAtIndex(F, at)));
      }
    }
  }

  @Override
  public Gradients backwardPairs(FixedSizeListVector queries, FixedSizeListVector keys, int[] src, int[] dst,
      FixedSizeListVector dScores, BufferAllocator allocator) {
    checkOpen();
    double[] r = inverseNorms(queries, "query"), u = inverseNorms(keys, "keys");
    int nq = r.length, nk = u.length;
    Edges.require(src, dst, nq, nk);
    DenseMatrices.require(dScores, "dScores", src.length, 1);
    DenseMatrices.requireFinite(dScores, "dScores");
    double invTau = Math.exp(-logTau());
    MemorySegment q = DenseMatrices.segment(queries), k = DenseMatrices.segment(keys), g = DenseMatrices.segment(dScores);
    double[] gq = new double[nq * d], gk = new double[nk * d];         // float64 accumulation over edges
    double gs = 0;
    for (int e = 0; e < src.length; e++) {
      int i = src[e], j = dst[e];
      double ge = g.getAtIndex(F, e);
      if (ge == 0) continue;
      double se = dot(q, i, k, j) * r[i] * u[j] * invTau;
      double pe = ge * r[i] * u[j] * invTau;
      double ai = ge * se * r[i] * r[i], bj = ge * se * u[j] * u[j];
      for (int p = 0; p < d; p++) {
        double qp = q.getAtIndex(F, (long) i * d + p), kp = k.getAtIndex(F, (long) j * d + p);
        gq[i * d + p] += pe * kp - ai * qp;
        gk[j * d + p] += pe * qp - bj * kp;
      }
      gs += ge * se;
    }
    FixedSizeListVector dq = null, dk = null, dTheta = null;
    try {
      dq = DenseMatrices.allocate(allocator, "dQuery", nq, d);
      dk = DenseMatrices.allocate(allocator, "dKeys", nk, d);
      MemorySegment dqs = DenseMatrices.segment(dq), dks = DenseMatrices.segment(dk);
      for (int x = 0; x < gq.length; x++) dqs.setAtIndex(F, x, (float) gq[x]);
      for (int x = 0; x < gk.length; x++) dks.setAtIndex(F, x, (float) gk[x]);
      dTheta = DenseMatrices.allocateShaped(allocator, CosineScorerProvider.LOG_TAU, 1);
      DenseMatrices.set(dTheta, 0, 0, (float) -gs);
      return new Gradients(dq, dk, new ParameterSet().put(CosineScorerProvider.LOG_TAU, dTheta));
    } catch (RuntimeException | Error e) {
      closeAll(dq, dk, dTheta);
      throw e;
    }
  }

  private static void closeAll(FixedSizeListVector... vectors) {
    for (FixedSizeListVector v : vectors) if (v != null) v.close();
  }

  @Override public String toString() { return "cosine[d=" + d + "]"; }
}
