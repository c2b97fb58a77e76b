package org.attention4j.timeseries.internal;

import java.util.Locale;

/** Small helpers shared by the scenarios. */
public final class Figures {
  private Figures() {}

  /** 0, 1, …, n − 1. */
  public static double[] steps(int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) x[i] = i;
    return x;
  }

  /** evenly spaced points from lo to hi inclusive. */
  public static double[] grid(double lo, double hi, int points) {
    if (points < 2) throw new IllegalArgumentException("points: expected at least 2, got " + points);
    double[] x = new double[points];
    for (int i = 0; i < points; i++) x[i] = lo + (hi - lo) * i / (points - 1);
    return x;
  }

  /** The first {@code n} entries. */
  public static double[] head(double[] x, int n) { return java.util.Arrays.copyOf(x, Math.min(n, x.length)); }

  /** Four significant digits. */
  public static String fmt(double x) { return String.format(Locale.ROOT, "%.4g", x); }

  /** Three decimals. */
  public static String f3(double x) { return String.format(Locale.ROOT, "%.3f", x); }

  /** The smallest and largest value. */
  public static double[] range(double[] x) {
    double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
    for (double v : x) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    return new double[] {lo, hi};
  }
}
