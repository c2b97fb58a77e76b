package org.attention4j.biosim.internal;

import java.util.Optional;
import java.util.OptionalDouble;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.spi.ProviderConfig;
import org.attention4j.api.spi.ScenarioContext;
import org.attention4j.api.spi.Scorer;
import org.attention4j.api.spi.ScorerProvider;

/**
 * The score qᵀWk of a bilinear form on one-hot inputs, computed by a scorer of the registry.
 *
 * <p>attention-bilinear has no general {@code bilinear} scorer (a learned W [d_q, d_k]) yet, so a
 * dot-product scorer ({@code dot} or {@code scaled-dot}) is used on an explicit feature map: the
 * query e_i (one-hot over the row levels) becomes Wᵀe_i, row i of W, and the key stays e_j (one-hot
 * over the column levels), so dot(Wᵀe_i, e_j) = e_iᵀ W e_j = W[i][j]. The scorer's constant scale
 * (1/√d for {@code scaled-dot}) is divided out. Everything runs in float32, like any scorer.
 */
final class BilinearScores {
  private BilinearScores() {}

  /** S[i][j] = e_iᵀ W e_j for W [rows × cols], as computed by the scorer {@code scorerId}. */
  static double[][] oneHot(ScenarioContext ctx, String scorerId, double[][] w) {
    int rows = w.length, cols = w[0].length;
    BufferAllocator alloc = ctx.allocator();
    ProviderConfig cfg = new ProviderConfig(ctx.providerSettings(), ctx.seed(), alloc, Optional.empty(),
        ctx.lookup().kernels(), ctx.lookup());
    ScorerProvider provider = ctx.lookup().require(ScorerProvider.class, scorerId);
    float[] q = new float[rows * cols], k = new float[cols * cols];
    for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) q[i * cols + j] = (float) w[i][j];
    for (int j = 0; j < cols; j++) k[j * cols + j] = 1f;
    try (Scorer scorer = provider.create(cfg, cols, cols);
         FixedSizeListVector qv = DenseMatrices.of(alloc, "queries (W^T e_i)", rows, cols, q);
         FixedSizeListVector kv = DenseMatrices.of(alloc, "keys (e_j)", cols, cols, k);
         FixedSizeListVector s = scorer.score(qv, kv, alloc)) {
      OptionalDouble c = scorer.dotProductScale();
      if (c.isEmpty() || c.getAsDouble() == 0) {
        throw new IllegalArgumentException("scorer: expected a dot-product scorer (e.g. dot, scaled-dot) to compute "
            + "qᵀWk on a feature map, got '" + scorerId + "'");
      }
      float[] out = DenseMatrices.toArray(s);
      double[][] scores = new double[rows][cols];
      for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) scores[i][j] = out[i * cols + j] / c.getAsDouble();
      return scores;
    }
  }

  /** max |a − b| over all entries. */
  static double maxAbsDiff(double[][] a, double[][] b) {
    double m = 0;
    for (int i = 0; i < a.length; i++) for (int j = 0; j < a[i].length; j++) m = Math.max(m, Math.abs(a[i][j] - b[i][j]));
    return m;
  }

  /** max |a| over all entries. */
  static double maxAbs(double[][] a) {
    double m = 0;
    for (double[] row : a) for (double x : row) m = Math.max(m, Math.abs(x));
    return m;
  }

  /** Row-major flattening, rows in reverse order (so the last row is drawn at the top of a heatmap). */
  static double[] flipRows(double[][] a) {
    int rows = a.length, cols = a[0].length;
    double[] out = new double[rows * cols];
    for (int i = 0; i < rows; i++) System.arraycopy(a[rows - 1 - i], 0, out, i * cols, cols);
    return out;
  }
}
