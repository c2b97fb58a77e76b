package org.attention4j.timeseries;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * The period of a series read off its attention weights: windows of a periodic series attend to
 * the windows one, two, … periods away, so the typical attention by lag
 * ({@link AttentionMap#medianLagProfile}, a median over the steps, so that anomalous stretches with
 * their own rhythm do not move it) peaks at every multiple of the period.
 *
 * <p>The estimate is a comb: for each candidate p in [minLag, maxLag/2], the mean of the profile at
 * its multiples p, 2p, … ≤ maxLag (each the largest within ±1 step, for periods that are not whole
 * steps). A half period scores about half (every other tooth misses); a multiple of the period scores
 * the same as the period, so the smallest divisor p/k of the best candidate that keeps at least 80% of
 * its comb score is taken: the fundamental.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Periodicity {
  private Periodicity() {}

  /**
   * An estimate.
   *
   * @param period the estimated period (steps)
   * @param comb the comb score of that period (mean typical weight at its multiples)
   * @param profile the typical attention at every lag 0 … maxLag
   * @since 0.1
   */
  @API(status = EXPERIMENTAL, since = "0.1")
  public record Estimate(int period, double comb, double[] profile) {}

  /** The period in [minLag, maxLag/2] (minLag ≥ 1, at least the map's exclusion + 1 to be meaningful). */
  public static Estimate estimate(AttentionMap map, int minLag, int maxLag) {
    if (minLag < 1 || 2 * minLag > maxLag) {
      throw new IllegalArgumentException("lags: expected 1 <= min lag <= max lag / 2, got " + minLag + ", " + maxLag);
    }
    double[] p = map.medianLagProfile(maxLag);
    int best = minLag;
    for (int c = minLag + 1; 2 * c <= maxLag; c++) if (comb(p, c) > comb(p, best)) best = c;
    double top = comb(p, best);
    for (int k = best / minLag; k >= 2; k--) {
      int c = Math.round((float) best / k);
      if (c >= minLag && comb(p, c) >= 0.8 * top) return new Estimate(c, comb(p, c), p);
    }
    return new Estimate(best, top, p);
  }

  /** The mean over the multiples m·c ≤ maxLag of the profile's largest value within ±1 step. */
  static double comb(double[] p, int c) {
    double sum = 0;
    int count = 0;
    for (int lag = c; lag < p.length; lag += c) {
      double v = p[lag];
      if (lag - 1 >= 1) v = Math.max(v, p[lag - 1]);
      if (lag + 1 < p.length) v = Math.max(v, p[lag + 1]);
      sum += v;
      count++;
    }
    return sum / count;
  }
}
