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

/** The quick run of expressiveness: additive fits the non-bilinear targets better than bilinear. */
@WithRootAllocator
class ExpressivenessScenarioTest {
  private final Registry registry = Registry.load(List.of());

  @Test void quickRunSupportsTheClaim(BufferAllocator allocator) {
    ScenarioProvider s = registry.require(ScenarioProvider.class, "expressiveness");
    assertEquals("1.2", s.claim());
    ScenarioRunner.Outcome o = ScenarioRunner.run(s, registry, Map.of(), Map.of(), false, 0, allocator, (f, m) -> {},
        () -> false);
    Map<String, Double> m = o.result().metrics();
    System.out.println("expressiveness quick: " + o.elapsedMs() + " ms, " + o.result().verdict() + ", " + m);
    assertTrue(m.get("absdiff_accuracy_gap") > 0.1, "additive beats bilinear on |q1 - k1|: " + m);
    assertTrue(m.get("bump_accuracy_gap") > 0.05, "additive beats bilinear on the radial bump: " + m);
    assertTrue(m.get("xor_bilinear_test_accuracy") > 0.9, "xor of signs is bilinear (sign of -q1 k1): " + m);
    assertEquals(Verdict.SUPPORTS, o.result().verdict(), o.result().summary());
    assertEquals(1 + 3 * 3, o.result().figures().size());
  }

  @Test void labelsFollowTheirDefinitions() {
    float[] q = {0.5f, 0f, -0.5f, 0f}, k = {0.4f, 0f, 0.5f, 0f};
    assertEquals(1f, ExpressivenessScenario.labels("xor", q, k, 2, 0)[1]);
    assertEquals(0f, ExpressivenessScenario.labels("xor", q, k, 2, 0)[0]);
    assertEquals(1f, ExpressivenessScenario.labels("absdiff", q, k, 2, 0.5)[0]);
    assertEquals(0f, ExpressivenessScenario.labels("bump", q, k, 2, 0.5)[1]);
  }
}
