package org.attention4j.testkit;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;
import org.junit.jupiter.api.Assertions;

/**
 * Checks analytic gradients (float32 code under test) against central differences of a float64
 * function. For each entry i of x, with step {@code h_i = step · max(1, |x_i|)},
 * <pre>
 *   numeric_i = (f(x + h_i e_i) − f(x − h_i e_i)) / (2 h_i)
 * </pre>
 * (the denominator is the difference actually taken in float64), and the check passes when
 * {@code |analytic_i − numeric_i| ≤ atol + rtol·|numeric_i|} for every i. Vector-valued functions
 * are checked through a vector–Jacobian product: the gradient of {@code ⟨g, F(x)⟩} for a fixed
 * cotangent {@code g}, which is what a {@code backward(dY)} returns for {@code dY = g}.
 *
 * <h2>Defaults and why</h2>
 * <ul>
 *   <li>{@link #DEFAULT_STEP} = 1e-3, relative (absolute below |x| = 1). Central differences err
 *       by about {@code h²·|f'''|/6} (truncation) plus {@code ε·|f|/h} (rounding in f). For a
 *       float64 oracle (ε ≈ 1.1e-16) both are below 1e-6 relative at this step, so the numeric
 *       side is practically exact. If f itself runs float32 code (ε ≈ 6e-8), the best step is near
 *       ε^(1/3) ≈ 4e-3; 1e-3 keeps the rounding error near 6e-5·|f| and the truncation error
 *       near 2e-7·|f'''|, so the same default works there too.</li>
 *   <li>{@link #DEFAULT_ATOL} = 1e-3 and {@link #DEFAULT_RTOL} = 1e-2. The analytic side is float32:
 *       each gradient entry is a sum of many float32 products (relative error up to roughly
 *       n·6e-8 for n terms, with cancellation making it larger relative to the result), and
 *       entries near zero need an absolute floor. The bugs a gradient check exists for — a wrong
 *       sign, a missing factor, a transposed index, a term left out — are O(1) relative errors, so
 *       1% still catches them with a wide margin. Tighten with {@link #tolerance} when the code
 *       under test is more exact (e.g. a linear function with float64 accumulation).</li>
 * </ul>
 *
 * <p>Failures list the worst entries (see {@link Tolerances.Comparison#describe}), e.g.
 * {@code dQuery: expected |analytic − numeric| ≤ 1e-3 + 0.01·|numeric| everywhere, got 1 of 12
 * entries outside; worst at (row 2, col 0): analytic -0.41, numeric 0.41, ...}.
 *
 * <pre>{@code
 * double[] x = Float64Oracles.toDouble(qData);
 * GradientCheck.defaults().checkVjp("dQuery", analyticDq,
 *     xq -> Float64Oracles.dotScores(xq, kData, nq, nk, d), x, dScores, d);
 * }</pre>
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class GradientCheck {
  /** Relative step h (see the class comment): {@value}. */
  public static final double DEFAULT_STEP = 1e-3;
  /** Absolute tolerance: {@value}. */
  public static final double DEFAULT_ATOL = 1e-3;
  /** Relative tolerance: {@value}. */
  public static final double DEFAULT_RTOL = 1e-2;

  private static final GradientCheck DEFAULTS = new GradientCheck(DEFAULT_STEP, DEFAULT_ATOL, DEFAULT_RTOL);

  /** A scalar function of a float64 vector, f: ℝⁿ → ℝ. */
  @FunctionalInterface
  public interface ScalarFunction {
    double value(double[] x);
  }

  /** A vector function of a float64 vector, F: ℝⁿ → ℝᵐ (m fixed for every x). */
  @FunctionalInterface
  public interface VectorFunction {
    double[] value(double[] x);
  }

  private final double step;
  private final double atol;
  private final double rtol;

  private GradientCheck(double step, double atol, double rtol) {
    if (!(step > 0) || !Double.isFinite(step)) throw new IllegalArgumentException("step: expected a finite number > 0, got " + step);
    Tolerances.checkTolerances(atol, rtol);
    this.step = step;
    this.atol = atol;
    this.rtol = rtol;
  }

  /** Step 1e-3 (relative), atol 1e-3, rtol 1e-2 (see the class comment). */
  public static GradientCheck defaults() { return DEFAULTS; }

  /** The same check with relative step {@code h}. */
  public GradientCheck step(double h) { return new GradientCheck(h, atol, rtol); }

  /** The same check with tolerance {@code |a − b| ≤ atol + rtol·|b|}. */
  public GradientCheck tolerance(double absolute, double relative) { return new GradientCheck(step, absolute, relative); }

  /** The relative step. */
  public double step() { return step; }

  /** The absolute tolerance. */
  public double atol() { return atol; }

  /** The relative tolerance. */
  public double rtol() { return rtol; }

  /** Central-difference gradient of {@code f} at {@code x} ({@code x} is left unchanged). */
  public double[] numericGradient(ScalarFunction f, double[] x) {
    double[] p = x.clone();
    double[] grad = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      double xi = x[i];
      double h = step * Math.max(1, Math.abs(xi));
      double hi = xi + h, lo = xi - h;
      p[i] = hi;
      double fp = f.value(p);
      p[i] = lo;
      double fm = f.value(p);
      p[i] = xi;
      grad[i] = (fp - fm) / (hi - lo);
    }
    return grad;
  }

  /**
   * Central-difference vector–Jacobian product: the gradient of {@code ⟨cotangent, F(x)⟩} at
   * {@code x}.
   */
  public double[] numericVjp(VectorFunction f, double[] x, double[] cotangent) {
    return numericGradient(p -> {
      double[] y = f.value(p);
      if (y.length != cotangent.length) {
        throw new IllegalArgumentException("cotangent: expected " + y.length + " values (= F(x).length), got "
            + cotangent.length);
      }
      return Float64Oracles.inner(cotangent, y);
    }, x);
  }

  /** Compares {@code analytic} with the central-difference gradient of {@code f} at {@code x}. */
  public Tolerances.Comparison compare(float[] analytic, ScalarFunction f, double[] x) {
    requireLength(analytic, x);
    return Tolerances.compare(analytic, numericGradient(f, x), atol, rtol);
  }

  /** Compares {@code analytic} with the central-difference VJP of {@code f} at {@code x}. */
  public Tolerances.Comparison compareVjp(float[] analytic, VectorFunction f, double[] x, double[] cotangent) {
    requireLength(analytic, x);
    return Tolerances.compare(analytic, numericVjp(f, x, cotangent), atol, rtol);
  }

  /** Asserts that {@code analytic} is the gradient of {@code f} at {@code x}; the failure lists the worst entries. */
  public void check(String what, float[] analytic, ScalarFunction f, double[] x) {
    check(what, analytic, f, x, 0);
  }

  /** As {@link #check(String, float[], ScalarFunction, double[])}, naming (row, col) of a matrix with {@code cols} columns. */
  public void check(String what, float[] analytic, ScalarFunction f, double[] x, int cols) {
    fail(compare(analytic, f, x), what, cols);
  }

  /**
   * Asserts that {@code analytic} is the gradient of {@code ⟨cotangent, F(x)⟩} at {@code x} (what a
   * backward pass returns given {@code dY = cotangent}); the failure lists the worst entries.
   */
  public void checkVjp(String what, float[] analytic, VectorFunction f, double[] x, double[] cotangent) {
    checkVjp(what, analytic, f, x, cotangent, 0);
  }

  /** As {@link #checkVjp(String, float[], VectorFunction, double[], double[])}, naming (row, col). */
  public void checkVjp(String what, float[] analytic, VectorFunction f, double[] x, double[] cotangent, int cols) {
    fail(compareVjp(analytic, f, x, cotangent), what, cols);
  }

  private void fail(Tolerances.Comparison c, String what, int cols) {
    if (c.passed()) return;
    Assertions.fail(c.describe(what, "analytic", "numeric", cols) + " (central differences, step "
        + Tolerances.num(step) + "·max(1, |x|))");
  }

  private static void requireLength(float[] analytic, double[] x) {
    if (analytic.length != x.length) {
      throw new IllegalArgumentException("analytic: expected " + x.length + " values (= x.length), got " + analytic.length);
    }
  }

  @Override public String toString() {
    return "GradientCheck[step=" + step + ", atol=" + atol + ", rtol=" + rtol + "]";
  }
}
