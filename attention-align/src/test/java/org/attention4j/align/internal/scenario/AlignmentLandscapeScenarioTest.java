package org.attention4j.align.internal.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import org.apache.arrow.memory.BufferAllocator;
import org.attention4j.api.figure.Figure;
import org.attention4j.api.figure.Layer;
import org.attention4j.api.registry.Registry;
import org.attention4j.api.registry.ScenarioRunner;
import org.attention4j.api.spi.ScenarioProvider;
import org.attention4j.api.spi.Verdict;
import org.attention4j.testkit.WithRootAllocator;
import org.junit.jupiter.api.Test;

/** The quick run of alignment-landscape supports claim 2.4 within the quick-set budget. */
@WithRootAllocator
class AlignmentLandscapeScenarioTest {
  private final Registry registry = Registry.load(List.of());

  private ScenarioRunner.Outcome run(BufferAllocator a, Map<String, String> params, List<Double> progress) {
    ScenarioProvider s = registry.require(ScenarioProvider.class, "alignment-landscape");
    return ScenarioRunner.run(s, registry, params, Map.of(), false, 0, a, (f, m) -> progress.add(f), () -> false);
  }

  @Test void quickRunSupportsTheClaim(BufferAllocator allocator) {
    ScenarioProvider s = registry.require(ScenarioProvider.class, "alignment-landscape");
    assertEquals("2.4", s.claim());
    List<Double> progress = new ArrayList<>();
    ScenarioRunner.Outcome o = run(allocator, Map.of(), progress);
    Map<String, Double> m = o.result().metrics();
    assertEquals(Verdict.SUPPORTS, o.result().verdict(), o.result().summary());
    assertEquals("success_rate", o.result().keyMetric());
    assertEquals(1.0, m.get("success_rate"), m.toString());
    assertEquals(33.0, m.get("trials"), "11 lags from -20 to 20 by 4, 3 series each");
    assertEquals(20.0, m.get("max_abs_lag_tested"));
    assertEquals(7.0, m.get("recovered_lag"));
    assertEquals(0.0, m.get("lag_error"));
    assertEquals(m.get("dtw_distance_sqrt") * m.get("dtw_distance_sqrt"), m.get("dtw_distance"), 1e-9 * m.get("dtw_distance"));
    assertTrue(Math.abs(m.get("dtw_mean_offset") - 7) < 2, "the DTW path follows the lag: " + m);
    assertTrue(m.get("soft_dtw_value") <= m.get("dtw_distance"), m.toString());
    assertTrue(m.get("posterior_margin") > 0.5, m.toString());
    assertEquals(7.0, m.get("posterior_tau_map"));
    assertTrue(o.elapsedMs() < 15_000, "the quick set stays within 15 s: " + o.elapsedMs() + " ms");
    assertEquals("80", o.parameters().getString("n"), "the quick set applies");
    assertEquals(1.0, progress.get(progress.size() - 1), 1e-12);

    List<Figure> figs = o.result().figures();
    assertEquals(List.of("dtw-path-on-cost", "energy-landscape", "soft-dtw-expected-alignment", "lag-recovery"),
        figs.stream().map(Figure::id).toList());
    Figure path = figs.get(0);
    assertInstanceOf(Layer.Heatmap.class, path.layers().get(0));
    assertInstanceOf(Layer.Path.class, path.layers().get(1), "the DTW path is drawn over the cost heatmap");
    Layer.Heatmap heat = (Layer.Heatmap) path.layers().get(0);
    assertEquals(80, heat.rows());
    assertEquals(80, heat.cols());
    assertInstanceOf(Layer.Heatmap.class, figs.get(2).layers().get(0));
  }

  @Test void scorerScoresAlignToo(BufferAllocator allocator) {
    ScenarioRunner.Outcome o = run(allocator, Map.of("cost", "scorer:scaled-dot", "n", "128", "lag", "-9", "phi", "0.9",
        "noise", "0.1", "seeds", "2", "lag-step", "8"), new ArrayList<>());
    Map<String, Double> m = o.result().metrics();
    assertEquals(-9.0, m.get("recovered_lag"), o.result().summary());
    assertTrue(m.get("success_rate") >= 0.8, o.result().summary());
  }

  @Test void badParametersAreRefused(BufferAllocator allocator) {
    IllegalArgumentException lag = assertThrows(IllegalArgumentException.class,
        () -> run(allocator, Map.of("lag", "21"), new ArrayList<>()));
    assertEquals("lag: expected |lag| <= n/4 = 20, got 21", lag.getMessage());
    IllegalArgumentException cost = assertThrows(IllegalArgumentException.class,
        () -> run(allocator, Map.of("cost", "cosine-ish"), new ArrayList<>()));
    assertEquals("cost: expected sqeuclidean, abs or scorer:ID, got 'cosine-ish'", cost.getMessage());
  }

  @Test void cancellationStopsTheRun(BufferAllocator allocator) {
    ScenarioProvider s = registry.require(ScenarioProvider.class, "alignment-landscape");
    assertThrows(CancellationException.class,
        () -> ScenarioRunner.run(s, registry, Map.of(), Map.of(), false, 0, allocator, (f, m) -> {}, () -> true));
  }
}
