package org.attention4j.timeseries;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The threshold rule, suppression and scoring against the truth, the baseline, the generator. */
class DetectionTest {
  @Test void robustZUsesMedianAndMad() {
    double[] z = Detection.robustZ(new double[] {1, 2, 3, 4, 100});
    // median 3, deviations {2,1,0,1,97} → MAD 1 → scale 1.4826
    assertEquals((100 - 3) / 1.4826, z[4], 1e-12);
    assertEquals(0, z[2], 1e-12);
  }

  @Test void oneDetectionPerNeighbourhoodHighestFirst() {
    double[] s = new double[100];
    for (int i = 0; i < 100; i++) s[i] = (i % 7) * 0.01;
    s[40] = 10;
    s[42] = 9;      // suppressed by 40
    s[70] = 8;
    assertArrayEquals(new int[] {40, 70}, Detection.detect(s, 5, 5));
    assertArrayEquals(new int[] {40, 42, 70}, Detection.detect(s, 5, 1));
  }

  @Test void scoringCountsCorrectDetectionsAndFoundAnomalies() {
    List<Anomaly> truth = List.of(new Anomaly(Anomaly.Kind.SPIKE, 10, 11), new Anomaly(Anomaly.Kind.PERIOD_BREAK, 50, 60),
        new Anomaly(Anomaly.Kind.LEVEL_SHIFT, 90, 91));
    Detection.Score s = Detection.evaluate(new int[] {12, 48, 55, 75}, truth, 2, 5);
    assertEquals(4, s.detections());
    assertEquals(3, s.correct(), "12 (spike ±2), 48 and 55 (break ±2); 75 is a false alarm");
    assertEquals(2, s.found());
    assertEquals(0.75, s.precision(), 1e-12);
    assertEquals(2.0 / 3, s.recall(), 1e-12);
    assertEquals(2 * 0.75 * (2.0 / 3) / (0.75 + 2.0 / 3), s.f1(), 1e-12);
    Detection.Score none = Detection.evaluate(new int[0], truth, 2, 5);
    assertEquals(0, none.f1());
  }

  @Test void theOracleThresholdIsAtLeastAsGoodAsAnyFixedOne() {
    InjectedSeries.Generated g = InjectedSeries.generate(InjectedSeries.Config.benchmark(800, 3, 1, 0), 4);
    double[] s = RollingZScore.scores(g.series(), 48);
    Detection.Score best = Detection.best(s, g.truth(), 17, 9);
    for (double th : new double[] {1, 2, 3, 5, 8}) {
      assertTrue(best.f1() >= Detection.evaluate(s, g.truth(), th, 17, 9).f1(), "threshold " + th);
    }
  }

  @Test void rollingZScoreMatchesTheDefinition() {
    double[] x = {1, 2, 4, 8, 3, 5, 9, 2, 7};
    double[] z = RollingZScore.scores(TimeSeries.univariate(x), 3);
    assertEquals(0, z[0]);
    assertEquals(0, z[1]);
    for (int t = 2; t < x.length; t++) {
      int from = Math.max(0, t - 3);
      double mean = 0, var = 0;
      for (int k = from; k < t; k++) mean += x[k] / (t - from);
      for (int k = from; k < t; k++) var += (x[k] - mean) * (x[k] - mean) / (t - from);
      assertEquals(Math.abs(x[t] - mean) / Math.sqrt(var), z[t], 1e-9, "step " + t);
    }
  }

  @Test void theGeneratorIsSeededAndPlacesWhatItSays() {
    InjectedSeries.Config c = InjectedSeries.Config.benchmark(1200, 3, 2, 2);
    InjectedSeries.Generated a = InjectedSeries.generate(c, 9), b = InjectedSeries.generate(c, 9);
    assertArrayEquals(a.series().values(), b.series().values());
    assertEquals(a.truth(), b.truth());
    assertEquals(7, a.truth().size());
    assertEquals(3, a.truth().stream().filter(x -> x.kind() == Anomaly.Kind.SPIKE).count());
    for (int i = 1; i < a.truth().size(); i++) {
      assertTrue(a.truth().get(i).start() - a.truth().get(i - 1).end() >= c.gap(), a.truth().toString());
    }
    assertTrue(a.truth().get(0).start() >= c.gap());
    assertTrue(a.truth().get(6).end() <= 1200 - c.gap());
    for (Anomaly x : a.truth()) {
      if (x.kind() == Anomaly.Kind.SPIKE) {
        double residual = a.series().get(x.start(), 0) - a.clean()[x.start()];
        assertTrue(Math.abs(residual) > 2.5 - 1.0, "a spike of 2.5 stands out of σ = 0.15 noise: " + residual);
      }
    }
    IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
        () -> InjectedSeries.generate(InjectedSeries.Config.benchmark(300, 3, 2, 2), 1));
    assertTrue(small.getMessage().startsWith("n: expected at least "), small.getMessage());
  }
}
