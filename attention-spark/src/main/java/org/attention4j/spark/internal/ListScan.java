package org.attention4j.spark.internal;

import java.io.Serializable;

/**
 * The per-row arithmetic of attention-retrieval's inverted-list search, so that a task holding only
 * some lists feeds the top-k kernel the same float32 rows and rescores the candidates the same way
 * as the single-machine {@code IvfIndex}: the kernel form of keys and queries for each metric (ip:
 * the rows; cos: rows scaled by 1/‖row‖ in float64, rounded to float32; l2: rows centred on the
 * index-wide mean μ with one more column, [k − μ, −‖k − μ‖²/2] against [q − μ, 1]), the float64
 * score of a candidate (ip qᵀk, cos qᵀk/(‖q‖‖k‖), l2 ‖q − k‖²) and the ranking (best score first —
 * smallest for l2 — ties by the lower id). Every operation is per row, so its result does not depend
 * on how the keys are partitioned; only μ is global and comes from the driver.
 *
 * @param metric 0 = ip, 1 = cos, 2 = l2
 * @param d the key width
 * @param mu the l2 centre (float32, d entries), null otherwise
 */
public record ListScan(int metric, int d, float[] mu) implements Serializable {
  /** ip. */
  public static final int IP = 0;
  /** cos. */
  public static final int COS = 1;
  /** l2 (squared distance, ascending). */
  public static final int L2 = 2;

  /** The width the kernel sees: d, or d + 1 under l2. */
  public int kernelDim() { return metric == L2 ? d + 1 : d; }

  /** True when a larger score is better. */
  public boolean descending() { return metric != L2; }

  /** The float64 Euclidean norm of a float32 row (summed in order, as the key–value memory does). */
  public static double norm(float[] m, int offset, int d) {
    double s = 0;
    for (int c = 0; c < d; c++) s += (double) m[offset + c] * m[offset + c];
    return Math.sqrt(s);
  }

  /**
   * The l2 centre of {@code keys} [n, d] (float32, row-major, off the heap) visited in {@code order}: float64 sums
   * over the same blocks as attention-retrieval's kernel keys (their bounds depend on n only), then
   * divided by n and rounded to float32.
   */
  public static float[] center(java.lang.foreign.MemorySegment keys, int n, int d, int[] order) {
    int blocks = Math.max(1, (int) Math.min(256, (long) n * d / 65536));
    double[][] partial = new double[blocks][d];
    java.util.stream.IntStream.range(0, blocks).parallel().forEach(b -> {
      int lo = (int) ((long) n * b / blocks), hi = (int) ((long) n * (b + 1) / blocks);
      double[] sum = partial[b];
      for (int i = lo; i < hi; i++) {
        int row = order[i];
        for (int c = 0; c < d; c++) sum[c] += keys.getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, (long) row * d + c);
      }
    });
    float[] mu = new float[d];
    for (int c = 0; c < d; c++) {
      double s = 0;
      for (double[] p : partial) s += p[c];
      mu[c] = (float) (s / n);
    }
    return mu;
  }

  /** Writes the kernel form of key row {@code src[offset…]} (float64 norm {@code norm}) to {@code out[outOffset…]}. */
  public void keyInto(float[] src, int offset, double norm, float[] out, int outOffset) {
    switch (metric) {
      case IP -> System.arraycopy(src, offset, out, outOffset, d);
      case COS -> {
        double inv = 1 / norm;
        for (int c = 0; c < d; c++) out[outOffset + c] = (float) (src[offset + c] * inv);
      }
      default -> {
        double s = 0;
        for (int c = 0; c < d; c++) {
          float x = src[offset + c] - mu[c];
          out[outOffset + c] = x;
          s += (double) x * x;
        }
        out[outOffset + d] = (float) (-s / 2);
      }
    }
  }

  /**
   * Writes the kernel form of query row {@code src[offset…]} to {@code out[outOffset…]}; under cos a
   * zero query is refused naming {@code column} and the row id.
   */
  public void queryInto(float[] src, int offset, float[] out, int outOffset, String column, long id) {
    switch (metric) {
      case IP -> System.arraycopy(src, offset, out, outOffset, d);
      case COS -> {
        double s = 0;
        for (int c = 0; c < d; c++) s += (double) src[offset + c] * src[offset + c];
        if (s == 0) throw new IllegalArgumentException(column + ": expected non-zero rows under cos, got a zero-norm row at row id " + id);
        double inv = 1 / Math.sqrt(s);
        for (int c = 0; c < d; c++) out[outOffset + c] = (float) (src[offset + c] * inv);
      }
      default -> {
        for (int c = 0; c < d; c++) out[outOffset + c] = src[offset + c] - mu[c];
        out[outOffset + d] = 1f;
      }
    }
  }

  /** The float64 score of query {@code q[qo…]} against key {@code k[ko…]} (its float64 norm {@code keyNorm}, used by cos). */
  public double score(float[] q, int qo, float[] k, int ko, double keyNorm) {
    double s = 0;
    if (metric == L2) {
      for (int c = 0; c < d; c++) {
        double t = (double) q[qo + c] - k[ko + c];
        s += t * t;
      }
      return s;
    }
    for (int c = 0; c < d; c++) s += (double) q[qo + c] * k[ko + c];
    if (metric == COS) {
      double qq = 0;
      for (int c = 0; c < d; c++) qq += (double) q[qo + c] * q[qo + c];
      s /= Math.sqrt(qq) * keyNorm;
    }
    return s;
  }

  /** Whether (scoreA, idA) ranks before (scoreB, idB): a better score, or an equal one and a lower id. */
  public static boolean better(double scoreA, long idA, double scoreB, long idB, boolean descending) {
    int c = descending ? Double.compare(scoreA, scoreB) : Double.compare(scoreB, scoreA);
    return c > 0 || (c == 0 && idA < idB);
  }

  /**
   * The positions of the best {@code k} of {@code count} entries (ids, scores from {@code from}),
   * best first; a sort of the positions, enough for the few dozen candidates of one query.
   */
  public static int[] best(long[] ids, double[] scores, int from, int count, int k, boolean descending) {
    Integer[] pos = new Integer[count];
    for (int i = 0; i < count; i++) pos[i] = from + i;
    java.util.Arrays.sort(pos, (a, b) -> better(scores[a], ids[a], scores[b], ids[b], descending) ? -1
        : better(scores[b], ids[b], scores[a], ids[a], descending) ? 1 : 0);
    int m = Math.min(k, count);
    int[] out = new int[m];
    for (int i = 0; i < m; i++) out[i] = pos[i];
    return out;
  }

  /**
   * Every list ranked for one query from its float32 centroid scores {@code s[offset … offset+nlist)}:
   * route score r = s·scale + bias (float64), descending, ties by the lower list — as the single-machine
   * index routes.
   */
  public static int[] route(float[] s, int offset, int nlist, double[] scale, double[] bias) {
    double[] r = new double[nlist];
    for (int l = 0; l < nlist; l++) r[l] = s[offset + l] * scale[l] + bias[l];
    int[] idx = new int[nlist];
    for (int l = 0; l < nlist; l++) idx[l] = l;
    sort(idx, r, new int[nlist], 0, nlist);
    return idx;
  }

  // merge sort of list indices by (route score descending, index ascending), without boxing
  private static void sort(int[] a, double[] r, int[] tmp, int lo, int hi) {
    if (hi - lo < 2) return;
    int mid = (lo + hi) >>> 1;
    sort(a, r, tmp, lo, mid);
    sort(a, r, tmp, mid, hi);
    int i = lo, j = mid, t = lo;
    while (i < mid && j < hi) tmp[t++] = better(r[a[j]], a[j], r[a[i]], a[i], true) ? a[j++] : a[i++];
    while (i < mid) tmp[t++] = a[i++];
    while (j < hi) tmp[t++] = a[j++];
    System.arraycopy(tmp, lo, a, lo, hi - lo);
  }

  /**
   * The lists one query scans: the first {@code nprobe} of its route, and more in route order while
   * they hold fewer than {@code k} keys (as the single-machine index does).
   */
  public static int probes(int[] route, int nprobe, int k, int[] listSizes) {
    int p = 0;
    long keys = 0;
    while (p < route.length && (p < nprobe || keys < k)) keys += listSizes[route[p++]];
    return p;
  }
}
