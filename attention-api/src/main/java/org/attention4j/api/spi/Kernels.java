package org.attention4j.api.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.lang.foreign.MemorySegment;
import org.apiguardian.api.API;

/**
 * Compute kernels over {@link MemorySegment}s (Arrow data read zero-copy). Matrices are row-major
 * float32, little-endian; segments start at element (0, 0) (slice to offset). Masks are byte
 * segments of n_q·n_k entries, 1 = may attend, or {@code null} for "all allowed". Kernels trust
 * their inputs: the facades check shapes and finiteness first.
 *
 * <p>Semantics shared by every implementation: a row with no allowed key gets zero weights and a
 * zero output; top-k breaks ties by the lower index; DTW rows take the minimum of the three
 * predecessors.
 *
 * <p>Experimental until the kernel issues settle it.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public interface Kernels {
  /** The provider id ({@code scalar}, {@code simd}). */
  String id();

  /** A one-line description of the implementation (e.g. vector width). */
  default String describe() { return id(); }

  /**
   * {@code C[m×n] = alpha · op(A) · op(B) + beta · C}, where op(A) is m×k (A stored k×m when
   * {@code transA}) and op(B) is k×n (B stored n×k when {@code transB}). With beta = 0, C is only
   * written (its old content may be anything, even NaN).
   */
  void matmul(MemorySegment a, boolean transA, MemorySegment b, boolean transB, MemorySegment c, int m, int n, int k,
      float alpha, float beta);

  /**
   * Row softmax of {@code scale · s} over the allowed entries, written to {@code out} (may be the
   * same segment as {@code s}); disallowed entries and empty rows get 0.
   */
  void softmaxRows(MemorySegment s, MemorySegment out, int rows, int cols, float scale, MemorySegment mask);

  /**
   * Backward of {@link #softmaxRows}: {@code dS = scale · A ⊙ (dA − rowsum(A ⊙ dA))}, written to
   * {@code dS} (may alias {@code dA}).
   */
  void softmaxBackwardRows(MemorySegment a, MemorySegment dA, MemorySegment dS, int rows, int cols, float scale);

  /**
   * Fused scaled-dot attention: {@code O = softmax(scale · Q Kᵀ, mask) V}, Q [nq×d], K [nk×d],
   * V [nk×dv], O [nq×dv]; the weights [nq×nk] are written to {@code weights} when it is non-null.
   */
  void attentionForward(MemorySegment q, MemorySegment k, MemorySegment v, MemorySegment out, MemorySegment weights,
      int nq, int nk, int d, int dv, float scale, MemorySegment mask);

  /**
   * Backward of {@link #attentionForward} given dO: writes dQ [nq×d], dK [nk×d], dV [nk×dv]
   * (overwritten, not accumulated).
   */
  void attentionBackward(MemorySegment q, MemorySegment k, MemorySegment v, MemorySegment dOut, MemorySegment dq,
      MemorySegment dk, MemorySegment dv, int nq, int nk, int d, int dvDim, float scale, MemorySegment mask);

  /**
   * Additive tanh-reduce: {@code S[i][j] = Σ_h w[h] · tanh(P[i][h] + R[j][h])} with projected queries
   * P [nq×h] (bias folded in) and projected keys R [nk×h].
   */
  void additiveScores(MemorySegment p, MemorySegment r, MemorySegment w, MemorySegment s, int nq, int nk, int h);

  /**
   * Backward of {@link #additiveScores} given dS: writes dP [nq×h], dR [nk×h] and dw [h]
   * (overwritten).
   */
  void additiveBackward(MemorySegment p, MemorySegment r, MemorySegment w, MemorySegment dS, MemorySegment dP,
      MemorySegment dR, MemorySegment dw, int nq, int nk, int h);

  /**
   * Fused additive attention: {@code O = softmax(scale · S, mask) V} with the additive scores
   * {@code S[i][j] = Σ_h w[h] · tanh(P[i][h] + R[j][h])} of {@link #additiveScores}; P [nq×h],
   * R [nk×h], V [nk×dv], O [nq×dv]; the weights [nq×nk] are written to {@code weights} when it is
   * non-null. Masks and empty rows as in {@link #attentionForward}.
   *
   * <p>This default composes {@link #additiveScores}, {@link #softmaxRows} and {@link #matmul} on an
   * n_q × n_k scratch matrix; a kernel may fuse it (the scores then never exist as a matrix).
   */
  default void additiveAttentionForward(MemorySegment p, MemorySegment r, MemorySegment w, MemorySegment v,
      MemorySegment out, MemorySegment weights, int nq, int nk, int h, int dv, float scale, MemorySegment mask) {
    if (nq <= 0) return;
    MemorySegment a = weights != null ? weights : MemorySegment.ofArray(new float[scratch((long) nq * nk, "weights")]);
    additiveScores(p, r, w, a, nq, nk, h);
    softmaxRows(a, a, nq, nk, scale, mask);
    matmul(a, false, v, false, out, nq, dv, nk, 1f, 0f);
  }

  /**
   * Backward of {@link #additiveAttentionForward} given dO: writes dP [nq×h], dR [nk×h], dw [h] and
   * dV [nk×dv] (overwritten). The default recomputes the weights A, then dA = dO·Vᵀ,
   * dS = scale·A ⊙ (dA − rowsum(A ⊙ dA)), dV = Aᵀ·dO and {@link #additiveBackward} of dS.
   */
  default void additiveAttentionBackward(MemorySegment p, MemorySegment r, MemorySegment w, MemorySegment v,
      MemorySegment dOut, MemorySegment dP, MemorySegment dR, MemorySegment dw, MemorySegment dV, int nq, int nk, int h,
      int dv, float scale, MemorySegment mask) {
    int cells = scratch((long) nq * nk, "weights");
    MemorySegment a = MemorySegment.ofArray(new float[cells]);
    MemorySegment ds = MemorySegment.ofArray(new float[cells]);
    additiveScores(p, r, w, a, nq, nk, h);
    softmaxRows(a, a, nq, nk, scale, mask);
    matmul(dOut, false, v, true, ds, nq, nk, dv, 1f, 0f);
    softmaxBackwardRows(a, ds, ds, nq, nk, scale);
    matmul(a, true, dOut, false, dV, nk, dv, nq, 1f, 0f);
    additiveBackward(p, r, w, ds, dP, dR, dw, nq, nk, h);
  }

  private static int scratch(long n, String what) {
    if (n > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException(what + ": expected at most " + (Integer.MAX_VALUE - 16) + " floats of scratch, got " + n);
    }
    return (int) n;
  }

  /**
   * Exact top-k by inner product: for each of the nq queries [nq×d], the k best of the n keys [n×d],
   * best first, ties by lower index. Writes int32 ids [nq×k] and float32 scores [nq×k].
   */
  void topK(MemorySegment keys, int n, int d, MemorySegment queries, int nq, int k, MemorySegment ids,
      MemorySegment scores);

  /**
   * One row of the DTW recursion, float32 local costs accumulated in float64 rows: for j in [lo, hi),
   * {@code cur[j] = cost[j] + min(prev[j − 1], prev[j], cur[j − 1])} (missing predecessors are +∞;
   * for j = 0 only prev[0]). Entries of {@code cur} outside [lo, hi) are set to +∞.
   * For the first row pass a {@code prev} with prev[−1] treated as 0 via {@code firstRow}.
   */
  void dtwRow(MemorySegment prev, MemorySegment cost, MemorySegment cur, int m, int lo, int hi, boolean firstRow);

  /**
   * DTW distances of many pairs: pair p compares x[p] [n×dim] with y[p] [m×dim] (float32 row-major,
   * pairs back to back: x is [pairs×n×dim], y [pairs×m×dim]). The local cost is the squared
   * Euclidean distance computed in float64 from the float32 values, D is accumulated in float64
   * with {@code D[i][j] = cost(i, j) + min(D[i−1][j−1], D[i−1][j], D[i][j−1])}, {@code D[−1][−1] = 0},
   * and {@code out[p] = D[n−1][m−1]} (float64, +∞ when no path fits the band). {@code band < 0}: no
   * band; else the cells with {@code |i·m − j·n| ≤ band·m} (docs/CLI.md, {@code align --band}).
   *
   * <p>This default is the plain float64 reference loop; a kernel may run the pairs in parallel
   * lanes (the result may then differ in the last bits of the float64 sums, from fused multiply-adds).
   */
  default void dtwDistances(MemorySegment x, MemorySegment y, int pairs, int n, int m, int dim, int band, MemorySegment out) {
    double inf = Double.POSITIVE_INFINITY;
    double[] prev = new double[m + 1], cur = new double[m + 1];          // index j + 1; index 0 is column −1
    java.lang.foreign.ValueLayout.OfFloat f = java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
    for (int p = 0; p < pairs; p++) {
      long xb = (long) p * n * dim, yb = (long) p * m * dim;
      java.util.Arrays.fill(prev, inf);
      prev[0] = 0;
      for (int i = 0; i < n; i++) {
        java.util.Arrays.fill(cur, inf);
        for (int j = 0; j < m; j++) {
          if (band >= 0 && Math.abs((long) i * m - (long) j * n) > (long) band * m) continue;
          double c = 0;
          for (int k = 0; k < dim; k++) {
            double diff = (double) x.getAtIndex(f, xb + (long) i * dim + k) - y.getAtIndex(f, yb + (long) j * dim + k);
            c += diff * diff;
          }
          cur[j + 1] = c + Math.min(Math.min(prev[j], prev[j + 1]), cur[j]);
        }
        double[] t = prev;
        prev = cur;
        cur = t;
      }
      out.setAtIndex(java.lang.foreign.ValueLayout.JAVA_DOUBLE_UNALIGNED, p, n > 0 && m > 0 ? prev[m] : inf);
    }
  }
}
