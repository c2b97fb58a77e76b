package org.attention4j.align.internal;

import java.lang.foreign.MemorySegment;
import org.attention4j.api.spi.Kernels;

/**
 * The DTW recursion {@code D[i][j] = C[i][j] + min(D[i−1][j−1], D[i−1][j], D[i][j−1])},
 * {@code D[−1][−1] = 0}, over the cells of a {@link Window}, two rows at a time.
 *
 * <p><b>Which loop.</b> Float32 costs (negated scores) go through {@link Kernels#dtwRow}: it takes
 * float32 costs and accumulates in float64, which is exact for them. Squared Euclidean and L1 costs
 * are float64 (a difference of two float32 values squared is not a float32 value); passing them to
 * {@code dtwRow} would round every cost to float32 and the distance would no longer equal a float64
 * reference, so those rows run in the float64 loop here, which has the kernel's semantics (and
 * touches only the window's cells, where the kernel writes +∞ across the whole row).
 *
 * <p><b>Memory.</b> {@link #distance} keeps two rows of D and one of costs: O(m) besides the cost
 * source. {@link #path} also keeps one direction byte per window cell (the caller limits the count).
 *
 * <p><b>Ties.</b> The path is traced back from (n−1, m−1); at each cell the predecessor with the
 * smallest D wins, ties going to the diagonal, then (i−1, j), then (i, j−1). Recording that choice
 * during the forward pass gives the same path as a traceback over the full table.
 */
public final class DtwRecursion {
  private static final double INF = Double.POSITIVE_INFINITY;
  static final byte DIAG = 0;
  static final byte UP = 1;
  static final byte LEFT = 2;

  private DtwRecursion() {}

  /** Distance and path: the path as row and column indices, from (0, 0) to (n−1, m−1). */
  public record Result(double distance, int[] rows, int[] cols) {}

  /**
   * D[n−1][m−1] (+∞ when no path fits the window), in O(m) memory. {@code kernels} is used for
   * float32 costs; it may be null (then the float64 loop runs for every cost source).
   */
  public static double distance(CostRows costs, Window w, Kernels kernels) {
    return run(costs, w, kernels, null);
  }

  /** D[n−1][m−1] and the optimal path; null when no path fits the window. */
  public static Result path(CostRows costs, Window w, Kernels kernels) {
    int n = w.rows();
    long[] offsets = new long[n + 1];
    for (int i = 0; i < n; i++) offsets[i + 1] = offsets[i] + Math.max(0, w.hi(i) - w.lo(i));
    if (offsets[n] > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("path: expected at most " + (Integer.MAX_VALUE - 8) + " cells, got " + offsets[n]);
    }
    Directions dirs = new Directions(new byte[(int) offsets[n]], offsets);
    double distance = run(costs, w, kernels, dirs);
    if (distance == INF) return null;
    int length = 0;
    int[] ri = new int[n + w.cols() - 1], rj = new int[n + w.cols() - 1];
    int i = n - 1, j = w.cols() - 1;
    while (true) {
      ri[length] = i;
      rj[length] = j;
      length++;
      if (i == 0 && j == 0) break;
      byte dir = i == 0 ? LEFT : j == 0 ? UP : dirs.get(i, j - w.lo(i));
      if (dir == DIAG) {
        i--;
        j--;
      } else if (dir == UP) {
        i--;
      } else {
        j--;
      }
    }
    int[] pi = new int[length], pj = new int[length];
    for (int k = 0; k < length; k++) {          // reverse: from (0, 0)
      pi[k] = ri[length - 1 - k];
      pj[k] = rj[length - 1 - k];
    }
    return new Result(distance, pi, pj);
  }

  private record Directions(byte[] bytes, long[] offsets) {
    byte get(int i, int k) { return bytes[(int) (offsets[i] + k)]; }

    void set(int i, int k, byte v) { bytes[(int) (offsets[i] + k)] = v; }
  }

  private static double run(CostRows costs, Window w, Kernels kernels, Directions dirs) {
    int n = w.rows(), m = w.cols();
    if (costs.rows() != n || costs.cols() != m) {
      throw new IllegalArgumentException("costs: expected " + n + " x " + m + ", got " + costs.rows() + " x " + costs.cols());
    }
    for (int i = 0; i < n; i++) if (w.hi(i) <= w.lo(i)) return INF;     // an empty row: no path crosses it
    return kernels != null && costs.float32() ? runKernel(costs, w, kernels, dirs) : runFloat64(costs, w, dirs);
  }

  private static double runKernel(CostRows costs, Window w, Kernels kernels, Directions dirs) {
    int n = w.rows(), m = w.cols();
    double[] prev = new double[m], cur = new double[m];
    MemorySegment prevSeg = MemorySegment.ofArray(prev), curSeg = MemorySegment.ofArray(cur);
    for (int i = 0; i < n; i++) {
      int lo = w.lo(i), hi = w.hi(i);
      kernels.dtwRow(prevSeg, costs.float32Row(i, lo, hi), curSeg, m, lo, hi, i == 0);
      if (dirs != null) {
        for (int j = lo; j < hi; j++) {
          double diag = i > 0 && j > 0 ? prev[j - 1] : INF;
          double up = i > 0 ? prev[j] : INF;
          double left = j > 0 ? cur[j - 1] : INF;
          dirs.set(i, j - lo, choose(diag, up, left));
        }
      }
      double[] t = prev;
      prev = cur;
      cur = t;
      MemorySegment ts = prevSeg;
      prevSeg = curSeg;
      curSeg = ts;
    }
    return prev[m - 1];
  }

  private static double runFloat64(CostRows costs, Window w, Directions dirs) {
    int n = w.rows(), m = w.cols();
    double[] prev = new double[m], cur = new double[m], c = new double[m];
    int pLo = 0, pHi = 0;
    for (int i = 0; i < n; i++) {
      int lo = w.lo(i), hi = w.hi(i);
      costs.row(i, lo, hi, c);
      if (dirs == null) {
        row(prev, pLo, pHi, c, cur, lo, hi, i == 0);
      } else {
        rowWithDirections(prev, pLo, pHi, c, cur, lo, hi, i == 0, dirs, i);
      }
      double[] t = prev;
      prev = cur;
      cur = t;
      pLo = lo;
      pHi = hi;
    }
    return pHi == m ? prev[m - 1] : INF;
  }

  /** prev[j] when j is in prev's window [pLo, pHi), else +∞. */
  private static double at(double[] prev, int pLo, int pHi, int j) {
    return j >= pLo && j < pHi ? prev[j] : INF;
  }

  /**
   * One row in float64: cur[j] for j in [lo, hi) from prev (valid on [pLo, pHi)); the kernel's
   * semantics without touching cells outside the window.
   */
  static void row(double[] prev, int pLo, int pHi, double[] c, double[] cur, int lo, int hi, boolean first) {
    double left = INF;
    if (first) {
      for (int j = lo; j < hi; j++) {
        left = c[j] + (j == 0 ? 0.0 : left);
        cur[j] = left;
      }
      return;
    }
    int mainLo = Math.max(lo, pLo + 1), mainHi = Math.min(hi, pHi);    // there both j − 1 and j are in prev's window
    int j = lo;
    for (; j < hi && j < mainLo; j++) {
      left = c[j] + min3(at(prev, pLo, pHi, j - 1), at(prev, pLo, pHi, j), left);
      cur[j] = left;
    }
    for (; j < mainHi; j++) {                   // Math.min: C2 emits branch-free minsd; a ternary became a branch
      left = c[j] + Math.min(Math.min(prev[j - 1], prev[j]), left);
      cur[j] = left;
    }
    for (; j < hi; j++) {
      left = c[j] + min3(at(prev, pLo, pHi, j - 1), at(prev, pLo, pHi, j), left);
      cur[j] = left;
    }
  }

  private static void rowWithDirections(double[] prev, int pLo, int pHi, double[] c, double[] cur, int lo, int hi,
      boolean first, Directions dirs, int i) {
    double left = INF;
    for (int j = lo; j < hi; j++) {
      double best;
      byte dir;
      if (first) {
        best = j == 0 ? 0.0 : left;
        dir = LEFT;
      } else {
        double diag = at(prev, pLo, pHi, j - 1), up = at(prev, pLo, pHi, j);
        dir = choose(diag, up, left);
        best = dir == DIAG ? diag : dir == UP ? up : left;
      }
      left = c[j] + best;
      cur[j] = left;
      dirs.set(i, j - lo, dir);
    }
  }

  /** The predecessor with the smallest D; ties to the diagonal, then up (i−1, j), then left (i, j−1). */
  static byte choose(double diag, double up, double left) {
    if (diag <= up && diag <= left) return DIAG;
    return up <= left ? UP : LEFT;
  }

  private static double min3(double a, double b, double c) { return Math.min(Math.min(a, b), c); }
}
