package org.attention4j.timeseries;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * The baseline detector: z_t = (x_t − mean) / sd over the {@code window} steps before t (fewer at the
 * start, none before step 2), the score |z_t| (the largest over channels). Sd is floored at 1e-9 of
 * the channel's global sd so that a flat stretch cannot divide by zero.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class RollingZScore {
  private RollingZScore() {}

  /** |z_t| for every step. */
  public static double[] scores(TimeSeries s, int window) {
    if (window < 2) throw new IllegalArgumentException("baseline window: expected at least 2 steps, got " + window);
    int n = s.n(), d = s.d();
    double[] out = new double[n];
    for (int c = 0; c < d; c++) {
      double[] x = s.channel(c);
      double floor = Math.max(WindowEmbedding.sd(x) * 1e-9, 1e-300);
      double sum = 0, sumSq = 0;
      for (int t = 0; t < n; t++) {
        int count = Math.min(t, window);
        if (count >= 2) {
          double mean = sum / count;
          double var = Math.max(sumSq / count - mean * mean, 0);
          double z = Math.abs(x[t] - mean) / Math.max(Math.sqrt(var), floor);
          out[t] = Math.max(out[t], z);
        }
        sum += x[t];
        sumSq += x[t] * x[t];
        if (t - window >= 0) {
          sum -= x[t - window];
          sumSq -= x[t - window] * x[t - window];
        }
      }
    }
    return out;
  }
}
