package org.attention4j.align;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.align.internal.scenario.LaggedSeries;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.Settings;
import org.attention4j.api.registry.Registry;
import org.attention4j.api.spi.ProviderConfig;
import org.junit.jupiter.api.Test;

/** The energy landscape over shifts: the lag is recovered, ties, the posterior, scorer scores. */
class ShiftLandscapeTest {
  private static final Registry REGISTRY = Registry.load(List.of());

  /** A lagged, noisy copy: τ* is the lag for every lag up to ±n/4 (the default search radius). */
  @Property(tries = 300)
  void aLaggedNoisyCopyGivesTheLag(@ForAll @IntRange(min = 32, max = 160) int n, @ForAll @IntRange(min = 1, max = 3) int d,
      @ForAll @IntRange(min = -1000, max = 1000) int lagSeed, @ForAll long seed) {
    int s = ShiftLandscape.defaultMaxShift(n, n);
    int lag = Math.floorMod(lagSeed, 2 * s + 1) - s;
    LaggedSeries.Pair p = LaggedSeries.generate(n, d, lag, s, 0.8, 0.3, seed);
    try (BufferAllocator a = new RootAllocator();
         FixedSizeListVector x = DenseMatrices.of(a, "x", n, d, p.x());
         FixedSizeListVector y = DenseMatrices.of(a, "y", n, d, p.y());
         Aligner al = Aligner.builder().build()) {
      ShiftLandscape l = al.landscape(x, y);
      assertEquals(s, l.maxShift());
      assertEquals(lag, l.tauStar(), "n=" + n + " d=" + d + " seed=" + seed);
      assertEquals(lag, l.posterior(0.05).tauMap());
    }
  }

  @Test void tiesGoToTheSmallestShiftThenTheNegativeOne() {
    // 5 x 5, cost 1 except the diagonals τ = ±1 (cost 0): means 0 at τ = ±1, lower elsewhere
    double[] c = new double[25];
    for (int i = 0; i < 5; i++) for (int j = 0; j < 5; j++) c[i * 5 + j] = Math.abs(j - i) == 1 ? 0 : 1;
    ShiftLandscape l = ShiftLandscape.of(new Float64Matrix(5, 5, c), 2);
    assertEquals(-1, l.tauStar());
    assertEquals(0.0, l.mean()[1]);
    assertEquals(0.0, l.mean()[3]);
    // constant costs: every mean ties, τ* = 0
    assertEquals(0, ShiftLandscape.of(new Float64Matrix(6, 9, new double[54]), 1).tauStar());
  }

  @Test void sumsCountsAndMeansFollowTheConvention() {
    // C[i][j] = 10·i + j: s[i][i+τ] = −(11·i + τ) over i ∈ [max(0, −τ), min(n, m − τ))
    int n = 4, m = 6;
    double[] c = new double[n * m];
    for (int i = 0; i < n; i++) for (int j = 0; j < m; j++) c[i * m + j] = 10 * i + j;
    ShiftLandscape l = ShiftLandscape.of(new Float64Matrix(n, m, c), 3);
    for (int k = 0; k < l.tau().length; k++) {
      int tau = l.tau()[k], i0 = Math.max(0, -tau), i1 = Math.min(n, m - tau);
      double sum = 0;
      for (int i = i0; i < i1; i++) sum -= 11 * i + tau;
      assertEquals(i1 - i0, l.count()[k], "count at τ=" + tau);
      assertEquals(sum, l.sum()[k], "sum at τ=" + tau);
      assertEquals(sum / (i1 - i0), l.mean()[k], "mean at τ=" + tau);
    }
    assertEquals(-3, l.tau()[0]);
    assertEquals(3, l.tau()[6]);
    // mean(τ) = −(11·mean(i) + τ): τ = 3 keeps i ∈ [0, 3) → −14; τ = 0 → −16.5; τ = −3 keeps i = 3 → −30
    assertEquals(3, l.tauStar());
  }

  @Test void posteriorIsASoftmaxOfTheMeans() {
    double[] c = new double[64];
    for (int i = 0; i < 8; i++) for (int j = 0; j < 8; j++) c[i * 8 + j] = Math.abs(j - i - 1);   // best at τ = 1
    ShiftLandscape l = ShiftLandscape.of(new Float64Matrix(8, 8, c), 2);
    assertEquals(1, l.tauStar());
    for (double t : new double[] {0.01, 0.3, 1, 100}) {
      ShiftPosterior p = l.posterior(t);
      double sum = 0, z = 0;
      for (double v : l.mean()) z += Math.exp(v / t);
      for (int k = 0; k < p.probability().length; k++) {
        sum += p.probability()[k];
        assertEquals(Math.exp(l.mean()[k] / t) / z, p.probability()[k], 1e-12, "T=" + t);
      }
      assertEquals(1.0, sum, 1e-12);
      assertEquals(1, p.tauMap());
      assertTrue(p.margin() >= 0 && p.margin() <= 1 && p.entropy() >= 0 && p.entropy() <= Math.log(5) + 1e-12, p.toString());
    }
    assertEquals(1.0, l.posterior(1e-3).margin(), 1e-9, "cold: certain");
    assertEquals(Math.log(5), l.posterior(1e6).entropy(), 1e-6, "hot: flat");
    assertEquals(1.0, ShiftLandscape.of(new Float64Matrix(2, 2, new double[4]), 0).posterior(1).margin(), "one shift");
  }

  @Test void scorerLandscapesUseTheScoresOfThePairs() {
    try (BufferAllocator a = new RootAllocator()) {
      LaggedSeries.Pair p = LaggedSeries.generate(200, 2, -9, 50, 0.9, 0.1, 1);
      ProviderConfig cfg = new ProviderConfig(Settings.of("test", Map.of()), 0, a, Optional.empty(), REGISTRY.kernels(),
          REGISTRY);
      try (FixedSizeListVector x = DenseMatrices.of(a, "x", 200, 2, p.x());
           FixedSizeListVector y = DenseMatrices.of(a, "y", 200, 2, p.y());
           Aligner al = Aligner.builder().cost(CostSpec.scorer("dot")).providers(cfg).build()) {
        ShiftLandscape l = al.landscape(x, y);
        for (int k = 0; k < l.tau().length; k++) {
          int tau = l.tau()[k];
          double sum = 0;
          for (int i = Math.max(0, -tau); i < Math.min(200, 200 - tau); i++) {
            sum += (double) p.x()[2 * i] * p.y()[2 * (i + tau)] + (double) p.x()[2 * i + 1] * p.y()[2 * (i + tau) + 1];
          }
          assertEquals(sum, l.sum()[k], 1e-4 * Math.max(1, Math.abs(sum)), "τ=" + tau);
        }
        assertEquals(-9, l.tauStar(), "cross-correlation peak");
      }
    }
  }
}
