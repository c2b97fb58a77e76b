package org.attention4j.timeseries.internal.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.attention4j.api.figure.Figure;
import org.attention4j.api.registry.Registry;
import org.attention4j.api.registry.ScenarioRunner;
import org.attention4j.api.spi.ScenarioProvider;
import org.attention4j.api.spi.Verdict;
import org.attention4j.testkit.WithRootAllocator;
import org.junit.jupiter.api.Test;

/** The quick run of timeseries-sensitivity supports claim 2.1's sensitivity part. */
@WithRootAllocator
class SensitivityScenarioTest {
  private final Registry registry = Registry.load(List.of());

  @Test void quickRunSupportsTheClaim(BufferAllocator allocator) {
    ScenarioProvider s = registry.require(ScenarioProvider.class, "timeseries-sensitivity");
    assertEquals("2.1", s.claim());
    ScenarioRunner.Outcome o = ScenarioRunner.run(s, registry, Map.of(), Map.of(), false, 0, allocator, (f, m) -> {},
        () -> false);
    Map<String, Double> m = o.result().metrics();
    System.out.println(o.result().summary());
    System.out.println("elapsed " + o.elapsedMs() + " ms");
    assertEquals(Verdict.SUPPORTS, o.result().verdict(), o.result().summary());
    assertTrue(m.get("max_rel_error_closed_form_vs_fd") <= 1e-6, m.toString());
    assertTrue(m.get("max_rel_error_closed_form_vs_backward") <= 1e-3, m.toString());
    assertTrue(m.get("bilinear_slope_spread") <= 1e-3, m.toString());
    assertTrue(m.get("additive_saturated_to_linear_ratio") < 0.5, m.toString());
    assertTrue(m.get("additive_saturated_fraction_saturated") > m.get("additive_saturated_fraction_linear"), m.toString());
    assertTrue(o.elapsedMs() < 15_000, "the quick set stays within 15 s: " + o.elapsedMs() + " ms");
    assertEquals(List.of("score-slope-over-epsilon", "weight-slope-over-epsilon", "score-slope-over-operating-point",
        "weight-slope-over-operating-point", "additive-operating-point"), o.result().figures().stream().map(Figure::id).toList());
  }
}
