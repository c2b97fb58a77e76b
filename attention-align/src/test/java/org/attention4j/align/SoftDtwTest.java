package org.attention4j.align;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.testkit.GradientCheck;
import org.attention4j.testkit.WithRootAllocator;
import org.junit.jupiter.api.Test;

/** Soft-DTW: gradient against central differences, small γ, the limit γ → 0, the divergence. */
@WithRootAllocator
class SoftDtwTest {
  static Float64Matrix randomCosts(Random r, int n, int m, double scale) {
    double[] c = new double[n * m];
    for (int i = 0; i < c.length; i++) c[i] = scale * r.nextDouble();
    return new Float64Matrix(n, m, c);
  }

  static float[] toFloat(double[] v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
    return f;
  }

  /**
   * E against central differences of the float64 value. Step 1e-5 (relative): for a float64 f the
   * rounding error ε·|f|/h ≈ 1e-10 and the truncation error h²·|f'''|/6 ≲ 1e-8 at γ ≥ 0.1, so the
   * tolerance is set by E's float32 cast in the checker (6e-8 relative): atol 1e-6, rtol 1e-5.
   */
  @Test void gradientMatchesCentralDifferences() {
    Random r = new Random(11);
    GradientCheck check = GradientCheck.defaults().step(1e-5).tolerance(1e-6, 1e-5);
    for (int[] s : new int[][] {{1, 1}, {1, 6}, {5, 7}, {8, 8}, {9, 4}}) {
      for (double gamma : new double[] {2.0, 1.0, 0.1}) {
        for (Band band : List.of(Band.none(), Band.sakoeChiba(1))) {
          Float64Matrix c = randomCosts(r, s[0], s[1], 2);
          SoftDtw.Result res;
          try {
            res = SoftDtw.compute(c, gamma, band);
          } catch (IllegalArgumentException e) {                   // a band too narrow for these lengths
            continue;
          }
          check.check(s[0] + "x" + s[1] + " γ=" + gamma + " " + band, toFloat(res.expectedAlignment().values()),
              v -> SoftDtw.value(new Float64Matrix(s[0], s[1], v), gamma, band), c.values(), s[1]);
        }
      }
    }
  }

  @Test void expectedAlignmentIsAProbabilityOfUse() {
    Random r = new Random(12);
    Float64Matrix c = randomCosts(r, 12, 9, 3);
    Float64Matrix e = SoftDtw.compute(c, 0.5, Band.none()).expectedAlignment();
    assertEquals(1.0, e.get(0, 0), 1e-12, "every path starts at (0, 0)");
    assertEquals(1.0, e.get(11, 8), 0, "and ends at (n-1, m-1)");
    for (int i = 0; i < 12; i++) {
      double row = 0;
      for (int j = 0; j < 9; j++) {
        assertTrue(e.get(i, j) >= 0 && e.get(i, j) <= 1 + 1e-12, "E in [0, 1]");
        row += e.get(i, j);
      }
      assertTrue(row >= 1 - 1e-12, "every path visits row " + i + " at least once: " + row);
    }
  }

  @Test void smallGammaIsStableAndTendsToDtw() {
    Random r = new Random(13);
    Float64Matrix c = randomCosts(r, 30, 40, 1000);               // exp(−1000/γ) underflows without log-sum-exp
    double dtw = Dtw.distance(c, Band.none());
    Alignment path = Dtw.align(c, Band.none());
    for (double gamma : new double[] {1, 1e-2, 1e-4, 1e-8}) {
      SoftDtw.Result s = SoftDtw.compute(c, gamma, Band.none());
      assertTrue(Double.isFinite(s.value()), "γ=" + gamma);
      // dtw − γ·log(#paths) ≤ sdtw ≤ dtw, and #paths < 3^(n+m)
      assertTrue(s.value() <= dtw + 1e-9 * dtw, "γ=" + gamma + ": " + s.value() + " vs " + dtw);
      assertTrue(s.value() >= dtw - gamma * 70 * Math.log(3) - 1e-9 * dtw, "γ=" + gamma + ": " + s.value() + " vs " + dtw);
      for (double v : s.expectedAlignment().values()) assertTrue(Double.isFinite(v) && v >= 0, "γ=" + gamma + ": E = " + v);
    }
    // the hard path carries all the mass; E's accuracy is about ulp(R)/γ (R ≈ 3e4 here: 4e-12/γ)
    Float64Matrix e = SoftDtw.compute(c, 1e-4, Band.none()).expectedAlignment();
    for (int k = 0; k < path.pathLength(); k++) {
      assertEquals(1.0, e.get(path.pathRows()[k], path.pathCols()[k]), 1e-6, "cell " + k);
    }
  }

  @Test void divergenceIsZeroForIdenticalSeriesAndNonNegativeOtherwise(BufferAllocator a) {
    Random r = new Random(14);
    try (Aligner al = Aligner.builder().build()) {
      for (int t = 0; t < 8; t++) {
        try (FixedSizeListVector x = AlignerTest.series(a, "x", r, 5 + t, 2);
             FixedSizeListVector y = AlignerTest.series(a, "y", r, 9 + t, 2)) {
          for (double gamma : new double[] {0.01, 0.5, 3}) {
            assertEquals(0.0, al.softDtwDivergence(x, x, gamma), "identical series, γ=" + gamma);
            double div = al.softDtwDivergence(x, y, gamma);
            assertTrue(div >= -1e-9, "divergence " + div + " at γ=" + gamma);
            assertEquals(al.softDtwValue(x, y, gamma) - 0.5 * (al.softDtwValue(x, x, gamma) + al.softDtwValue(y, y, gamma)),
                div);
          }
        }
      }
    }
  }

  @Test void valueModeEqualsGradientModeAndLimitsAreEnforced(BufferAllocator a) {
    Random r = new Random(15);
    try (FixedSizeListVector x = AlignerTest.series(a, "x", r, 20, 3); FixedSizeListVector y = AlignerTest.series(a, "y", r, 25, 3);
         Aligner al = Aligner.builder().cost(CostSpec.ABS).band(Band.sakoeChiba(4)).build()) {
      assertEquals(al.softDtw(x, y, 0.3).value(), al.softDtwValue(x, y, 0.3));
      assertEquals(SoftDtw.value(al.costMatrix(x, y), 0.3, Band.sakoeChiba(4)), al.softDtwValue(x, y, 0.3));
    }
    IllegalArgumentException big = assertThrows(IllegalArgumentException.class, () -> SoftDtw.checkGradientCells(5001, 5000));
    assertTrue(big.getMessage().contains("the value alone works at any size"), big.getMessage());
  }
}
