package org.attention4j.align.internal;

/**
 * Squared Euclidean or absolute (L1) costs between the rows of two float32 series, computed in
 * float64: {@code C[i][j] = Σ_k (x[i][k] − y[j][k])²} (or {@code |·|}), the differences and the sum
 * in float64 over k in order, so the costs equal a float64 reference on the same float32 inputs
 * bit for bit. The series are copied once into Java arrays (O((n + m)·d)); the O(n·m) work reads
 * those.
 */
public final class SeriesCost implements CostRows {
  private final float[] x;
  private final float[] y;
  private final int n;
  private final int m;
  private final int d;
  private final boolean squared;

  /** {@code x} is n × d and {@code y} m × d, row-major; {@code squared} chooses squared Euclidean over L1. */
  public SeriesCost(float[] x, int n, float[] y, int m, int d, boolean squared) {
    if ((long) n * d != x.length || (long) m * d != y.length) {
      throw new IllegalArgumentException("series: expected " + n + " x " + d + " and " + m + " x " + d + " values, got "
          + x.length + " and " + y.length);
    }
    this.x = x;
    this.y = y;
    this.n = n;
    this.m = m;
    this.d = d;
    this.squared = squared;
  }

  @Override public int rows() { return n; }

  @Override public int cols() { return m; }

  /** The cost of one pair, in float64. */
  public double cost(int i, int j) {
    double c = 0;
    int a = i * d, b = j * d;
    for (int k = 0; k < d; k++) {
      double t = (double) x[a + k] - (double) y[b + k];
      c += squared ? t * t : Math.abs(t);
    }
    return c;
  }

  @Override public void row(int i, int lo, int hi, double[] out) {
    if (d == 1) {            // the univariate case without the inner loop: 0 + t² = t² exactly (t² is never −0)
      double xi = x[i];
      if (squared) {
        for (int j = lo; j < hi; j++) {
          double t = xi - (double) y[j];
          out[j] = t * t;
        }
      } else {
        for (int j = lo; j < hi; j++) out[j] = Math.abs(xi - (double) y[j]);
      }
      return;
    }
    for (int j = lo; j < hi; j++) out[j] = cost(i, j);
  }

  @Override public void diagonal(int tau, int i0, int i1, double[] out) {
    for (int i = i0; i < i1; i++) out[i - i0] = cost(i, i + tau);
  }
}
