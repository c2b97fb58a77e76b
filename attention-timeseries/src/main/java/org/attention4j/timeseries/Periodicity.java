package org.attention4j.timeseries;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * The period of a series read off its attention weights: windows of a periodic series attend to
 * the windows one, two, … periods away, so the attention mass by lag ({@link AttentionMap#lagProfile})
 * peaks at multiples of the period. The estimate is the lag with the most mass in [minLag, maxLag];
 * because there are more pairs at smaller lags, the total mass favours the fundamental over its
 * multiples.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Periodicity {
  private Periodicity() {}

  /**
   * An estimate.
   *
   * @param period the lag with the most attention mass
   * @param mass the fraction of all attention mass at that lag
   * @param profile the mass at every lag 0 … maxLag
   * @since 0.1
   */
  @API(status = EXPERIMENTAL, since = "0.1")
  public record Estimate(int period, double mass, double[] profile) {}

  /** The lag of peak mass in [minLag, maxLag] (minLag ≥ 1, at least the map's exclusion + 1 to be meaningful). */
  public static Estimate estimate(AttentionMap map, int minLag, int maxLag) {
    if (minLag < 1 || minLag > maxLag) {
      throw new IllegalArgumentException("lags: expected 1 <= min lag <= max lag, got " + minLag + ", " + maxLag);
    }
    double[] p = map.lagProfile(maxLag);
    int best = minLag;
    for (int k = minLag + 1; k <= maxLag; k++) if (p[k] > p[best]) best = k;
    return new Estimate(best, p[best], p);
  }
}
