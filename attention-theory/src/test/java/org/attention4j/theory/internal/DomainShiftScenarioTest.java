package org.attention4j.theory.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.attention4j.api.registry.Registry;
import org.attention4j.api.registry.ScenarioRunner;
import org.attention4j.api.spi.ScenarioProvider;
import org.attention4j.api.spi.Verdict;
import org.attention4j.testkit.WithRootAllocator;
import org.junit.jupiter.api.Test;

/**
 * The quick run of domain-shift: exact compensation restores the scores, gradients grow as a, the
 * least-norm update for a fixed error shrinks as 1/a, the one for the shift's own error does not.
 */
@WithRootAllocator
class DomainShiftScenarioTest {
  private final Registry registry = Registry.load(List.of());

  @Test void quickRunSupportsTheClaim(BufferAllocator allocator) {
    ScenarioProvider s = registry.require(ScenarioProvider.class, "domain-shift");
    assertEquals("1.3", s.claim());
    ScenarioRunner.Outcome o = ScenarioRunner.run(s, registry, Map.of(), Map.of(), false, 0, allocator, (f, m) -> {},
        () -> false);
    Map<String, Double> m = o.result().metrics();
    System.out.println("domain-shift quick: " + o.elapsedMs() + " ms, " + o.result().verdict() + ", " + m);
    for (String n : DomainShiftScenario.MODELS) {
      assertTrue(m.get("exact_compensation_max_rel_err_" + n) < 1e-4, m.toString());
      assertEquals(1, m.get("gradient_norm_slope_" + n), 0.1, m.toString());
      assertEquals(-1, m.get("min_update_slope_" + n), 0.1, m.toString());
      assertEquals(1, m.get("shift_error_slope_" + n), 0.1, m.toString());
      assertEquals(0, m.get("shift_update_slope_" + n), 0.1, m.toString());
      assertTrue(m.get("least_norm_residual_" + n) < 1e-6, m.toString());
    }
    assertTrue(m.get("condition_S") <= 4 + 1e-9, m.toString());
    assertEquals(Verdict.SUPPORTS, o.result().verdict(), o.result().summary());
  }

  @Test void leastNormSolvesTheSystemWithTheSmallestNorm() {
    double[][] j = {{1, 0, 0}, {0, 1, 1}};
    assertArrayEquals(new double[] {2, 1.5, 1.5}, DomainShiftScenario.leastNorm(j, new double[] {2, 3}), 1e-12);
  }

  @Test void orthogonalIsOrthogonal() {
    int d = 5;
    double[] r = DomainShiftScenario.orthogonal(new Random(3), d);
    for (int i = 0; i < d; i++) {
      for (int k = 0; k < d; k++) {
        double dot = 0;
        for (int c = 0; c < d; c++) dot += r[i * d + c] * r[k * d + c];
        assertEquals(i == k ? 1 : 0, dot, 1e-12);
      }
    }
  }
}
