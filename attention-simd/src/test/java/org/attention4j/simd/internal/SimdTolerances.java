package org.attention4j.simd.internal;

import static org.junit.jupiter.api.Assertions.fail;

import org.attention4j.testkit.Tolerances;

/**
 * Every tolerance of the simd tests, in one place. The simd kernels compute in float32 with FMA;
 * the references are float64 (the testkit's {@code Float64Oracles}, or oracles written in the
 * tests) and attention-api's {@code ScalarKernels} (float64 accumulators, float32 results).
 *
 * <ul>
 *   <li><b>Attention outputs and weights, softmax rows</b>: {@code |a − b| ≤ 1e-5 + 1e-4·|b|}
 *       ({@link #ATOL}, {@link #RTOL}). Each weight is exp of a float32 logit (error ~1e-6 for
 *       the scores here) over a float32 sum; each output is a convex combination of values.</li>
 *   <li><b>Sums of products</b> (matmul, top-k scores, additive scores): {@code |a − b| ≤ 1e-6 +
 *       1e-5·Σ|terms|} ({@link #SUM_ATOL}, {@link #SUM_RTOL}), where Σ|terms| is the float64 sum of
 *       the absolute values of the summed terms: a float32 sum of n terms errs by about
 *       √n·6e-8·Σ|terms| (n·6e-8 at worst), whatever cancellation leaves of the result.</li>
 *   <li><b>Gradients</b> (attention backward, additive backward, softmax backward), which are
 *       sums with cancellation: norm-wise, {@code |a − b| ≤ 1e-4·max|b| + 1e-4·|b|}
 *       ({@link #GRAD_NORM}, {@link #GRAD_RTOL}), the maximum taken over the whole output.</li>
 *   <li><b>Central differences</b> of a float64 forward oracle (step {@link #STEP}):
 *       {@code |a − b| ≤ 1e-4 + 1e-3·|b|} ({@link #FD_ATOL}, {@link #FD_RTOL}).</li>
 *   <li><b>Exact</b>: masked weights and fully masked rows (+0), top-k ids on inputs without
 *       near-ties (and on exact ties), DTW rows (bit for bit against the scalar kernel), and
 *       results for different thread counts (bit for bit).</li>
 *   <li><b>exp and tanh</b> against {@code Math.exp}/{@code Math.tanh}: {@link #EXP_ULPS} and
 *       {@link #TANH_ULPS} float32 ulps; the additive kernels' fast tanh: relative error
 *       {@link #FAST_TANH_REL}, never above 1 in magnitude, odd exactly.</li>
 * </ul>
 */
final class SimdTolerances {
  static final double ATOL = 1e-5, RTOL = 1e-4;
  static final double SUM_ATOL = 1e-6, SUM_RTOL = 1e-5;
  static final double GRAD_NORM = 1e-4, GRAD_RTOL = 1e-4;
  static final double FD_ATOL = 1e-4, FD_RTOL = 1e-3, STEP = 1e-4;
  static final int EXP_ULPS = 2, TANH_ULPS = 4;
  /** The additive kernels' fast tanh (FloatMath.tanhFast): relative error against float64 tanh (measured worst 4.1e-7). */
  static final double FAST_TANH_REL = 5e-7;

  private SimdTolerances() {}

  /** Central differences (step {@link #STEP}) of {@code f} at the chosen coordinates of x (x is restored). */
  static double[] central(java.util.function.ToDoubleFunction<double[]> f, double[] x, int[] coords) {
    double[] out = new double[coords.length];
    for (int c = 0; c < coords.length; c++) {
      int i = coords[c];
      double keep = x[i];
      x[i] = keep + STEP;
      double plus = f.applyAsDouble(x);
      x[i] = keep - STEP;
      double minus = f.applyAsDouble(x);
      x[i] = keep;
      out[c] = (plus - minus) / (2 * STEP);
    }
    return out;
  }

  /** {@code |a − b| ≤ ATOL + RTOL·|b|} everywhere (the testkit's form and message). */
  static void assertClose(float[] actual, double[] expected, String what) {
    Tolerances.assertClose(actual, expected, ATOL, RTOL, what);
  }

  /** {@code |a − b| ≤ SUM_ATOL + SUM_RTOL·cond[i]} everywhere, where cond is Σ|terms| of each entry. */
  static void assertSums(float[] actual, double[] expected, double[] cond, String what) {
    check(actual, expected, i -> SUM_ATOL + SUM_RTOL * cond[i], "1e-6 + 1e-5·Σ|terms|", what);
  }

  /** Norm-wise: {@code |a − b| ≤ GRAD_NORM·max|b| + GRAD_RTOL·|b|} everywhere. */
  static void assertGradient(float[] actual, double[] expected, String what) {
    double max = 0;
    for (double e : expected) max = Math.max(max, Math.abs(e));
    double floor = GRAD_NORM * max;
    check(actual, expected, i -> floor + GRAD_RTOL * Math.abs(expected[i]), "1e-4·max|expected| + 1e-4·|expected|", what);
  }

  /** {@code |a − b| ≤ FD_ATOL + FD_RTOL·|b|} for central differences b. */
  static void assertCentral(float[] actual, int[] coords, double[] numeric, String what) {
    float[] picked = new float[coords.length];
    for (int c = 0; c < coords.length; c++) picked[c] = actual[coords[c]];
    Tolerances.assertClose(picked, numeric, FD_ATOL, FD_RTOL, what + " (sampled entries vs central differences)");
  }

  private interface Allowance {
    double at(int i);
  }

  private static void check(float[] actual, double[] expected, Allowance allowed, String rule, String what) {
    if (actual.length != expected.length) fail(what + ": expected " + expected.length + " values, got " + actual.length);
    int failures = 0, worst = -1;
    double worstExcess = 0;
    for (int i = 0; i < actual.length; i++) {
      double err = Math.abs(actual[i] - expected[i]);
      if (Double.isNaN(err)) err = Double.POSITIVE_INFINITY;
      if (actual[i] == expected[i]) err = 0;
      double excess = err / allowed.at(i);
      if (!(err <= allowed.at(i))) failures++;
      if (excess > worstExcess || worst < 0) {
        worstExcess = excess;
        worst = i;
      }
    }
    if (failures > 0) {
      fail(what + ": expected |actual − expected| ≤ " + rule + " everywhere, got " + failures + " of " + actual.length
          + " outside; worst at [" + worst + "]: actual " + actual[worst] + ", expected " + expected[worst] + ", allowed "
          + allowed.at(worst));
    }
  }
}
