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

/** The quick run of bio-dendrite supports claim 4.1, with the dot scorer found through the registry. */
@WithRootAllocator
class DendriteGainScenarioTest {
  private final Registry registry = Registry.load(List.of());

  @Test void quickRunSupportsTheClaim(BufferAllocator allocator) {
    ScenarioProvider s = registry.require(ScenarioProvider.class, "bio-dendrite");
    assertEquals("4.1", s.claim());
    List<Double> progress = new ArrayList<>();
    ScenarioRunner.Outcome o = ScenarioRunner.run(s, registry, Map.of(), Map.of(), false, 0, allocator,
        (f, m) -> progress.add(f), () -> false);
    Map<String, Double> m = o.result().metrics();
    System.out.println("bio-dendrite quick run: " + o.elapsedMs() + " ms; " + m);
    System.out.println(o.result().summary());
    assertEquals(Verdict.SUPPORTS, o.result().verdict(), o.result().summary());
    assertEquals(0.0, m.get("distal_only_max_rate_hz"), "distal input alone: no somatic spike");
    assertEquals(0.0, m.get("distal_only_calcium_spikes"));
    assertTrue(m.get("distal_only_max_soma_depolarization_mv") < 7.5, m.toString());
    assertEquals(0.0, m.get("trace_proximal_only_bursts_per_s"), "proximal input alone: no burst");
    assertTrue(m.get("coincident_bursts_per_s") >= 5 && m.get("coincident_burst_fraction") > 0.5, m.toString());
    assertTrue(m.get("coincident_rate_hz") > 3 * m.get("trace_proximal_only_rate_hz"), m.toString());
    assertTrue(m.get("gain_ratio") > 1.5, m.toString());
    assertEquals(0.0, m.get("gain_monotone_violations"), "gain rises with every step of distal drive");
    assertTrue(m.get("multiplicative_r2") > m.get("additive_r2"), m.toString());
    assertTrue(m.get("aic_additive_minus_multiplicative") > 10, m.toString());
    assertTrue(m.get("bilinear_score_max_abs_diff") <= m.get("bilinear_score_tolerance"), m.toString());
    assertTrue(m.get("passive_relaxation_max_abs_err_mv") < 1e-6, m.toString());
    assertEquals(12, o.result().figures().size());
    assertEquals(1.0, progress.get(progress.size() - 1), 1e-12);
    assertEquals("9", o.parameters().getString("proximal-levels"), "the quick set applies");
  }

  @Test void cancellationStopsTheRun(BufferAllocator allocator) {
    ScenarioProvider s = registry.require(ScenarioProvider.class, "bio-dendrite");
    assertThrows(CancellationException.class,
        () -> ScenarioRunner.run(s, registry, Map.of(), Map.of(), false, 0, allocator, (f, m) -> {}, () -> true));
  }
}
