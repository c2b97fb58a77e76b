package org.attention4j.spark.internal;

import java.io.Serializable;
import java.util.Comparator;
import java.util.List;

/**
 * The softmax attention of a block of query rows over one partition of the keys, in the form that
 * merges exactly: per row the partition's maximum scaled score {@code m}, the sum
 * {@code l = Σ exp(s/T − m)} over the partition's keys and the partition's normalized read
 * {@code o = Σ softmax_p(s/T)·v}. Partitions combine as
 * {@code O = Σ_p l_p e^{m_p − M} o_p / Σ_p l_p e^{m_p − M}} with {@code M = max_p m_p}, which is the
 * softmax over all keys (the log-sum-exp identity), whatever the partitioning.
 *
 * @param part the key partition (merges run in this order, so a result never depends on task timing)
 * @param rows query rows of the block
 * @param dv value width
 * @param max per row, m
 * @param sum per row, l (float64)
 * @param out rows × dv, o
 */
public record SoftmaxPartial(int part, int rows, int dv, float[] max, double[] sum, float[] out) implements Serializable {

  /**
   * Combines the partials of one query block, in partition order, into the rows × dv output (float32
   * values accumulated in float64).
   */
  public static float[] merge(List<SoftmaxPartial> partials) {
    List<SoftmaxPartial> ordered = partials.stream().sorted(Comparator.comparingInt(SoftmaxPartial::part)).toList();
    SoftmaxPartial first = ordered.get(0);
    int rows = first.rows, dv = first.dv;
    float[] result = new float[rows * dv];
    double[] acc = new double[dv];
    for (int i = 0; i < rows; i++) {
      double m = Double.NEGATIVE_INFINITY;
      for (SoftmaxPartial p : ordered) if (p.sum[i] > 0) m = Math.max(m, p.max[i]);
      if (m == Double.NEGATIVE_INFINITY) continue;          // nothing to attend: zero output
      java.util.Arrays.fill(acc, 0);
      double total = 0;
      for (SoftmaxPartial p : ordered) {
        if (p.sum[i] <= 0) continue;
        double w = p.sum[i] * Math.exp(p.max[i] - m);
        total += w;
        int o = i * dv;
        for (int c = 0; c < dv; c++) acc[c] += w * p.out[o + c];
      }
      for (int c = 0; c < dv; c++) result[i * dv + c] = (float) (acc[c] / total);
    }
    return result;
  }
}
