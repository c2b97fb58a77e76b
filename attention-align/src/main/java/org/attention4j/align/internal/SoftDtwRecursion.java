package org.attention4j.align.internal;

/**
 * Soft-DTW (Cuturi &amp; Blondel, ICML 2017) in float64 over the cells of a {@link Window}:
 * <pre>
 *   R[i][j] = C[i][j] + softmin_γ(R[i−1][j−1], R[i−1][j], R[i][j−1]),   R[−1][−1] = 0,
 *   softmin_γ(a, b, c) = −γ·log(e^(−a/γ) + e^(−b/γ) + e^(−c/γ)),
 * </pre>
 * evaluated as {@code μ − γ·log Σ e^(−(a_k − μ)/γ)} with μ the smallest argument (log-sum-exp), so
 * nothing overflows and a small γ gives the hard minimum instead of 0·∞. Cells outside the window
 * are +∞ and contribute e^(−∞) = 0.
 *
 * <p>The gradient of the value R[n−1][m−1] with respect to the cost matrix is the expected
 * alignment matrix E (the probability that the Gibbs distribution over warping paths uses a cell),
 * computed by the backward recursion
 * <pre>
 *   E[n−1][m−1] = 1,
 *   E[i][j] = E[i+1][j]·a + E[i][j+1]·b + E[i+1][j+1]·c,
 *   a = exp((R[i+1][j] − R[i][j] − C[i+1][j]) / γ), likewise b and c,
 * </pre>
 * where a neighbour outside the table or the window contributes 0. The exponents are ≤ 0 (a soft-min
 * is at most each argument), so this is stable too.
 *
 * <p>{@link #value} needs O(m) memory; {@link #gradient} keeps R and E, 16 bytes per cell.
 */
public final class SoftDtwRecursion {
  private static final double INF = Double.POSITIVE_INFINITY;

  private SoftDtwRecursion() {}

  /** The value and E (n × m row-major, 0 outside the window). */
  public record Gradient(double value, double[] expectedAlignment) {}

  /** The soft-min of three values at smoothing γ, in log-sum-exp form; +∞ when all are +∞. */
  public static double softmin(double a, double b, double c, double gamma) {
    double mu = a < b ? a : b;
    if (c < mu) mu = c;
    if (mu == INF) return INF;
    double s = Math.exp(-(a - mu) / gamma) + Math.exp(-(b - mu) / gamma) + Math.exp(-(c - mu) / gamma);
    return mu - gamma * Math.log(s);
  }

  /** R[n−1][m−1] in O(m) memory (+∞ when no path fits the window). */
  public static double value(CostRows costs, Window w, double gamma) {
    int n = w.rows(), m = w.cols();
    double[] prev = new double[m], cur = new double[m], c = new double[m];
    int pLo = 0, pHi = 0;
    for (int i = 0; i < n; i++) {
      int lo = w.lo(i), hi = w.hi(i);
      costs.row(i, lo, hi, c);
      row(i, prev, pLo, pHi, c, cur, lo, hi, gamma);
      double[] t = prev;
      prev = cur;
      cur = t;
      pLo = lo;
      pHi = hi;
    }
    return pLo < pHi && pHi == m ? prev[m - 1] : INF;
  }

  private static void row(int i, double[] prev, int pLo, int pHi, double[] c, double[] cur, int lo, int hi,
      double gamma) {
    for (int j = lo; j < hi; j++) {
      double diag = i == 0 ? (j == 0 ? 0.0 : INF) : (j > 0 && j - 1 >= pLo && j - 1 < pHi ? prev[j - 1] : INF);
      double up = i > 0 && j >= pLo && j < pHi ? prev[j] : INF;
      double left = j > lo ? cur[j - 1] : INF;
      cur[j] = c[j] + softmin(diag, up, left, gamma);
    }
  }

  /** The value and its gradient E = ∂R[n−1][m−1]/∂C, keeping R and E (the caller limits n·m). */
  public static Gradient gradient(CostRows costs, Window w, double gamma) {
    int n = w.rows(), m = w.cols();
    long cells = (long) n * m;
    if (cells > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("soft-DTW gradient: expected at most " + (Integer.MAX_VALUE - 8)
          + " cells, got " + cells);
    }
    double[] r = new double[(int) cells];
    java.util.Arrays.fill(r, INF);
    double[] c = new double[m];
    double[] prev = new double[m], cur = new double[m];
    int pLo = 0, pHi = 0;
    for (int i = 0; i < n; i++) {
      int lo = w.lo(i), hi = w.hi(i);
      costs.row(i, lo, hi, c);
      row(i, prev, pLo, pHi, c, cur, lo, hi, gamma);
      System.arraycopy(cur, lo, r, i * m + lo, Math.max(0, hi - lo));
      double[] t = prev;
      prev = cur;
      cur = t;
      pLo = lo;
      pHi = hi;
    }
    double value = r[(int) cells - 1];
    double[] e = new double[(int) cells];
    if (value == INF) return new Gradient(INF, e);
    double[] cNext = new double[m], cThis = new double[m];       // cost rows i + 1 and i
    for (int i = n - 1; i >= 0; i--) {
      int lo = w.lo(i), hi = w.hi(i);
      costs.row(i, lo, hi, cThis);
      boolean below = i + 1 < n;
      int nLo = below ? w.lo(i + 1) : 0, nHi = below ? w.hi(i + 1) : 0;
      int base = i * m, next = (i + 1) * m;
      for (int j = hi - 1; j >= lo; j--) {
        double rij = r[base + j];
        if (rij == INF) continue;                                   // unreachable: no path uses it
        if (i == n - 1 && j == m - 1) {
          e[base + j] = 1.0;
          continue;
        }
        double acc = 0.0;
        if (below && j >= nLo && j < nHi) {
          acc += e[next + j] * Math.exp((r[next + j] - rij - cNext[j]) / gamma);
        }
        if (j + 1 < hi) {
          acc += e[base + j + 1] * Math.exp((r[base + j + 1] - rij - cThis[j + 1]) / gamma);
        }
        if (below && j + 1 >= nLo && j + 1 < nHi) {
          acc += e[next + j + 1] * Math.exp((r[next + j + 1] - rij - cNext[j + 1]) / gamma);
        }
        e[base + j] = acc;
      }
      double[] t = cNext;
      cNext = cThis;
      cThis = t;
    }
    return new Gradient(value, e);
  }
}
