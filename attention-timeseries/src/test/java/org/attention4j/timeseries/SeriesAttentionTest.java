package org.attention4j.timeseries;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.attention4j.api.Settings;
import org.attention4j.api.registry.Registry;
import org.attention4j.api.spi.ProviderConfig;
import org.attention4j.testkit.WithRootAllocator;
import org.attention4j.train.TrainingHistory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Attention between time steps: masks, rows, periodicity with any scorer, training, errors. */
@WithRootAllocator
class SeriesAttentionTest {
  private final Registry registry = Registry.load(List.of());

  private ProviderConfig providers(BufferAllocator a, Map<String, String> settings) {
    return new ProviderConfig(Settings.of("scorer", settings), 7, a, Optional.empty(), registry.kernels(), registry);
  }

  private static TimeSeries periodic(int n, int period, double noise, long seed) {
    java.util.Random r = new java.util.Random(seed);
    double[] x = new double[n];
    for (int t = 0; t < n; t++) {
      double ph = 2 * Math.PI * t / period;
      x[t] = Math.sin(ph) + 0.5 * Math.sin(2 * ph + 0.7) + noise * r.nextGaussian();
    }
    return TimeSeries.univariate(x);
  }

  @Test void rowsAreDistributionsOverTheAllowedKeys(BufferAllocator a) {
    TimeSeries s = periodic(150, 20, 0.1, 1);
    try (SeriesAttention att = SeriesAttention.builder("bilinear", providers(a, Map.of()))
        .embedding(WindowEmbedding.windows(9)).exclusion(4).build()) {
      AttentionMap m = att.attend(s);
      assertTrue(!m.complete(3) && m.complete(4) && m.complete(145) && !m.complete(146), "windows of 9 steps: 4 each side");
      for (int t = 0; t < 150; t++) {
        double sum = 0;
        for (int j = 0; j < 150; j++) {
          if (Math.abs(t - j) <= 4 || !m.complete(j)) assertEquals(0, m.weight(t, j), "excluded key (" + t + ", " + j + ")");
          sum += m.weight(t, j);
        }
        assertEquals(1, sum, 1e-5, "row " + t);
      }
      double mass = 0;
      for (double x : m.attendedMass()) mass += x;
      assertEquals(150, mass, 1e-3);
      double lagMass = 0;
      for (double x : m.lagProfile(149)) lagMass += x;
      assertEquals(1, lagMass, 1e-5);
    }
  }

  @ParameterizedTest @ValueSource(strings = {"dot", "scaled-dot", "bilinear", "additive"})
  void anyScorerFindsThePeriod(String id, BufferAllocator a) {
    TimeSeries s = periodic(400, 20, 0.1, 2);
    try (SeriesAttention att = SeriesAttention.builder(id, providers(a, Map.of())).embedding(WindowEmbedding.windows(11))
        .build()) {
      Periodicity.Estimate e = Periodicity.estimate(att.attend(s), att.exclusion() + 1, 100);
      assertEquals(20, e.period(), id);
    }
  }

  @Test void attentionRebuildsEveryStepButTheSpike(BufferAllocator a) {
    double[] x = periodic(300, 25, 0.05, 3).values().clone();
    x[170] += 2;
    try (SeriesAttention att = SeriesAttention.builder("additive", providers(a, Map.of())).build()) {
      double[] e = att.attend(TimeSeries.univariate(x)).reconstructionError();
      int arg = 0;
      for (int t = 0; t < e.length; t++) if (e[t] > e[arg]) arg = t;
      assertEquals(170, arg);
      int[] det = Detection.detect(e, 5, 17);
      assertTrue(java.util.Arrays.stream(det).anyMatch(t -> t == 170), java.util.Arrays.toString(det));
      double[] z = Detection.robustZ(e);
      for (int t = 0; t < z.length; t++) {
        if (Math.abs(t - 170) > 17) assertTrue(z[t] < z[170] / 3, "step " + t + " scores well below the spike: " + z[t]);
      }
    }
  }

  @Test void pointsWithPositionalFeaturesAttendToo(BufferAllocator a) {
    WindowEmbedding points = WindowEmbedding.points(4);
    assertEquals(6, points.width(2));
    TimeSeries s = new TimeSeries(60, 2, periodic(120, 10, 0, 0).values());
    WindowEmbedding.Embedded e = points.embed(s);
    assertEquals((float) s.get(5, 1), e.rows()[5 * 6 + 1]);
    assertEquals((float) Math.sin(2 * Math.PI * 5 / 4.0), e.rows()[5 * 6 + 2], 1e-6);
    try (SeriesAttention att = SeriesAttention.builder("scaled-dot", providers(a, Map.of())).embedding(points).exclusion(0)
        .temperature(1).build()) {
      AttentionMap m = att.attend(s);
      assertEquals(0, m.weight(7, 7));
      assertEquals(120, m.reconstruction().length);
    }
  }

  @Test void standardisedWindowsRebuildTheStepExactly() {
    TimeSeries s = TimeSeries.univariate(3, 5, 4, 10, 2, 2, 8);
    WindowEmbedding w = WindowEmbedding.windows(3);
    WindowEmbedding.Embedded e = w.embed(s);
    for (int t = 0; t < 7; t++) assertEquals(s.get(t, 0), e.centre()[t] + e.scale()[t] * e.target()[t], 1e-12);
    // window of step 0 is {3, 3, 5} (edge repeated), mean 11/3
    assertEquals(11.0 / 3, e.centre()[0], 1e-12);
    assertEquals(-1, w.firstOffset());
  }

  @Test void fittingLowersTheReconstructionLossDeterministically(BufferAllocator a) {
    TimeSeries s = periodic(160, 16, 0.1, 5);
    double[] first = null;
    for (int run = 0; run < 2; run++) {
      try (SeriesAttention att = SeriesAttention.builder("additive", providers(a, Map.of("h", "8")))
          .embedding(WindowEmbedding.windows(7)).init(SeriesAttention.Init.PROVIDER).temperature(0.5).build()) {
        TrainingHistory h = att.fit(s, 6, 0.03, 32, 1).orElseThrow();
        assertEquals(6, h.epochs());
        assertTrue(h.finalLoss() < h.loss().get(0), h.loss().toString());
        double[] rec = att.attend(s).reconstruction();
        if (first == null) first = rec;
        else assertArrayEquals(first, rec, "the same seed gives the same fit");
      }
    }
    try (SeriesAttention att = SeriesAttention.builder("dot", providers(a, Map.of())).build()) {
      assertTrue(att.fit(periodic(100, 16, 0.1, 5), 1, 0.01, 8, 0).isEmpty(), "nothing to train in dot");
    }
  }

  @Test void misuseIsRefused(BufferAllocator a) {
    SeriesAttention att = SeriesAttention.builder("bilinear", providers(a, Map.of())).embedding(WindowEmbedding.windows(5))
        .build();
    att.attend(periodic(50, 10, 0.1, 1));
    IllegalArgumentException width = assertThrows(IllegalArgumentException.class,
        () -> att.attend(new TimeSeries(50, 2, new double[100])));
    assertTrue(width.getMessage().startsWith("series: expected embedding width 5 (the scorer's), got 10"), width.getMessage());
    att.close();
    assertThrows(IllegalStateException.class, () -> att.attend(periodic(50, 10, 0.1, 1)));
    IllegalArgumentException shortSeries = assertThrows(IllegalArgumentException.class,
        () -> SeriesAttention.builder("bilinear", providers(a, Map.of())).exclusion(10).build()
            .attend(periodic(21, 10, 0.1, 1)));
    assertEquals("series: expected more than 37 time steps (2 x exclusion 10 + window 17), got 21", shortSeries.getMessage());
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> SeriesAttention.builder("no-such-scorer", providers(a, Map.of())).build().attend(periodic(50, 10, 0.1, 1)));
    assertTrue(unknown.getMessage().contains("no-such-scorer"), unknown.getMessage());
    assertThrows(IllegalArgumentException.class, () -> TimeSeries.univariate(1, Double.NaN));
    assertEquals("temperature: expected a finite T > 0, got 0.0", assertThrows(IllegalArgumentException.class,
        () -> SeriesAttention.builder("dot", providers(a, Map.of())).temperature(0)).getMessage());
  }
}
