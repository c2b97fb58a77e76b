package org.attention4j.align;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Arrays;
import org.apiguardian.api.API;

/**
 * A DTW result: the distance (the sum of local costs along the optimal path, float64, no square
 * root) and the path from (0, 0) to (n−1, m−1) as parallel index arrays. Ties in the traceback
 * prefer the diagonal, then (i−1, j), then (i, j−1). The record holds the arrays it is given.
 *
 * @param distance Σ C[i][j] over the path
 * @param pathRows i of each path cell (indices into x), non-decreasing
 * @param pathCols j of each path cell (indices into y), non-decreasing
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record Alignment(double distance, int[] pathRows, int[] pathCols) {
  /** Checks that both index arrays have one length, at least 1. */
  public Alignment {
    if (pathRows.length != pathCols.length || pathRows.length == 0) {
      throw new IllegalArgumentException("path: expected row and column indices of one length >= 1, got "
          + pathRows.length + " and " + pathCols.length);
    }
  }

  /**
   * √distance: tslearn's {@code dtw} value for the squared Euclidean cost; NaN when the distance is
   * negative (possible with {@code scorer:ID} costs).
   */
  public double distanceSqrt() { return Math.sqrt(distance); }

  /** The number of cells on the path, L (between max(n, m) and n + m − 1). */
  public int pathLength() { return pathRows.length; }

  /** The path as int64 [L, 2], row-major (i, j) pairs, e.g. for {@code MatrixFiles.writeIntegers}. */
  public long[] pathAsInt64() {
    long[] out = new long[2 * pathRows.length];
    for (int k = 0; k < pathRows.length; k++) {
      out[2 * k] = pathRows[k];
      out[2 * k + 1] = pathCols[k];
    }
    return out;
  }

  @Override public boolean equals(Object o) {
    return o instanceof Alignment a && Double.compare(distance, a.distance) == 0 && Arrays.equals(pathRows, a.pathRows)
        && Arrays.equals(pathCols, a.pathCols);
  }

  @Override public int hashCode() {
    return 31 * (31 * Double.hashCode(distance) + Arrays.hashCode(pathRows)) + Arrays.hashCode(pathCols);
  }

  @Override public String toString() { return "Alignment[distance=" + distance + ", path length " + pathRows.length + "]"; }
}
