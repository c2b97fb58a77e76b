package org.attention4j.theory.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.attention4j.api.registry.Registry;
import org.attention4j.api.registry.ScenarioRunner;
import org.attention4j.api.spi.ScenarioProvider;
import org.attention4j.testkit.WithRootAllocator;
import org.junit.jupiter.api.Test;

/**
 * The quick run of efficiency. Asserts the FLOP counts (exact formulas) and the direction of the FLOP
 * model, never a timing: the measured times are reported, not tested.
 */
@WithRootAllocator
class EfficiencyScenarioTest {
  private final Registry registry = Registry.load(List.of());

  @Test void flopCountsFollowTheStatedConvention() {
    // dot: QKᵀ 2·nq·nk·d + AV 2·nq·nk·d
    assertEquals(4L * 3 * 5 * 7, EfficiencyScenario.dotFlops(3, 5, 7));
    assertEquals(4L * 256 * 256 * 32, EfficiencyScenario.flops("dot", 256, 32, 32));
    assertEquals(4L * 256 * 256 * 32, EfficiencyScenario.flops("scaled-dot", 256, 32, 99));
    // additive: projections 2·(nq + nk)·d·h + nq·nk·h·(tanh + add + multiply–add = 4) + AV 2·nq·nk·d
    assertEquals(2L * (3 + 5) * 7 * 11 + 3L * 5 * 11 * 4 + 2L * 3 * 5 * 7, EfficiencyScenario.additiveFlops(3, 5, 7, 11));
    assertEquals(1232 + 660 + 210, EfficiencyScenario.additiveFlops(3, 5, 7, 11));
    // h = d, nq = nk = n: ratio additive / dot = 1.5 + d / n
    assertEquals(1.5 + 32 / 256.0, EfficiencyScenario.flops("additive", 256, 32, 32)
        / (double) EfficiencyScenario.flops("dot", 256, 32, 32), 1e-12);
  }

  @Test void quickRunReportsFlopsAndTimes(BufferAllocator allocator) {
    ScenarioProvider s = registry.require(ScenarioProvider.class, "efficiency");
    assertEquals("C", s.claim());
    ScenarioRunner.Outcome o = ScenarioRunner.run(s, registry, Map.of(), Map.of(), false, 0, allocator, (f, m) -> {},
        () -> false);
    Map<String, Double> m = o.result().metrics();
    System.out.println("efficiency quick: " + o.elapsedMs() + " ms, " + o.result().verdict() + ", " + m);
    assertEquals(EfficiencyScenario.additiveFlops(256, 256, 32, 32), m.get("flops_additive_max_n"), 0.5);
    assertEquals(EfficiencyScenario.dotFlops(256, 256, 32), m.get("flops_dot_max_n"), 0.5);
    assertEquals(EfficiencyScenario.dotFlops(256, 256, 32), m.get("flops_scaled_dot_max_n"), 0.5);
    assertTrue(m.get("flop_ratio_additive_dot_max_n") > 1, m.toString());      // the claim's direction, by count
    assertTrue(m.get("time_ms_additive_max_n") > 0 && m.get("time_ms_dot_max_n") > 0, m.toString());
    assertNotNull(o.result().verdict());
    assertEquals(3, o.result().figures().size());
  }

  @Test void scaledModelPassesThroughTheGeometricMean() {
    double[] out = EfficiencyScenario.scaledModel(new double[] {1, 4}, new double[] {2, 2});
    assertEquals(1, out[0], 1e-12);        // c = exp(mean(ln 2, ln 0.5)) = 1
    assertEquals(4, out[1], 1e-12);
  }
}
