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

/** The quick run of exponential-family: bilinear boundaries are straight, additive ones are not. */
@WithRootAllocator
class ExponentialFamilyScenarioTest {
  private final Registry registry = Registry.load(List.of());

  @Test void quickRunSupportsTheClaim(BufferAllocator allocator) {
    ScenarioProvider s = registry.require(ScenarioProvider.class, "exponential-family");
    assertEquals("3.3", s.claim());
    ScenarioRunner.Outcome o = ScenarioRunner.run(s, registry, Map.of(), Map.of(), false, 0, allocator, (f, m) -> {},
        () -> false);
    Map<String, Double> m = o.result().metrics();
    System.out.println("exponential-family quick: " + o.elapsedMs() + " ms, " + o.result().verdict() + ", " + m);
    assertEquals(0.0, m.get("argmax_disagreements"), m.toString());
    assertTrue(m.get("bilinear_boundary_points") > 10, m.toString());
    assertTrue(m.get("bilinear_boundary_max_deviation") < 3e-3, m.toString());
    assertTrue(m.get("additive_boundary_max_deviation") > 10 * m.get("bilinear_boundary_max_deviation"), m.toString());
    assertEquals(Verdict.SUPPORTS, o.result().verdict(), o.result().summary());
  }

  @Test void tlsDistanceIsZeroOnALineAndPositiveOffIt() {
    assertEquals(0, ExponentialFamilyScenario.tlsMaxDistance(List.of(new double[] {0, 1}, new double[] {1, 3},
        new double[] {2, 5})), 1e-12);
    assertTrue(ExponentialFamilyScenario.tlsMaxDistance(List.of(new double[] {0, 0}, new double[] {1, 1},
        new double[] {2, 0})) > 0.2);
  }
}
