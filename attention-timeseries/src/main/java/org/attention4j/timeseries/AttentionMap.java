package org.attention4j.timeseries;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * What {@link SeriesAttention#attend} computed for a series of n steps: the weights α [n × n]
 * (row t: how step t attends to every step j; zero on excluded keys), the attention reconstruction
 * x̂ [n × d], and scores read off them.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class AttentionMap {
  private final TimeSeries series;
  private final float[] weights;
  private final double[] reconstruction;
  private final int exclusion;
  private final int first;
  private final int last;

  AttentionMap(TimeSeries series, float[] weights, double[] reconstruction, int exclusion, int first, int last) {
    this.series = series;
    this.weights = weights;
    this.reconstruction = reconstruction;
    this.exclusion = exclusion;
    this.first = first;
    this.last = last;
  }

  /**
   * True when step t's window lies inside the series. The scores of the other steps (the first and
   * last ⌊L/2⌋ or so, whose windows are edge-padded) are 0: they are not scored.
   */
  public boolean complete(int t) { return t >= first && t < last; }

  /** The number of time steps. */
  public int n() { return series.n(); }

  /** The series attended over. */
  public TimeSeries series() { return series; }

  /** The exclusion radius the weights were computed with. */
  public int exclusion() { return exclusion; }

  /** α[t][j]. */
  public double weight(int t, int j) { return weights[t * series.n() + j]; }

  /** The weights [n × n], row-major (a copy). */
  public float[] weights() { return weights.clone(); }

  /** x̂ [n × d], row-major (a copy): each step rebuilt from the steps it attends to. */
  public double[] reconstruction() { return reconstruction.clone(); }

  /**
   * The anomaly score of each (complete) step: ‖x_t − x̂_t‖ over the channels. A step unlike every step it may
   * attend to (a spike, the step of a level shift, a stretch with a broken period) is rebuilt badly.
   */
  public double[] reconstructionError() {
    int n = series.n(), d = series.d();
    double[] e = new double[n];
    for (int t = first; t < last; t++) {
      double s = 0;
      for (int c = 0; c < d; c++) {
        double diff = series.get(t, c) - reconstruction[t * d + c];
        s += diff * diff;
      }
      e[t] = Math.sqrt(s);
    }
    return e;
  }

  /** How much attention each step receives: Σ_t α[t][j] (1 on average). */
  public double[] attendedMass() {
    int n = series.n();
    double[] m = new double[n];
    for (int t = 0; t < n; t++) for (int j = 0; j < n; j++) m[j] += weights[t * n + j];
    return m;
  }

  /**
   * The neglect score of each step, −log(mass_j + 1/n): high when a step is hardly attended to by
   * any other (its context does not look like it).
   */
  public double[] neglect() {
    double[] m = attendedMass();
    double floor = 1.0 / series.n();
    for (int j = 0; j < m.length; j++) m[j] = complete(j) ? -Math.log(m[j] + floor) : 0;
    return m;
  }

  /**
   * The locality of each step's attention: the mass α_t puts on keys within {@code radius} steps,
   * minus the share of the allowed keys that lie there (what a spread over the whole series would
   * put there). A stretch of a different regime (e.g. a broken period) matches only itself, so its
   * steps attend locally; a step of the usual pattern attends to its repeats all over the series.
   */
  public double[] locality(int radius) {
    int n = series.n();
    if (radius <= exclusion) {
      throw new IllegalArgumentException("radius: expected more than the exclusion " + exclusion + ", got " + radius);
    }
    double[] out = new double[n];
    for (int t = first; t < last; t++) {
      double mass = 0;
      int near = 0, allowed = 0;
      for (int j = first; j < last; j++) {
        int lag = Math.abs(t - j);
        if (lag <= exclusion) continue;
        allowed++;
        if (lag <= radius) {
          near++;
          mass += weights[t * n + j];
        }
      }
      out[t] = allowed == 0 ? 0 : mass - (double) near / allowed;
    }
    return out;
  }

  /**
   * The typical attention at each lag τ in [0, maxLag]: the median over the steps t of
   * α[t][t+τ] + α[t][t−τ] (the terms that exist). Unlike {@link #lagProfile} a stretch of another
   * regime (a minority of the steps) does not move it.
   */
  public double[] medianLagProfile(int maxLag) {
    int n = series.n();
    if (maxLag < 0 || maxLag >= n) {
      throw new IllegalArgumentException("max lag: expected a lag in [0, " + (n - 1) + "], got " + maxLag);
    }
    double[] p = new double[maxLag + 1];
    double[] column = new double[n];
    for (int k = 0; k <= maxLag; k++) {
      for (int t = 0; t < n; t++) {
        double v = 0;
        if (t + k < n) v += weights[t * n + t + k];
        if (k > 0 && t - k >= 0) v += weights[t * n + t - k];
        column[t] = v;
      }
      p[k] = Detection.median(column);
    }
    return p;
  }

  /**
   * The attention mass at each lag τ = |t − j| in [0, maxLag], as a fraction of all the mass:
   * Σ_t (α[t][t+τ] + α[t][t−τ]) / n. A periodic series puts it at multiples of the period.
   */
  public double[] lagProfile(int maxLag) {
    int n = series.n();
    if (maxLag < 0 || maxLag >= n) {
      throw new IllegalArgumentException("max lag: expected a lag in [0, " + (n - 1) + "], got " + maxLag);
    }
    double[] p = new double[maxLag + 1];
    for (int t = 0; t < n; t++) {
      for (int j = Math.max(0, t - maxLag); j <= Math.min(n - 1, t + maxLag); j++) p[Math.abs(t - j)] += weights[t * n + j];
    }
    for (int k = 0; k <= maxLag; k++) p[k] /= n;
    return p;
  }
}
