package org.attention4j.theory.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.attention4j.api.registry.Registry;
import org.attention4j.api.registry.ScenarioRunner;
import org.attention4j.api.spi.ScenarioProvider;
import org.attention4j.api.spi.Verdict;
import org.attention4j.testkit.WithRootAllocator;
import org.junit.jupiter.api.Test;

/** The quick run of gibbs-temperature supports claim 3.1, with the scorers found through the registry. */
@WithRootAllocator
class GibbsTemperatureScenarioTest {
  private final Registry registry = Registry.load(List.of());

  @Test void quickRunSupportsTheClaim(BufferAllocator allocator) {
    ScenarioProvider s = registry.require(ScenarioProvider.class, "gibbs-temperature");
    assertEquals("3.1", s.claim());
    List<Double> progress = new ArrayList<>();
    ScenarioRunner.Outcome o = ScenarioRunner.run(s, registry, Map.of(), Map.of(), false, 0, allocator,
        (f, m) -> progress.add(f), () -> false);
    Map<String, Double> m = o.result().metrics();
    assertEquals(Verdict.SUPPORTS, o.result().verdict(), o.result().summary());
    assertTrue(m.get("shift_max_abs_diff") <= m.get("shift_tolerance"), m.toString());
    assertTrue(m.get("scale_vs_temperature_max_abs_diff") <= m.get("scale_vs_temperature_tolerance"), m.toString());
    assertTrue(m.get("entropy_closed_form_max_abs_err") < 1e-4, m.toString());
    assertTrue(m.get("max_weight_closed_form_max_abs_err") < 1e-5, m.toString());
    assertEquals(0.0, m.get("entropy_monotone_violations"));
    assertTrue(m.get("entropy_at_alpha_min_over_ln_n") > 0.95, "near-uniform at small α: " + m);
    assertTrue(m.get("max_weight_at_alpha_max") > 0.99, "near one-hot at large α: " + m);
    assertEquals(3, o.result().figures().size());
    assertEquals(1.0, progress.get(progress.size() - 1), 1e-12);
    assertEquals("16", o.parameters().getString("n"), "the quick set applies");
  }

  @Test void closedFormMatchesDirectSumsInFloat64() {
    for (double alpha : new double[] {0.02, 0.3, 1, 7, 50}) {
      int n = 16;
      double z = 0, h = 0;
      for (int i = 0; i < n; i++) z += Math.exp(-alpha * i);
      for (int i = 0; i < n; i++) {
        double p = Math.exp(-alpha * i) / z;
        if (p > 0) h -= p * Math.log(p);
      }
      double[] closed = GibbsTemperatureScenario.closedForm(alpha, 1.0, n);
      assertEquals(h, closed[0], 1e-9, "entropy at α=" + alpha);
      assertEquals(1 / z, closed[1], 1e-12, "max weight at α=" + alpha);
    }
  }

  @Test void unknownParameterIsRefusedWithTheDeclaredNames(BufferAllocator allocator) {
    ScenarioProvider s = registry.require(ScenarioProvider.class, "gibbs-temperature");
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> ScenarioRunner.run(s, registry, Map.of("nn", "3"), Map.of(), false, 0, allocator, (f, m) -> {}, () -> false));
    assertTrue(e.getMessage().contains("'nn'") && e.getMessage().contains("alphas"), e.getMessage());
  }

  @Test void cancellationStopsTheRun(BufferAllocator allocator) {
    ScenarioProvider s = registry.require(ScenarioProvider.class, "gibbs-temperature");
    org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.CancellationException.class,
        () -> ScenarioRunner.run(s, registry, Map.of(), Map.of(), false, 0, allocator, (f, m) -> {}, () -> true));
  }
}
