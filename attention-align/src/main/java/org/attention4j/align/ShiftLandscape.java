package org.attention4j.align;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Arrays;
import org.apiguardian.api.API;
import org.attention4j.align.internal.Landscapes;
import org.attention4j.align.internal.MatrixCost;

/**
 * The alignment energy landscape over global shifts (SEED-DIGEST 2.4): with scores s = −C and the
 * convention y[t] = x[t − τ] (τ &gt; 0: y lags x, so x_i meets y_{i+τ}), for each |τ| ≤ S the sum
 * E(τ) = Σ_i s[i][i+τ] over the overlapping terms i ∈ [max(0, −τ), min(n, m − τ)), their count and
 * their mean. τ* is the argmax of the mean (the sum would favour the shifts with more terms); ties
 * go to the smallest |τ|, then to the negative τ.
 *
 * @param tau the shifts −S … S, ascending
 * @param mean sum / count per shift
 * @param sum Σ s over the overlapping terms (float64, i ascending)
 * @param count the number of overlapping terms
 * @param tauStar the shift with the largest mean
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record ShiftLandscape(int[] tau, double[] mean, double[] sum, int[] count, int tauStar) {
  /** The default search radius S = ⌊min(n, m)/4⌋. */
  public static int defaultMaxShift(int n, int m) { return Landscapes.defaultMaxShift(n, m); }

  /** The landscape of a given cost matrix over |τ| ≤ {@code maxShift} ≤ min(n, m) − 1. */
  public static ShiftLandscape of(Float64Matrix cost, int maxShift) {
    checkMaxShift(maxShift, cost.rows(), cost.cols(), "maxShift");
    return from(Landscapes.compute(new MatrixCost(cost.values(), cost.rows(), cost.cols()), maxShift));
  }

  static ShiftLandscape from(Landscapes.Landscape l) {
    return new ShiftLandscape(l.tau(), l.mean(), l.sum(), l.count(), l.tauStar());
  }

  static void checkMaxShift(int maxShift, int n, int m, String argument) {
    if (maxShift < 0 || maxShift > Math.min(n, m) - 1) {
      throw new IllegalArgumentException(argument + ": expected a shift in [0, min(n, m) - 1] = [0, " + (Math.min(n, m) - 1)
          + "] (every shift needs an overlap), got " + maxShift);
    }
  }

  /** The search radius S. */
  public int maxShift() { return (tau.length - 1) / 2; }

  /** The posterior over shifts at temperature {@code temperature} &gt; 0 (softmax of the mean). */
  public ShiftPosterior posterior(double temperature) {
    if (!(temperature > 0) || !Double.isFinite(temperature)) {
      throw new IllegalArgumentException("temperature: expected a finite number > 0, got " + temperature);
    }
    double[] p = Landscapes.posterior(mean, temperature);
    int map = -1;
    for (int k = 0; k < tau.length; k++) if (tau[k] == tauStar) map = k;
    double second = 0;
    for (int k = 0; k < p.length; k++) if (k != map) second = Math.max(second, p[k]);
    return new ShiftPosterior(temperature, tau.clone(), p, tauStar, p[map] - second, Landscapes.entropy(p));
  }

  @Override public boolean equals(Object o) {
    return o instanceof ShiftLandscape l && tauStar == l.tauStar && Arrays.equals(tau, l.tau) && Arrays.equals(mean, l.mean)
        && Arrays.equals(sum, l.sum) && Arrays.equals(count, l.count);
  }

  @Override public int hashCode() { return 31 * Arrays.hashCode(mean) + tauStar; }

  @Override public String toString() { return "ShiftLandscape[|tau| <= " + maxShift() + ", tau*=" + tauStar + "]"; }
}
