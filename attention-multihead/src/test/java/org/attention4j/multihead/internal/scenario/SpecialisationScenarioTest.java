package org.attention4j.multihead.internal.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
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

/** The seeded quick run of multihead-specialisation (claim 3.4) within the quick-set budget. */
@WithRootAllocator
class SpecialisationScenarioTest {
  private final Registry registry = Registry.load(List.of());

  private ScenarioRunner.Outcome run(BufferAllocator a, Map<String, String> params, long seed, List<Double> progress) {
    ScenarioProvider s = registry.require(ScenarioProvider.class, "multihead-specialisation");
    return ScenarioRunner.run(s, registry, params, Map.of(), false, seed, a, (f, m) -> progress.add(f), () -> false);
  }

  @Test void quickRunPutsTheTwoRelationsInDifferentHeads(BufferAllocator allocator) {
    ScenarioProvider s = registry.require(ScenarioProvider.class, "multihead-specialisation");
    assertEquals("3.4", s.claim());
    List<Double> progress = new ArrayList<>();
    ScenarioRunner.Outcome o = run(allocator, Map.of(), 0, progress);
    Map<String, Double> m = o.result().metrics();
    String why = o.result().summary() + " " + m;
    assertEquals(Verdict.SUPPORTS, o.result().verdict(), why);
    assertEquals("layers_specialised", o.result().keyMetric());
    assertEquals(2.0, m.get("layers_specialised"), why);
    for (String layer : List.of("additive", "scaled_dot")) {
      assertTrue(m.get(layer + "_accuracy") > 0.9, layer + " solves the task: " + why);
      double prev = Math.max(m.get(layer + "_head0_mass_previous"), m.get(layer + "_head1_mass_previous"));
      double match = Math.max(m.get(layer + "_head0_mass_match"), m.get(layer + "_head1_mass_match"));
      assertTrue(prev > 0.8 && match > 0.8, layer + ": one head per relation: " + why);
      boolean head0Previous = m.get(layer + "_head0_mass_previous") > 0.5;
      assertTrue(head0Previous == m.get(layer + "_head1_mass_match") > 0.5, layer + ": different heads: " + why);
      for (int k = 0; k < 2; k++) {
        assertTrue(m.get(layer + "_head" + k + "_entropy") < 0.5 * m.get("max_entropy"), layer + " head " + k + " is sharp: " + why);
      }
    }
    for (int k = 0; k < 2; k++) {   // the additive heads set their own temperature: the readout grew from its initial norm
      assertTrue(m.get("additive_head" + k + "_v_norm") > 2 * m.get("additive_head" + k + "_v_norm_init"), why);
    }
    assertEquals(1 / Math.sqrt(8), m.get("scaled_dot_scale"), 1e-12, "E/H = 16/2");
    assertEquals(List.of("attention-additive-head0", "attention-additive-head1", "attention-scaled-dot-head0",
        "attention-scaled-dot-head1", "relation-mass", "head-temperatures"),
        o.result().figures().stream().map(Figure::id).toList());
    assertEquals("150", o.parameters().getString("steps"), "the quick set applies");
    assertEquals(1.0, progress.get(progress.size() - 1), 1e-12);
    assertTrue(o.elapsedMs() < 15_000, "the quick set stays within 15 s: " + o.elapsedMs() + " ms");
  }

  @Test void refusesOneHead(BufferAllocator allocator) {
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> run(allocator, Map.of("heads", "1"), 0, new ArrayList<>()));
    assertEquals("heads: expected at least 2 (two relations), got 1", e.getMessage());
  }
}
