package org.attention4j.theory.internal;

import java.util.Random;

/** Small numeric helpers shared by the theory scenarios (float64 unless said). */
final class Stats {
  private Stats() {}

  static double mean(double[] x) {
    double s = 0;
    for (double v : x) s += v;
    return s / x.length;
  }

  /** Sample standard deviation (n − 1); 0 for one value. */
  static double sd(double[] x) {
    if (x.length < 2) return 0;
    double m = mean(x), s = 0;
    for (double v : x) s += (v - m) * (v - m);
    return Math.sqrt(s / (x.length - 1));
  }

  /** Least-squares slope of y on x. */
  static double slope(double[] x, double[] y) {
    double mx = mean(x), my = mean(y), sxy = 0, sxx = 0;
    for (int i = 0; i < x.length; i++) {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) * (x[i] - mx);
    }
    return sxy / sxx;
  }

  /** n points log-spaced over [lo, hi]. */
  static double[] logGrid(double lo, double hi, int n) {
    double[] g = new double[n];
    for (int i = 0; i < n; i++) g[i] = n == 1 ? lo : lo * Math.pow(hi / lo, i / (double) (n - 1));
    return g;
  }

  static double[] log10(double[] x) {
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) out[i] = Math.log10(x[i]);
    return out;
  }

  /** A random unit vector of width d written at {@code out[offset..]}. */
  static void unit(Random r, float[] out, int offset, int d) {
    double n = 0;
    double[] v = new double[d];
    for (int j = 0; j < d; j++) {
      v[j] = r.nextGaussian();
      n += v[j] * v[j];
    }
    n = Math.sqrt(n);
    for (int j = 0; j < d; j++) out[offset + j] = (float) (v[j] / n);
  }

  /** Row-wise softmax of {@code s[from..from+n)} in float64. */
  static double[] softmax(float[] s, int from, int n) {
    double m = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < n; j++) m = Math.max(m, s[from + j]);
    double z = 0;
    double[] w = new double[n];
    for (int j = 0; j < n; j++) {
      w[j] = Math.exp(s[from + j] - m);
      z += w[j];
    }
    for (int j = 0; j < n; j++) w[j] /= z;
    return w;
  }

  static String fmt(double x) { return String.format("%.3g", x); }
}
