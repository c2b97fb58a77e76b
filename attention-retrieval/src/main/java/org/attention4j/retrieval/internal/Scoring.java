package org.attention4j.retrieval.internal;

/** Float64 scores of float32 inputs: ip qᵀk, cos qᵀk/(‖q‖‖k‖), l2 ‖q − k‖² (the exact answer every search ranks by). */
public final class Scoring {
  private Scoring() {}

  /** 0 = ip, 1 = cos, 2 = l2; {@code keyNorm} is used by cos only. */
  public static double score(int metric, float[] q, int qo, float[] row, int d, double keyNorm) {
    double s = 0;
    if (metric == 2) {
      for (int c = 0; c < d; c++) {
        double t = (double) q[qo + c] - row[c];
        s += t * t;
      }
      return s;
    }
    for (int c = 0; c < d; c++) s += (double) q[qo + c] * row[c];
    if (metric == 1) {
      double qq = 0;
      for (int c = 0; c < d; c++) qq += (double) q[qo + c] * q[qo + c];
      s /= Math.sqrt(qq) * keyNorm;
    }
    return s;
  }
}
