package org.attention4j.spark.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The merge of per-partition partials is the softmax over all keys, for any split and order. */
class SoftmaxPartialTest {
  @ParameterizedTest @ValueSource(doubles = {0.1, 1, 30, 300})
  void mergeEqualsTheSoftmaxOverAllKeys(double spread) {
    Random r = new Random(5);
    int rows = 7, nk = 50, dv = 3;
    float[][] s = new float[rows][nk];
    float[] v = new float[nk * dv];
    for (float[] row : s) for (int j = 0; j < nk; j++) row[j] = (float) ((r.nextDouble() * 2 - 1) * spread);
    for (int i = 0; i < v.length; i++) v[i] = r.nextFloat() * 2 - 1;
    int[] cuts = {0, 1, 13, 14, 40, nk};                 // uneven partitions, one of a single key
    List<SoftmaxPartial> parts = new ArrayList<>();
    for (int p = 0; p + 1 < cuts.length; p++) parts.add(partial(p, s, v, cuts[p], cuts[p + 1], dv));
    Collections.shuffle(parts, r);                         // arrival order must not matter
    float[] merged = SoftmaxPartial.merge(parts);
    for (int i = 0; i < rows; i++) {
      double m = Double.NEGATIVE_INFINITY, sum = 0;
      for (int j = 0; j < nk; j++) m = Math.max(m, s[i][j]);
      double[] o = new double[dv];
      for (int j = 0; j < nk; j++) {
        double e = Math.exp(s[i][j] - m);
        sum += e;
        for (int c = 0; c < dv; c++) o[c] += e * v[j * dv + c];
      }
      for (int c = 0; c < dv; c++) assertEquals(o[c] / sum, merged[i * dv + c], 1e-6, "row " + i + " col " + c);
    }
  }

  /** What a task computes for keys [lo, hi): max, sum of exp, normalized read (float64 here). */
  private static SoftmaxPartial partial(int part, float[][] s, float[] v, int lo, int hi, int dv) {
    int rows = s.length;
    float[] max = new float[rows], out = new float[rows * dv];
    double[] sum = new double[rows];
    for (int i = 0; i < rows; i++) {
      float m = Float.NEGATIVE_INFINITY;
      for (int j = lo; j < hi; j++) m = Math.max(m, s[i][j]);
      double l = 0;
      double[] o = new double[dv];
      for (int j = lo; j < hi; j++) {
        double e = Math.exp(s[i][j] - m);
        l += e;
        for (int c = 0; c < dv; c++) o[c] += e * v[j * dv + c];
      }
      max[i] = m;
      sum[i] = l;
      for (int c = 0; c < dv; c++) out[i * dv + c] = (float) (o[c] / l);
    }
    return new SoftmaxPartial(part, rows, dv, max, sum, out);
  }
}
