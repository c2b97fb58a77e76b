package org.attention4j.align.internal.scenario;

import java.util.Random;

/**
 * Two series with a known lag: a stationary AR(1) signal z (unit variance per column,
 * z_t = φ·z_{t−1} + √(1 − φ²)·ε_t), x_t = z_{S+t} and y_t = z_{S+t−lag} + noise·ξ_t for t in [0, n).
 * So y[t] = x[t − lag] wherever both exist (the CLI.md convention: lag &gt; 0 means y lags x), and
 * the signal continues past the ends instead of being padded, for any |lag| ≤ S.
 */
public final class LaggedSeries {
  private LaggedSeries() {}

  /** x and y, n × d row-major float32 each. */
  public record Pair(float[] x, float[] y, int n, int d, int lag) {}

  /**
   * @param n the length of both series
   * @param d the number of columns
   * @param lag the shift of y against x, |lag| ≤ maxLag
   * @param maxLag how far the signal extends beyond both ends (S)
   * @param phi the AR(1) coefficient in [0, 1): higher is smoother
   * @param noise the standard deviation of the noise added to y
   * @param seed the random seed
   */
  public static Pair generate(int n, int d, int lag, int maxLag, double phi, double noise, long seed) {
    if (Math.abs(lag) > maxLag) throw new IllegalArgumentException("lag: expected |lag| <= " + maxLag + ", got " + lag);
    Random r = new Random(seed);
    int length = n + 2 * maxLag;
    double[] z = new double[length * d];
    double s = Math.sqrt(1 - phi * phi);
    for (int k = 0; k < d; k++) z[k] = r.nextGaussian();
    for (int t = 1; t < length; t++) {
      for (int k = 0; k < d; k++) z[t * d + k] = phi * z[(t - 1) * d + k] + s * r.nextGaussian();
    }
    float[] x = new float[n * d], y = new float[n * d];
    for (int t = 0; t < n; t++) {
      for (int k = 0; k < d; k++) {
        x[t * d + k] = (float) z[(maxLag + t) * d + k];
        y[t * d + k] = (float) (z[(maxLag + t - lag) * d + k] + noise * r.nextGaussian());
      }
    }
    return new Pair(x, y, n, d, lag);
  }
}
