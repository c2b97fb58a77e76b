package org.attention4j.sparse.internal;

import java.util.Arrays;

/**
 * The row maps in float64: sparsemax and 1.5-entmax of a vector z, and their vector–Jacobian
 * products. Both maps are translation invariant; the forward passes shift z by its maximum first,
 * so huge logits lose no precision (two tied maxima at 1e30 still get ½ each).
 */
final class SparseMaps {
  private SparseMaps() {}

  /**
   * sparsemax(z) = argmin_p ‖p − z‖² over the simplex (Martins &amp; Astudillo 2016, Algorithm 1):
   * with z sorted descending, k = max{k : 1 + k z_(k) &gt; Σ_{i≤k} z_(i)}, τ = (Σ_{i≤k} z_(i) − 1)/k,
   * p = max(z − τ, 0). Writes n outputs to {@code p}; {@code sorted} is scratch of length ≥ n.
   */
  static void sparsemax(double[] z, int n, double[] p, double[] sorted) {
    if (n == 0) return;
    double max = shiftedSortDescending(z, n, sorted);
    double cumulative = 0, tau = sorted[0] - 1;            // k = 1 always qualifies
    for (int k = 1; k <= n; k++) {
      cumulative += sorted[k - 1];
      if (1 + k * sorted[k - 1] > cumulative) tau = (cumulative - 1) / k;
      else break;                                          // the condition fails for every larger k
    }
    for (int j = 0; j < n; j++) p[j] = Math.max(z[j] - max - tau, 0);
  }

  /**
   * 1.5-entmax(z) = argmax_p ⟨p, z⟩ + H^T_{1.5}(p) = [z/2 − τ]₊², the exact sort-based algorithm of
   * Peters, Niculae &amp; Martins (2019), Algorithm 2: with u = z/2 sorted descending, for k = 1..n
   * M(k) = mean of u_(1..k), S(k) = Σ_{i≤k} (u_(i) − M(k))², τ(k) = M(k) − √((1 − S(k)) / k)
   * (the root clamped at 0); τ = τ(k*) for the largest k* with τ(k*) ≤ u_(k*) (equivalently the k
   * with u_(k+1) ≤ τ(k) ≤ u_(k)). Writes n outputs to {@code p}; {@code sorted} is scratch.
   */
  static void entmax15(double[] z, int n, double[] p, double[] sorted) {
    if (n == 0) return;
    double max = shiftedSortDescending(z, n, sorted);
    for (int i = 0; i < n; i++) sorted[i] *= 0.5;
    double sum = 0, sumSq = 0, tau = sorted[0] - 1;        // τ(1) = u_(1) − 1 ≤ u_(1): k = 1 qualifies
    for (int k = 1; k <= n; k++) {
      double u = sorted[k - 1];
      sum += u;
      sumSq += u * u;
      double mean = sum / k;
      double ss = Math.max(sumSq - k * mean * mean, 0);     // k · (mean of squares − square of mean)
      double delta = Math.max((1 - ss) / k, 0);
      double tauK = mean - Math.sqrt(delta);
      if (tauK <= u) tau = tauK;
      else break;
    }
    for (int j = 0; j < n; j++) {
      double t = Math.max((z[j] - max) * 0.5 - tau, 0);
      p[j] = t * t;
    }
  }

  /** Copies z − max(z) into {@code sorted}, sorted descending; returns max(z). */
  private static double shiftedSortDescending(double[] z, int n, double[] sorted) {
    double max = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < n; j++) max = Math.max(max, z[j]);
    for (int j = 0; j < n; j++) sorted[j] = z[j] - max;
    Arrays.sort(sorted, 0, n);
    for (int i = 0, j = n - 1; i < j; i++, j--) {
      double t = sorted[i];
      sorted[i] = sorted[j];
      sorted[j] = t;
    }
    return max;
  }

  /**
   * VJP of sparsemax at output p: on the support S = {p_j &gt; 0}, dz_j = g_j − mean_S g; 0 elsewhere.
   */
  static void sparsemaxBackward(double[] p, double[] g, int n, double[] dz) {
    double sum = 0;
    int support = 0;
    for (int j = 0; j < n; j++) {
      if (p[j] > 0) {
        sum += g[j];
        support++;
      }
    }
    double mean = support == 0 ? 0 : sum / support;
    for (int j = 0; j < n; j++) dz[j] = p[j] > 0 ? g[j] - mean : 0;
  }

  /**
   * VJP of 1.5-entmax at output p: with s_j = √p_j (0 off the support),
   * dz = s ⊙ g − (Σ s⊙g / Σ s) s.
   */
  static void entmax15Backward(double[] p, double[] g, int n, double[] dz) {
    double sg = 0, ss = 0;
    for (int j = 0; j < n; j++) {
      if (p[j] > 0) {
        double s = Math.sqrt(p[j]);
        sg += s * g[j];
        ss += s;
      }
    }
    double q = ss == 0 ? 0 : sg / ss;
    for (int j = 0; j < n; j++) {
      if (p[j] > 0) {
        double s = Math.sqrt(p[j]);
        dz[j] = s * g[j] - q * s;
      } else {
        dz[j] = 0;
      }
    }
  }
}
