package org.attention4j.align.internal;

/**
 * The alignment energy over global shifts. Convention (docs/CLI.md): {@code y[t] = x[t − τ]}, so
 * τ &gt; 0 means y lags x and x_i is aligned with y_{i+τ}. With scores s = −C, for each τ in
 * [−S, S] the overlapping terms are i in [max(0, −τ), min(n, m − τ)); their sum (i ascending, in
 * float64), their count and their mean.
 *
 * <p>τ* is the argmax of the mean; ties go to the smallest |τ|, then to the negative τ (the order
 * 0, −1, 1, −2, 2, … and the first strict maximum in it). The mean, not the sum, is compared because
 * the number of overlapping terms falls with |τ|.
 */
public final class Landscapes {
  private Landscapes() {}

  /** τ, sum, count and mean per shift, and τ*. */
  public record Landscape(int[] tau, double[] sum, int[] count, double[] mean, int tauStar) {}

  /** The default search radius ⌊min(n, m)/4⌋. */
  public static int defaultMaxShift(int n, int m) { return Math.min(n, m) / 4; }

  /** The landscape over |τ| ≤ {@code maxShift} (0 ≤ maxShift ≤ min(n, m) − 1, checked by the caller). */
  public static Landscape compute(CostRows costs, int maxShift) {
    int n = costs.rows(), m = costs.cols();
    int k = 2 * maxShift + 1;
    int[] tau = new int[k], count = new int[k];
    double[] sum = new double[k], mean = new double[k];
    double[] buf = new double[Math.min(n, m)];
    for (int t = 0; t < k; t++) {
      int shift = t - maxShift;
      int i0 = Math.max(0, -shift), i1 = Math.min(n, m - shift);
      costs.diagonal(shift, i0, i1, buf);
      double s = 0.0;
      for (int i = 0; i < i1 - i0; i++) s += -buf[i];
      tau[t] = shift;
      count[t] = i1 - i0;
      sum[t] = s;
      mean[t] = s / (i1 - i0);
    }
    return new Landscape(tau, sum, count, mean, tau[argmax(tau, mean)]);
  }

  /**
   * Index of the largest {@code value}; ties to the smallest |τ|, then the negative τ. {@code tau}
   * holds distinct shifts.
   */
  public static int argmax(int[] tau, double[] value) {
    int best = -1;
    for (int k = 0; k < tau.length; k++) {
      if (best < 0 || value[k] > value[best] || value[k] == value[best] && before(tau[k], tau[best])) best = k;
    }
    return best;
  }

  /** True when shift a comes before b in the tie order 0, −1, 1, −2, 2, … */
  static boolean before(int a, int b) {
    int aa = Math.abs(a), ab = Math.abs(b);
    return aa < ab || aa == ab && a < b;
  }

  /** The posterior over shifts: softmax of the mean landscape at temperature T, stable (max subtracted). */
  public static double[] posterior(double[] mean, double temperature) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : mean) max = Math.max(max, v);
    double[] p = new double[mean.length];
    double z = 0;
    for (int k = 0; k < p.length; k++) {
      p[k] = Math.exp((mean[k] - max) / temperature);
      z += p[k];
    }
    for (int k = 0; k < p.length; k++) p[k] /= z;
    return p;
  }

  /** −Σ p ln p (nats), terms with p = 0 left out. */
  public static double entropy(double[] p) {
    double h = 0;
    for (double q : p) if (q > 0) h -= q * Math.log(q);
    return h;
  }
}
