package org.attention4j.biosim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;

/** The thermodynamic promoter, its truth table and Hill approximation (SEED-DIGEST 4.2). */
class PromoterModelTest {
  private final PromoterModel gate = PromoterModel.of(10, 10, 20, 0.05, 0.01);

  @Test void stateProbabilitiesAreTheNormalisedShearAckersWeights() {
    double[] p = gate.stateProbabilities(10, 20);            // a = 1, b = 2, ωab = 40, Z = 44
    assertArrayEquals(new double[] {1 / 44.0, 1 / 44.0, 2 / 44.0, 40 / 44.0}, p, 1e-15);
    assertEquals((0.01 + 0.05 * 1 + 0.05 * 2 + 40) / 44, gate.expression(10, 20), 1e-15);
    assertEquals(0.01, gate.expression(0, 0), 1e-15, "empty promoter: basal");
    assertEquals(1.0, gate.expression(1e12, 1e12), 1e-9, "both saturating: full");
  }

  @Test void truthTableIsAnAndGate() {
    TruthTable t = TruthTable.of(gate::expression, 0.1, 100, 0.5);
    assertTrue(t.isAnd(), t.toString());
    assertArrayEquals(new int[] {0, 0, 0, 1}, t.bits());
    assertTrue(t.lowLow() < 0.02 && t.lowHigh() < 0.2 && t.highLow() < 0.2 && t.highHigh() > 0.99, t.toString());
    assertTrue(t.contrast() > 5, "contrast " + t.contrast());
  }

  @Test void largeLeakTurnsTheAndIntoAnOr() {
    TruthTable t = TruthTable.of(gate.withLeak(0.9)::expression, 0.1, 100, 0.5);
    assertFalse(t.isAnd(), t.toString());
    assertTrue(t.isOr(), t.toString());
  }

  @Test void independentBindingWithoutLeakIsExactlyAHillProduct() {
    PromoterModel independent = PromoterModel.of(10, 30, 1, 0, 0);
    double[] conc = new double[15];
    for (int i = 0; i < conc.length; i++) conc[i] = 0.1 * Math.pow(10, i / 4.0);
    double[][] e = new double[conc.length][conc.length];
    for (int i = 0; i < conc.length; i++) for (int j = 0; j < conc.length; j++) e[i][j] = independent.expression(conc[i], conc[j]);
    HillProduct h = HillProduct.fit(conc, conc, e, new HillProduct(0.5, 3, 2, 3, 2));
    assertEquals(1, h.max(), 1e-6);
    assertEquals(10, h.kA(), 1e-5);
    assertEquals(30, h.kB(), 1e-5);
    assertEquals(1, h.nA(), 1e-6);
    assertEquals(1, h.nB(), 1e-6);
    assertEquals(1.0, SurfaceFit.multiplicative(e).rSquared(), 1e-12, "and the surface is exactly rank 1");
  }

  @Test void cooperativityIsApproximatedByAFittedHillProduct() {
    double[] conc = new double[21];
    for (int i = 0; i < conc.length; i++) conc[i] = 0.01 * Math.pow(10, i / 4.0);
    double[][] e = new double[conc.length][conc.length];
    for (int i = 0; i < conc.length; i++) for (int j = 0; j < conc.length; j++) e[i][j] = gate.expression(conc[i], conc[j]);
    HillProduct h = HillProduct.fit(conc, conc, e, new HillProduct(1, 2, 1, 2, 1));
    double err = 0;
    for (int i = 0; i < conc.length; i++) for (int j = 0; j < conc.length; j++) err = Math.max(err, Math.abs(h.value(conc[i], conc[j]) - e[i][j]));
    assertTrue(err < 0.2, "max error " + err);
    assertTrue(h.kA() < 10 && h.kB() < 10, "cooperativity lowers the effective constants: " + h);
  }

  @Property(tries = 300)
  void expressionIsNondecreasingInEachActivator(@ForAll @DoubleRange(min = 0.1, max = 100) double kA,
      @ForAll @DoubleRange(min = 0.1, max = 100) double kB, @ForAll @DoubleRange(min = 1, max = 1000) double omega,
      @ForAll @DoubleRange(min = 0, max = 1) double leakA, @ForAll @DoubleRange(min = 0, max = 1) double leakB,
      @ForAll @DoubleRange(min = 0, max = 1) double basalFraction) {
    PromoterModel m = new PromoterModel(kA, kB, omega, leakA, leakB, basalFraction * Math.min(leakA, leakB));
    double[] conc = new double[33];
    for (int i = 1; i < conc.length; i++) conc[i] = 1e-3 * Math.pow(10, (i - 1) / 4.0);   // 0, then 1e-3 … 1e5
    for (int i = 0; i < conc.length; i++) {
      for (int j = 0; j < conc.length; j++) {
        double e = m.expression(conc[i], conc[j]);
        assertTrue(e >= 0 && e <= 1 + 1e-12, "E in [0, 1]: " + e);
        if (i > 0) assertTrue(e >= m.expression(conc[i - 1], conc[j]) - 1e-12, "falls in [A] at " + conc[i] + ", " + conc[j] + ": " + m);
        if (j > 0) assertTrue(e >= m.expression(conc[i], conc[j - 1]) - 1e-12, "falls in [B] at " + conc[i] + ", " + conc[j] + ": " + m);
      }
    }
  }

  @Test void monotonicityNeedsTheStatedConditions() {
    // ω < 1 with a B-only state more active than the A-only one: adding A displaces B and lowers E.
    PromoterModel m = new PromoterModel(1, 1, 0.1, 0, 1, 0);
    assertTrue(m.expression(10, 1) < m.expression(0, 1), m.expression(10, 1) + " vs " + m.expression(0, 1));
  }

  @Test void badParametersAreNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PromoterModel.of(10, 10, 20, 1.5, 0));
    assertTrue(e.getMessage().startsWith("leakA: expected a value in [0, 1], got 1.5"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> gate.expression(-1, 1));
    assertTrue(e.getMessage().startsWith("concA: expected"), e.getMessage());
  }
}
