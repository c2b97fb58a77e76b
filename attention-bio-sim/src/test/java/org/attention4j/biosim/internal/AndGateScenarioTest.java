package org.attention4j.biosim.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import org.apache.arrow.memory.BufferAllocator;
import org.attention4j.api.registry.Registry;
import org.attention4j.api.registry.ScenarioRunner;
import org.attention4j.api.spi.ScenarioProvider;
import org.attention4j.api.spi.Verdict;
import org.attention4j.testkit.WithRootAllocator;
import org.junit.jupiter.api.Test;

/** The quick run of bio-and-gate supports claim 4.2, with the dot scorer found through the registry. */
@WithRootAllocator
class AndGateScenarioTest {
  private final Registry registry = Registry.load(List.of());

  @Test void quickRunSupportsTheClaim(BufferAllocator allocator) {
    ScenarioProvider s = registry.require(ScenarioProvider.class, "bio-and-gate");
    assertEquals("4.2", s.claim());
    List<Double> progress = new ArrayList<>();
    ScenarioRunner.Outcome o = ScenarioRunner.run(s, registry, Map.of(), Map.of(), false, 0, allocator,
        (f, m) -> progress.add(f), () -> false);
    Map<String, Double> m = o.result().metrics();
    System.out.println("bio-and-gate quick run: " + o.elapsedMs() + " ms; " + m);
    System.out.println(o.result().summary());
    assertEquals(Verdict.SUPPORTS, o.result().verdict(), o.result().summary());
    assertEquals(1.0, m.get("truth_table_is_and"));
    assertTrue(m.get("expression_high_high") > 0.99 && m.get("expression_low_low") < 0.02, m.toString());
    assertTrue(m.get("on_off_contrast") > 5, m.toString());
    assertEquals(0.0, m.get("monotone_violations"));
    assertTrue(m.get("multiplicative_r2") > m.get("additive_r2"), m.toString());
    assertTrue(m.get("aic_additive_minus_multiplicative") > 100, m.toString());
    assertEquals(1.0, m.get("bilinear_gate_truth_table_is_and"));
    assertEquals(1.0, m.get("multiplicative_fit_truth_table_is_and"));
    assertTrue(m.get("bilinear_score_max_abs_diff") <= m.get("bilinear_score_tolerance"), m.toString());
    assertTrue(m.get("critical_leak") > 0.1 && m.get("critical_leak") < 1, m.toString());
    assertEquals(1.0, progress.get(progress.size() - 1), 1e-12);
    assertEquals("21", o.parameters().getString("levels"), "the quick set applies");
  }

  @Test void cancellationStopsTheRun(BufferAllocator allocator) {
    ScenarioProvider s = registry.require(ScenarioProvider.class, "bio-and-gate");
    assertThrows(CancellationException.class,
        () -> ScenarioRunner.run(s, registry, Map.of(), Map.of(), false, 0, allocator, (f, m) -> {}, () -> true));
  }

  @Test void aScorerThatIsNotADotProductIsRefused(BufferAllocator allocator) {
    ScenarioProvider s = registry.require(ScenarioProvider.class, "bio-and-gate");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScenarioRunner.run(s, registry,
        Map.of("scorer", "no-such"), Map.of(), false, 0, allocator, (f, m) -> {}, () -> false));
    assertTrue(e.getMessage().contains("no-such"), e.getMessage());
  }
}
