package org.attention4j.align;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;
import org.attention4j.align.internal.DtwRecursion;
import org.attention4j.align.internal.MatrixCost;
import org.attention4j.align.internal.Window;

/**
 * Dynamic time warping over a given float64 cost matrix C [n, m]: the distance
 * {@code D[n−1][m−1]}, {@code D[i][j] = C[i][j] + min(D[i−1][j−1], D[i−1][j], D[i][j−1])}, and the
 * optimal path. {@link Aligner} computes the costs from two series; this class is for costs you
 * already have.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Dtw {
  /**
   * The most cells (inside the band) a full path may need: 10⁸. The path keeps one direction byte
   * per cell; above this, ask for the distance alone (any size, O(n + m) memory) or narrow the band.
   */
  public static final long MAX_PATH_CELLS = 100_000_000L;

  private Dtw() {}

  /** The DTW distance over {@code cost} within {@code band}; O(m) extra memory. */
  public static double distance(Float64Matrix cost, Band band) {
    Window w = band.window(cost.rows(), cost.cols());
    return requirePath(DtwRecursion.distance(new MatrixCost(cost.values(), cost.rows(), cost.cols()), w, null), w, band);
  }

  /** The DTW distance and optimal path over {@code cost} within {@code band}. */
  public static Alignment align(Float64Matrix cost, Band band) {
    Window w = band.window(cost.rows(), cost.cols());
    checkPathCells(w, band);
    DtwRecursion.Result r = DtwRecursion.path(new MatrixCost(cost.values(), cost.rows(), cost.cols()), w, null);
    if (r == null) throw noPath(w, band);
    return new Alignment(r.distance(), r.rows(), r.cols());
  }

  /** Refuses a full path above {@link #MAX_PATH_CELLS}, naming the band option. */
  static void checkPathCells(Window w, Band band) {
    long cells = w.cells();
    if (cells > MAX_PATH_CELLS) {
      throw new IllegalArgumentException("path: expected at most " + MAX_PATH_CELLS + " cells for a full warping path, got "
          + cells + " (" + w.rows() + " x " + w.cols() + (band.isNone() ? "" : ", " + band) + "); restrict it with a "
          + "Sakoe-Chiba band (--band W) or compute the distance alone, which works at any size");
    }
  }

  /** Returns {@code distance}, or refuses a band through which no warping path fits. */
  static double requirePath(double distance, Window w, Band band) {
    if (distance == Double.POSITIVE_INFINITY) throw noPath(w, band);
    return distance;
  }

  static IllegalArgumentException noPath(Window w, Band band) {
    int n = w.rows(), m = w.cols();
    return new IllegalArgumentException("band: expected a band wide enough for a warping path from (0, 0) to (" + (n - 1)
        + ", " + (m - 1) + "), got W = " + band.width().orElse(-1) + " for " + n + " x " + m + " (a path needs at least W >= |n/m - 1| = "
        + String.format(java.util.Locale.ROOT, "%.3g", Math.abs((double) n / m - 1)) + "; widen --band)");
  }
}
