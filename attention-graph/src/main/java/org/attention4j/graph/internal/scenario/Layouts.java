package org.attention4j.graph.internal.scenario;

import java.util.SplittableRandom;

/** Node positions for drawings: Fruchterman–Reingold (1991) from a seeded start, in the unit square. */
final class Layouts {
  private Layouts() {}

  static double[][] forceDirected(int n, int[] src, int[] dst, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] x = new double[n], y = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = r.nextDouble();
      y[i] = r.nextDouble();
    }
    double k = Math.sqrt(1.0 / n), t = 0.1;
    int iterations = 300;
    double[] dx = new double[n], dy = new double[n];
    for (int it = 0; it < iterations; it++) {
      java.util.Arrays.fill(dx, 0);
      java.util.Arrays.fill(dy, 0);
      for (int i = 0; i < n; i++) {
        for (int j = i + 1; j < n; j++) {
          double ex = x[i] - x[j], ey = y[i] - y[j], d = Math.max(1e-6, Math.hypot(ex, ey)), f = k * k / d;
          dx[i] += ex / d * f;
          dy[i] += ey / d * f;
          dx[j] -= ex / d * f;
          dy[j] -= ey / d * f;
        }
      }
      for (int e = 0; e < src.length; e++) {
        int i = src[e], j = dst[e];
        if (i == j) continue;
        double ex = x[i] - x[j], ey = y[i] - y[j], d = Math.max(1e-6, Math.hypot(ex, ey)), f = d * d / k;
        dx[i] -= ex / d * f;
        dy[i] -= ey / d * f;
        dx[j] += ex / d * f;
        dy[j] += ey / d * f;
      }
      for (int i = 0; i < n; i++) {
        double d = Math.max(1e-9, Math.hypot(dx[i], dy[i])), step = Math.min(d, t);
        x[i] += dx[i] / d * step;
        y[i] += dy[i] / d * step;
      }
      t *= 0.985;
    }
    return new double[][] {x, y};
  }
}
