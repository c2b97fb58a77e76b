package org.attention4j.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** {@link GradientCheck}: central differences are accurate, right gradients pass, wrong ones fail naming the entry. */
class GradientCheckTest {
  /** f(x) = Σ sin(x_i)·x_{i+1} + exp(x_0 / 3): smooth, with cross terms. */
  private static double f(double[] x) {
    double s = Math.exp(x[0] / 3);
    for (int i = 0; i + 1 < x.length; i++) s += Math.sin(x[i]) * x[i + 1];
    return s;
  }

  private static float[] gradF(double[] x) {
    double[] g = new double[x.length];
    g[0] += Math.exp(x[0] / 3) / 3;
    for (int i = 0; i + 1 < x.length; i++) {
      g[i] += Math.cos(x[i]) * x[i + 1];
      g[i + 1] += Math.sin(x[i]);
    }
    return Float64Oracles.toFloat(g);
  }

  private static final double[] X = {0.3, -1.2, 2.5, 40.0, -0.01, 7};

  @Test void numericGradientIsAccurateAtTheDefaultStep() {
    double[] numeric = GradientCheck.defaults().numericGradient(GradientCheckTest::f, X);
    float[] exact = gradF(X);
    // float64 oracle: truncation error ~ h²·|f'''|/6 with h = 1e-3·max(1, |x|)
    for (int i = 0; i < X.length; i++) assertEquals(exact[i], numeric[i], 1e-3 * Math.max(1, Math.abs(exact[i])), "entry " + i);
  }

  @Test void rightGradientPassesAndInputIsLeftUnchanged() {
    double[] x = X.clone();
    GradientCheck.defaults().check("df", gradF(x), GradientCheckTest::f, x);
    assertArrayEquals(X, x);
  }

  @Test void wrongGradientFailsListingTheWorstEntry() {
    float[] wrong = gradF(X);
    wrong[2] = -wrong[2];                                  // a sign error
    AssertionFailedError e = assertThrows(AssertionFailedError.class,
        () -> GradientCheck.defaults().check("df", wrong, GradientCheckTest::f, X));
    assertTrue(e.getMessage().startsWith("df: expected |analytic − numeric| ≤ 0.001 + 0.01·|numeric| everywhere, got 1 of 6 "
        + "entries outside; worst at [2]: analytic "), e.getMessage());
    assertTrue(e.getMessage().endsWith("(central differences, step 0.001·max(1, |x|))"), e.getMessage());
  }

  @Test void vjpOfAMatrixFunctionNamesRowAndColumn() {
    // F(X) = X·Xᵀ for X [2, 3]; the VJP for cotangent G is (G + Gᵀ)·X
    double[] x = {1, 2, 3, -1, 0.5, 2};
    double[] g = {0.1, -0.4, 2, 0.3};
    double[] gs = {0.2, 1.6, 1.6, 0.6};                     // G + Gᵀ
    float[] vjp = Float64Oracles.toFloat(Float64Oracles.matmul(gs, x, 2, 2, 3));
    GradientCheck.VectorFunction xxt = p -> Float64Oracles.dotScores(p, p, 2, 2, 3);
    GradientCheck.defaults().tolerance(1e-6, 1e-6).checkVjp("dX", vjp, xxt, x, g, 3);
    vjp[4] += 0.5f;
    AssertionFailedError e = assertThrows(AssertionFailedError.class,
        () -> GradientCheck.defaults().checkVjp("dX", vjp, xxt, x, g, 3));
    assertTrue(e.getMessage().contains("got 1 of 6 entries outside; worst at (row 1, col 1)"), e.getMessage());
  }

  @Test void settingsAreCheckedAndReported() {
    GradientCheck c = GradientCheck.defaults().step(1e-4).tolerance(1e-5, 1e-4);
    assertEquals(1e-4, c.step());
    assertEquals(1e-5, c.atol());
    assertEquals(1e-4, c.rtol());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.step(0));
    assertEquals("step: expected a finite number > 0, got 0.0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> c.check("d", new float[2], GradientCheckTest::f, X));
    assertEquals("analytic: expected 6 values (= x.length), got 2", e.getMessage());
  }
}
