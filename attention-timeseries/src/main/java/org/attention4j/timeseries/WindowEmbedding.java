package org.attention4j.timeseries;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * How a time step becomes a vector for attention: the window of {@code length} steps centred on t
 * (offsets −⌊(L−1)/2⌋ … ⌈(L−1)/2⌉, edges padded by repeating the first or last value), each channel
 * standardised within the window when {@code standardize} (x − mean) / max(sd, floor·sd_global), so
 * that windows are compared by shape, then {@code positional} sinusoidal position features
 * (sin, cos of 2πt/λ_k with wavelengths λ_k = 4·L·2^k, k = 0 … positional/2 − 1) times
 * {@code positionalScale}. Length 1 without standardising attends between single time points.
 *
 * @param length window length L ≥ 1 (time steps)
 * @param standardize standardise each window and channel
 * @param floor lower bound of a window's sd as a fraction of the channel's global sd (avoids
 *     amplifying flat windows), ≥ 0
 * @param positional number of positional features (even, ≥ 0)
 * @param positionalScale multiplier of the positional features
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record WindowEmbedding(int length, boolean standardize, double floor, int positional, double positionalScale) {
  /** Checks the values. */
  public WindowEmbedding {
    if (length < 1) throw new IllegalArgumentException("window: expected a length >= 1, got " + length);
    if (!(floor >= 0) || !Double.isFinite(floor)) throw new IllegalArgumentException("floor: expected a finite value >= 0, got " + floor);
    if (positional < 0 || positional % 2 != 0) {
      throw new IllegalArgumentException("positional: expected an even count >= 0, got " + positional);
    }
    if (!Double.isFinite(positionalScale)) {
      throw new IllegalArgumentException("positional scale: expected a finite number, got " + positionalScale);
    }
  }

  /** Standardised windows of {@code length} steps, floor 0.1, no positional features. */
  public static WindowEmbedding windows(int length) { return new WindowEmbedding(length, true, 0.1, 0, 0); }

  /** Raw single time points (length 1, not standardised) with {@code positional} features of unit scale. */
  public static WindowEmbedding points(int positional) { return new WindowEmbedding(1, false, 0, positional, 1); }

  /** The same embedding with positional features. */
  public WindowEmbedding withPositional(int count, double scale) {
    return new WindowEmbedding(length, standardize, floor, count, scale);
  }

  /** The embedding width for d channels: L·d + positional. */
  public int width(int d) { return length * d + positional; }

  /** The first offset of the window (≤ 0). */
  public int firstOffset() { return -((length - 1) / 2); }

  /**
   * The embedded series: rows [n × width] row-major (float32, for the scorer), and per step and
   * channel the window's centre and scale, so that a value z in window units is x = centre + scale·z.
   *
   * @param rows n × width
   * @param width the embedding width
   * @param centre n × d window means (0 when not standardised)
   * @param scale n × d window scales (1 when not standardised)
   * @param target n × d the step's own value in window units, (x_t − centre) / scale
   * @since 0.1
   */
  @API(status = EXPERIMENTAL, since = "0.1")
  public record Embedded(float[] rows, int width, double[] centre, double[] scale, double[] target) {}

  /** Embeds every time step of {@code s}. */
  public Embedded embed(TimeSeries s) {
    int n = s.n(), d = s.d(), w = width(d), first = firstOffset();
    double[] globalSd = new double[d];
    for (int c = 0; c < d; c++) globalSd[c] = Math.max(sd(s.channel(c)), 1e-12);
    float[] rows = new float[n * w];
    double[] centre = new double[n * d], scale = new double[n * d], target = new double[n * d];
    double[] win = new double[length];
    for (int t = 0; t < n; t++) {
      for (int c = 0; c < d; c++) {
        for (int o = 0; o < length; o++) win[o] = s.get(Math.clamp(t + first + o, 0, n - 1), c);
        double mu = 0, sc = 1;
        if (standardize) {
          for (double x : win) mu += x;
          mu /= length;
          double var = 0;
          for (double x : win) var += (x - mu) * (x - mu);
          sc = Math.max(Math.sqrt(var / length), Math.max(floor * globalSd[c], 1e-12));
        }
        centre[t * d + c] = mu;
        scale[t * d + c] = sc;
        target[t * d + c] = (s.get(t, c) - mu) / sc;
        for (int o = 0; o < length; o++) rows[t * w + o * d + c] = (float) ((win[o] - mu) / sc);
      }
      for (int k = 0; k < positional / 2; k++) {
        double lambda = 4.0 * length * Math.pow(2, k);
        rows[t * w + length * d + 2 * k] = (float) (positionalScale * Math.sin(2 * Math.PI * t / lambda));
        rows[t * w + length * d + 2 * k + 1] = (float) (positionalScale * Math.cos(2 * Math.PI * t / lambda));
      }
    }
    return new Embedded(rows, w, centre, scale, target);
  }

  static double sd(double[] x) {
    double mu = 0;
    for (double v : x) mu += v;
    mu /= x.length;
    double var = 0;
    for (double v : x) var += (v - mu) * (v - mu);
    return Math.sqrt(var / x.length);
  }
}
