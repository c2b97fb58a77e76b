package org.attention4j.timeseries.internal.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.figure.Figure;
import org.attention4j.api.io.MatrixFiles;
import org.attention4j.api.registry.Registry;
import org.attention4j.api.registry.ScenarioRunner;
import org.attention4j.api.spi.ScenarioProvider;
import org.attention4j.api.spi.Verdict;
import org.attention4j.timeseries.InjectedSeries;
import org.attention4j.testkit.WithRootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quick run of timeseries-anomaly on the built-in benchmark, and on a user's file. */
@WithRootAllocator
class AnomalyScenarioTest {
  private final Registry registry = Registry.load(List.of());

  private ScenarioRunner.Outcome run(BufferAllocator a, Map<String, String> params) {
    ScenarioProvider s = registry.require(ScenarioProvider.class, "timeseries-anomaly");
    return ScenarioRunner.run(s, registry, params, Map.of(), false, 0, a, (f, m) -> {}, () -> false);
  }

  @Test void quickRunScoresAttentionAgainstTheBaseline(BufferAllocator allocator) {
    ScenarioRunner.Outcome o = run(allocator, Map.of());
    Map<String, Double> m = o.result().metrics();
    assertEquals("attention_f1", o.result().keyMetric());
    // the bar, on the seeded built-in benchmark (quick set, seed 0): F1 >= 0.9 for both scorer
    // families, above the rolling z-score baseline under the same rule and under its own |z| > 3 rule
    for (String scorer : List.of("bilinear", "additive")) {
      assertTrue(m.get(scorer + "_f1") >= 0.9, scorer + ": " + o.result().summary());
      assertTrue(m.get(scorer + "_f1") > m.get("baseline_f1"), o.result().summary());
      assertTrue(m.get(scorer + "_f1") > m.get("baseline_abs_z3_f1"), o.result().summary());
      assertTrue(m.get(scorer + "_best_f1") > m.get("baseline_best_f1"), o.result().summary());
      assertEquals(24.0, m.get(scorer + "_estimated_period"), o.result().summary());
    }
    assertEquals(1.0, m.get("period_recovered_rate"));
    assertEquals(Verdict.SUPPORTS, o.result().verdict(), o.result().summary());
    assertEquals(21.0, m.get("anomalies"), "3 series of 3 spikes, 2 shifts, 2 breaks");
    assertTrue(o.elapsedMs() < 15_000, "the quick set stays within 15 s: " + o.elapsedMs() + " ms");
    assertEquals(List.of("series-detections", "anomaly-scores", "lag-profile", "detection-f1", "detection-table",
        "attention-weights"),
        o.result().figures().stream().map(Figure::id).toList());
  }

  @Test void aUsersSeriesRunsWithoutTruth(BufferAllocator allocator, @TempDir Path dir) {
    InjectedSeries.Generated g = InjectedSeries.generate(InjectedSeries.Config.benchmark(600, 2, 1, 1), 3);
    float[] f = new float[600];
    for (int t = 0; t < 600; t++) f[t] = (float) g.series().get(t, 0);
    Path file = dir.resolve("mine.npy");
    try (FixedSizeListVector v = DenseMatrices.of(allocator, "x", 600, 1, f)) {
      MatrixFiles.writeMatrix(file, v);
    }
    ScenarioRunner.Outcome o = run(allocator, Map.of("series", file.toString(), "scorers", "additive"));
    Map<String, Double> m = o.result().metrics();
    assertEquals(Verdict.INCONCLUSIVE, o.result().verdict());
    assertEquals(24.0, m.get("additive_estimated_period"), o.result().summary());
    assertTrue(m.get("additive_detections") >= 3, o.result().summary());
  }

  @Test void badParametersAreRefused(BufferAllocator allocator) {
    IllegalArgumentException init = assertThrows(IllegalArgumentException.class, () -> run(allocator, Map.of("init", "zeros")));
    assertEquals("init: expected similarity or provider, got 'zeros'", init.getMessage());
    IllegalArgumentException lag = assertThrows(IllegalArgumentException.class, () -> run(allocator, Map.of("max-lag", "12")));
    assertEquals("max-lag: expected a lag in [20, 959] (twice the first lag past the exclusion 9, inside 960 steps), got 12",
        lag.getMessage());
    IllegalArgumentException file = assertThrows(IllegalArgumentException.class,
        () -> run(allocator, Map.of("series", "no-such-file.txt")));
    assertTrue(file.getMessage().startsWith("no-such-file.txt: expected"), file.getMessage());
  }
}
