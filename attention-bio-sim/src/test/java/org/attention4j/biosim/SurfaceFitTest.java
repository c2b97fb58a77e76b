package org.attention4j.biosim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The separable fits recover exact surfaces and prefer the form that generated the data. */
class SurfaceFitTest {
  private static double[][] surface(double[] f, double[] g, boolean product) {
    double[][] r = new double[f.length][g.length];
    for (int i = 0; i < f.length; i++) for (int j = 0; j < g.length; j++) r[i][j] = product ? f[i] * g[j] : f[i] + g[j];
    return r;
  }

  @Test void aProductIsFittedExactlyByTheMultiplicativeForm() {
    double[] f = {0, 1, 3, 7, 12}, g = {0.5, 1, 2, 4};
    double[][] r = surface(f, g, true);
    SurfaceFit m = SurfaceFit.multiplicative(r), a = SurfaceFit.additive(r);
    assertEquals(1.0, m.rSquared(), 1e-12);
    assertTrue(a.rSquared() < 0.99, "additive R² " + a.rSquared());
    assertTrue(m.aic() < a.aic());
    assertEquals(f.length + g.length - 1, m.parameters());
    assertEquals(m.parameters(), a.parameters());
    assertEquals(1.0, m.columnEffects()[3], 1e-12, "max |g| = 1");
    for (int i = 0; i < f.length; i++) assertEquals(4 * f[i], m.rowEffects()[i], 1e-9, "f carries the scale");
  }

  @Test void aSumIsFittedExactlyByTheAdditiveForm() {
    double[] f = {0, 1, 3, 7, 12}, g = {0.5, 1, 2, 4};
    double[][] r = surface(f, g, false);
    SurfaceFit m = SurfaceFit.multiplicative(r), a = SurfaceFit.additive(r);
    assertEquals(1.0, a.rSquared(), 1e-12);
    assertTrue(m.rSquared() < 1 - 1e-6, "multiplicative R² " + m.rSquared());
    assertTrue(a.aic() < m.aic());
    double sum = 0;
    for (double x : a.columnEffects()) sum += x;
    assertEquals(0, sum, 1e-12, "Σ g = 0");
  }

  @Test void tooSmallOrNonFiniteSurfacesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> SurfaceFit.additive(new double[][] {{1, 2}}));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SurfaceFit.multiplicative(new double[][] {{1, 2}, {3, Double.NaN}}));
    assertTrue(e.getMessage().contains("(1, 1)"), e.getMessage());
  }
}
