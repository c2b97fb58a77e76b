package org.attention4j.align;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;
import org.attention4j.align.internal.MatrixCost;
import org.attention4j.align.internal.SoftDtwRecursion;
import org.attention4j.align.internal.Window;

/**
 * Soft-DTW (Cuturi &amp; Blondel, "Soft-DTW: a Differentiable Loss Function for Time-Series", ICML
 * 2017) over a given float64 cost matrix: the value
 * {@code R[n−1][m−1]} with {@code R[i][j] = C[i][j] + softmin_γ(R[i−1][j−1], R[i−1][j], R[i][j−1])},
 * {@code softmin_γ(a) = −γ log Σ exp(−a_k/γ)} (evaluated stably as a log-sum-exp around the
 * minimum), and its gradient with respect to C, the expected alignment matrix E (each entry in
 * [0, 1]: the probability that a path drawn from the Gibbs distribution over warping paths,
 * p(path) ∝ exp(−cost(path)/γ), uses the cell). As γ → 0 the value tends to the DTW distance and E
 * to the optimal path. tslearn's {@code soft_dtw} has the same convention (squared Euclidean cost,
 * no square root). {@link Aligner} computes the costs from two series.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class SoftDtw {
  /**
   * The most cells the gradient may keep: 2.5·10⁷ (it stores R and E, 16 bytes per cell, 400 MB at
   * this limit). The value alone needs O(m) memory at any size.
   */
  public static final long MAX_GRADIENT_CELLS = 25_000_000L;

  private SoftDtw() {}

  /**
   * The soft-DTW value and its gradient.
   *
   * @param value R[n−1][m−1]
   * @param expectedAlignment E = ∂value/∂C, n × m (0 outside the band)
   * @since 0.1
   */
  @API(status = EXPERIMENTAL, since = "0.1")
  public record Result(double value, Float64Matrix expectedAlignment) {}

  /** The soft-DTW value over {@code cost} at smoothing {@code gamma} &gt; 0, within {@code band}. */
  public static double value(Float64Matrix cost, double gamma, Band band) {
    checkGamma(gamma);
    Window w = band.window(cost.rows(), cost.cols());
    return Dtw.requirePath(SoftDtwRecursion.value(new MatrixCost(cost.values(), cost.rows(), cost.cols()), w, gamma), w,
        band);
  }

  /** The soft-DTW value and its gradient E over {@code cost} at smoothing {@code gamma} &gt; 0. */
  public static Result compute(Float64Matrix cost, double gamma, Band band) {
    checkGamma(gamma);
    Window w = band.window(cost.rows(), cost.cols());
    checkGradientCells(cost.rows(), cost.cols());
    SoftDtwRecursion.Gradient g = SoftDtwRecursion.gradient(new MatrixCost(cost.values(), cost.rows(), cost.cols()), w,
        gamma);
    Dtw.requirePath(g.value(), w, band);
    return new Result(g.value(), new Float64Matrix(cost.rows(), cost.cols(), g.expectedAlignment()));
  }

  static void checkGamma(double gamma) {
    if (!(gamma > 0) || !Double.isFinite(gamma)) {
      throw new IllegalArgumentException("gamma: expected a finite smoothing > 0, got " + gamma);
    }
  }

  static void checkGradientCells(int n, int m) {
    long cells = (long) n * m;
    if (cells > MAX_GRADIENT_CELLS) {
      throw new IllegalArgumentException("soft-DTW gradient: expected at most " + MAX_GRADIENT_CELLS + " cells (n x m), got "
          + cells + " (" + n + " x " + m + "); the value alone works at any size");
    }
  }
}
