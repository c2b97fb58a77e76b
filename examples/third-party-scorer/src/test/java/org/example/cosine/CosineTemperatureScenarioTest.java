package org.example.cosine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.attention4j.api.registry.Registry;
import org.attention4j.api.registry.ScenarioRunner;
import org.attention4j.api.spi.Verdict;
import org.attention4j.testkit.WithRootAllocator;
import org.junit.jupiter.api.Test;

/** The plugin's scenario stays within its bound and approaches it at small τ. */
@WithRootAllocator
class CosineTemperatureScenarioTest {
  @Test void quickRunSupportsTheBound(BufferAllocator allocator) {
    Registry registry = Registry.load(List.of());        // the plugin's own module provides cosine and the scenario
    ScenarioRunner.Outcome o = ScenarioRunner.run(new CosineTemperatureScenario(), registry, Map.of(), Map.of(), false, 1,
        allocator, (f, m) -> {}, () -> false);
    assertEquals(Verdict.SUPPORTS, o.result().verdict(), o.result().summary());
    assertEquals(0.0, o.result().metrics().get("bound_violations"));
    double ratio = o.result().metrics().get("max_measured_over_bound");
    assertTrue(ratio <= 1 + 1e-5 && ratio > 0.2, "measured/bound = " + ratio);
  }
}
