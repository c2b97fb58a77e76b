package org.attention4j.testkit;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.attention4j.api.Mask;
import org.apiguardian.api.API;

/**
 * Float64 references for sparsemax and 1.5-entmax that share no code with the implementation: the
 * threshold τ is found by bisection on Σ_j max(z_j − τ, 0)^power = 1 (power 1 for sparsemax on z,
 * power 2 for entmax15 on z/2), 200 halvings of [max − 1, max], i.e. to float64 resolution.
 * Rows are taken over the allowed keys of a {@link Mask}; disallowed keys and empty rows give 0.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class SparseOracles {
  /** sparsemax or entmax15. */
  public enum Kind {
    SPARSEMAX(1, 1.0),
    ENTMAX15(2, 0.5);

    final int power;
    final double zScale;

    Kind(int power, double zScale) {
      this.power = power;
      this.zScale = zScale;
    }
  }

  private SparseOracles() {}

  /** The threshold τ for u = zScale·z (allowed entries only, n of them). */
  public static double tau(Kind map, double[] z, int n) {
    double max = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < n; j++) max = Math.max(max, map.zScale * z[j]);
    double lo = max - 1, hi = max;
    for (int it = 0; it < 200; it++) {
      double mid = 0.5 * (lo + hi);
      double sum = 0;
      for (int j = 0; j < n; j++) sum += Math.pow(Math.max(map.zScale * z[j] - mid, 0), map.power);
      if (sum > 1) lo = mid;
      else hi = mid;
    }
    return 0.5 * (lo + hi);
  }

  /** Weights [rows, cols] of scores / T over the allowed keys. */
  public static double[] rows(Kind map, double[] s, int rows, int cols, double t, Mask mask) {
    double[] out = new double[rows * cols];
    double[] z = new double[cols];
    int[] idx = new int[cols];
    for (int i = 0; i < rows; i++) {
      int n = 0;
      for (int j = 0; j < cols; j++) {
        if (mask.allows(i, j, rows, cols)) {
          idx[n] = j;
          z[n++] = s[i * cols + j] / t;
        }
      }
      if (n == 0) continue;
      double tau = tau(map, z, n);
      for (int c = 0; c < n; c++) out[i * cols + idx[c]] = Math.pow(Math.max(map.zScale * z[c] - tau, 0), map.power);
    }
    return out;
  }

  /**
   * The smallest distance, in units of z = s / T, of an allowed entry to its row's support
   * threshold ({@code z_j = τ / zScale}); +∞ when there is no allowed entry.
   */
  public static double margin(Kind map, double[] s, int rows, int cols, double t, Mask mask) {
    double m = Double.POSITIVE_INFINITY;
    double[] z = new double[cols];
    for (int i = 0; i < rows; i++) {
      int n = 0;
      for (int j = 0; j < cols; j++) if (mask.allows(i, j, rows, cols)) z[n++] = s[i * cols + j] / t;
      if (n == 0) continue;
      double threshold = tau(map, z, n) / map.zScale;
      for (int c = 0; c < n; c++) m = Math.min(m, Math.abs(z[c] - threshold));
    }
    return m;
  }
}
