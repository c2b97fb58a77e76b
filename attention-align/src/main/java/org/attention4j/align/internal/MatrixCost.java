package org.attention4j.align.internal;

/** Costs given as a float64 matrix, n × m row-major (held, not copied). */
public final class MatrixCost implements CostRows {
  private final double[] c;
  private final int n;
  private final int m;

  public MatrixCost(double[] c, int n, int m) {
    if ((long) n * m != c.length) {
      throw new IllegalArgumentException("cost: expected " + ((long) n * m) + " values (= " + n + " x " + m + "), got "
          + c.length);
    }
    this.c = c;
    this.n = n;
    this.m = m;
  }

  @Override public int rows() { return n; }

  @Override public int cols() { return m; }

  @Override public void row(int i, int lo, int hi, double[] out) {
    System.arraycopy(c, i * m + lo, out, lo, hi - lo);
  }

  @Override public void diagonal(int tau, int i0, int i1, double[] out) {
    for (int i = i0; i < i1; i++) out[i - i0] = c[i * m + i + tau];
  }
}
