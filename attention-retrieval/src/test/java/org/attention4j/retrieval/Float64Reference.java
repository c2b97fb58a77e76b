package org.attention4j.retrieval;

import java.util.Arrays;
import java.util.Comparator;

/** Brute-force float64 scoring of float32 inputs, the reference of the exact search tests (written independently of it). */
final class Float64Reference {
  private Float64Reference() {}

  /** Scores of every key for query q: ip, cos, or squared l2. */
  static double[] scores(float[] keys, int n, int d, float[] queries, int q, Metric metric) {
    double[] s = new double[n];
    double qn = 0;
    for (int c = 0; c < d; c++) qn += (double) queries[q * d + c] * queries[q * d + c];
    for (int j = 0; j < n; j++) {
      double dot = 0, kn = 0, dist = 0;
      for (int c = 0; c < d; c++) {
        double a = queries[q * d + c], b = keys[j * d + c];
        dot += a * b;
        kn += b * b;
        dist += (a - b) * (a - b);
      }
      s[j] = switch (metric) {
        case IP -> dot;
        case COS -> dot / (Math.sqrt(qn) * Math.sqrt(kn));
        case L2 -> dist;
      };
    }
    return s;
  }

  /** All ids of query q ranked best first, ties by lower id. */
  static Integer[] ranking(double[] s, Metric metric) {
    Integer[] order = new Integer[s.length];
    for (int i = 0; i < order.length; i++) order[i] = i;
    Comparator<Integer> byScore = metric.descending() ? Comparator.comparingDouble((Integer i) -> -s[i])
        : Comparator.comparingDouble((Integer i) -> s[i]);
    Arrays.sort(order, byScore.thenComparingInt(i -> i));
    return order;
  }
}
