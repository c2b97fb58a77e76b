package org.attention4j.theory.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.attention4j.api.registry.Registry;
import org.attention4j.api.registry.ScenarioRunner;
import org.attention4j.api.spi.ScenarioProvider;
import org.attention4j.api.spi.Verdict;
import org.attention4j.testkit.WithRootAllocator;
import org.junit.jupiter.api.Test;

/** The quick run of kernel-smoothing: attention equals Nadaraya–Watson with h² = √d, sharper for longer q. */
@WithRootAllocator
class KernelSmoothingScenarioTest {
  private final Registry registry = Registry.load(List.of());

  @Test void quickRunSupportsTheClaim(BufferAllocator allocator) {
    ScenarioProvider s = registry.require(ScenarioProvider.class, "kernel-smoothing");
    assertEquals("3.2", s.claim());
    ScenarioRunner.Outcome o = ScenarioRunner.run(s, registry, Map.of(), Map.of(), false, 0, allocator, (f, m) -> {},
        () -> false);
    Map<String, Double> m = o.result().metrics();
    System.out.println("kernel-smoothing quick: " + o.elapsedMs() + " ms, " + o.result().verdict() + ", " + m);
    assertTrue(m.get("max_abs_diff_1d") <= 1e-6, m.toString());
    assertTrue(m.get("max_abs_diff_1d_sphere_kernel") <= 1e-6, m.toString());
    assertTrue(m.get("max_abs_diff_dd") <= 1e-6, m.toString());
    assertTrue(m.get("angular_spread_at_max_norm") < m.get("angular_spread_at_min_norm"), "larger ‖q‖ sharpens: " + m);
    assertEquals(-0.5, m.get("angular_spread_loglog_slope"), 0.15, m.toString());
    assertEquals(Verdict.SUPPORTS, o.result().verdict(), o.result().summary());
  }

  /** A wrong bandwidth (h² = d instead of √d) is visibly different: the equality is not vacuous. */
  @Test void wrongBandwidthDiffers() {
    float[] q = {1f, 0f}, k = {1f, 0f, 0f, 1f, -1f, 0f};
    double[] y = {1, 0, -1};
    double right = KernelSmoothingScenario.nadarayaWatson(q, 1, k, 3, 2, y, Math.sqrt(Math.sqrt(2)))[0];
    double wrong = KernelSmoothingScenario.nadarayaWatson(q, 1, k, 3, 2, y, Math.sqrt(2))[0];
    double e0 = Math.exp(1 / Math.sqrt(2)), e1 = 1, e2 = Math.exp(-1 / Math.sqrt(2));
    assertEquals((e0 - e2) / (e0 + e1 + e2), right, 1e-12);
    assertTrue(Math.abs(right - wrong) > 0.05);
  }
}
