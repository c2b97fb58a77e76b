package org.attention4j.testkit;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.Mask;
import org.apiguardian.api.API;

/**
 * Float64 reference implementations to test float32 code against: plain loops over row-major
 * {@code double[]} matrices, written for clarity, not speed. Masks have the meaning of
 * {@link Mask} ({@code true} = may attend; causal is bottom-right aligned when n_q ≠ n_k); a row that
 * may attend nothing gets zero weights and a zero output, never NaN. Softmax is max-shifted, so huge
 * logits stay finite.
 *
 * <p>Shapes: queries Q [n_q, d], keys K [n_k, d], values V [n_k, d_v], scores and weights
 * [n_q, n_k], output [n_q, d_v].
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Float64Oracles {
  private Float64Oracles() {}

  /** The weights A [n_q, n_k] and output O = A·V [n_q, d_v] of one attention. */
  public record Forward(double[] output, double[] weights) {}

  /** Widens float32 values (exactly). */
  public static double[] toDouble(float[] x) {
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) out[i] = x[i];
    return out;
  }

  /** A dense float32 matrix's data, row-major, widened to float64. */
  public static double[] toDouble(FixedSizeListVector matrix) {
    return toDouble(DenseMatrices.toArray(DenseMatrices.require(matrix, "matrix", -1)));
  }

  /** Rounds to float32 (e.g. to feed a reference input to the code under test). */
  public static float[] toFloat(double[] x) {
    float[] out = new float[x.length];
    for (int i = 0; i < x.length; i++) out[i] = (float) x[i];
    return out;
  }

  /** {@code C = A·B} for A [m, k] and B [k, n]. */
  public static double[] matmul(double[] a, double[] b, int m, int k, int n) {
    requireLength(a, "a", m, k);
    requireLength(b, "b", k, n);
    double[] c = new double[m * n];
    for (int i = 0; i < m; i++) {
      for (int p = 0; p < k; p++) {
        double aip = a[i * k + p];
        for (int j = 0; j < n; j++) c[i * n + j] += aip * b[p * n + j];
      }
    }
    return c;
  }

  /** The transpose [cols, rows] of {@code a} [rows, cols]. */
  public static double[] transpose(double[] a, int rows, int cols) {
    requireLength(a, "a", rows, cols);
    double[] t = new double[rows * cols];
    for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j];
    return t;
  }

  /** {@code c·x}, entry by entry. */
  public static double[] scale(double[] x, double c) {
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) out[i] = c * x[i];
    return out;
  }

  /** Dot-product scores {@code S = Q·Kᵀ}: S[i][j] = q_iᵀ k_j. */
  public static double[] dotScores(double[] q, double[] k, int nq, int nk, int d) {
    requireLength(q, "query", nq, d);
    requireLength(k, "keys", nk, d);
    double[] s = new double[nq * nk];
    for (int i = 0; i < nq; i++) {
      for (int j = 0; j < nk; j++) {
        double acc = 0;
        for (int p = 0; p < d; p++) acc += q[i * d + p] * k[j * d + p];
        s[i * nk + j] = acc;
      }
    }
    return s;
  }

  /** Scaled dot-product scores {@code S = Q·Kᵀ / √d}. */
  public static double[] scaledDotScores(double[] q, double[] k, int nq, int nk, int d) {
    return scale(dotScores(q, k, nq, nk, d), 1 / Math.sqrt(d));
  }

  /** Bilinear scores {@code S = Q·W·Kᵀ}: S[i][j] = q_iᵀ W k_j, for Q [n_q, d_q], W [d_q, d_k], K [n_k, d_k]. */
  public static double[] bilinearScores(double[] q, double[] w, double[] k, int nq, int nk, int dq, int dk) {
    requireLength(q, "query", nq, dq);
    requireLength(w, "w", dq, dk);
    requireLength(k, "keys", nk, dk);
    return dotScores(matmul(q, w, nq, dq, dk), k, nq, nk, dk);
  }

  /**
   * Row softmax of {@code S / T} over the keys each row may attend: disallowed entries get exactly 0,
   * a row with no allowed key is all zeros.
   *
   * @param temperature T &gt; 0
   */
  public static double[] softmaxRows(double[] s, int rows, int cols, double temperature, Mask mask) {
    requireLength(s, "scores", rows, cols);
    if (!(temperature > 0) || !Double.isFinite(temperature)) {
      throw new IllegalArgumentException("temperature: expected a finite number > 0, got " + temperature);
    }
    mask.check(rows, cols);
    double[] out = new double[rows * cols];
    for (int i = 0; i < rows; i++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < cols; j++) if (mask.allows(i, j, rows, cols)) max = Math.max(max, s[i * cols + j] / temperature);
      if (max == Double.NEGATIVE_INFINITY) continue;                    // nothing to attend: zeros
      double sum = 0;
      for (int j = 0; j < cols; j++) {
        if (mask.allows(i, j, rows, cols)) {
          double e = Math.exp(s[i * cols + j] / temperature - max);
          out[i * cols + j] = e;
          sum += e;
        }
      }
      for (int j = 0; j < cols; j++) out[i * cols + j] /= sum;
    }
    return out;
  }

  /**
   * Attention from given scores: {@code A = softmax(S / T, mask)}, {@code O = A·V}.
   *
   * @param scores S [n_q, n_k]
   * @param values V [n_k, d_v]
   */
  public static Forward attention(double[] scores, double[] values, int nq, int nk, int dv, double temperature,
      Mask mask) {
    requireLength(values, "values", nk, dv);
    double[] a = softmaxRows(scores, nq, nk, temperature, mask);
    return new Forward(matmul(a, values, nq, nk, dv), a);
  }

  /**
   * Scaled-dot attention: {@code O = softmax(c·Q·Kᵀ / T, mask)·V} with score scale {@code c}
   * (1 for dot, 1/√d for scaled-dot).
   */
  public static Forward dotAttention(double[] q, double[] k, double[] v, int nq, int nk, int d, int dv, double c,
      double temperature, Mask mask) {
    return attention(scale(dotScores(q, k, nq, nk, d), c), v, nq, nk, dv, temperature, mask);
  }

  /** {@code Σ x_i y_i}: the loss {@code L = ⟨G, Y⟩} whose gradient a VJP computes. */
  public static double inner(double[] x, double[] y) {
    if (x.length != y.length) {
      throw new IllegalArgumentException("y: expected " + x.length + " values (= x.length), got " + y.length);
    }
    double acc = 0;
    for (int i = 0; i < x.length; i++) acc += x[i] * y[i];
    return acc;
  }

  private static void requireLength(double[] x, String argument, int rows, int cols) {
    if (rows < 0 || cols < 0) {
      throw new IllegalArgumentException(argument + ": expected non-negative dimensions, got [" + rows + ", " + cols + "]");
    }
    if ((long) rows * cols != x.length) {
      throw new IllegalArgumentException(argument + ": expected " + ((long) rows * cols) + " values (= " + rows + " x "
          + cols + "), got " + x.length);
    }
  }
}
