package org.attention4j.timeseries;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.attention4j.api.Settings;
import org.attention4j.api.registry.Registry;
import org.attention4j.api.spi.ProviderConfig;
import org.junit.jupiter.api.Test;

/** The README's example, compiled and run. */
class ReadmeExampleTest {
  @Test void readmeExample() {
    Detection.Score score;
    Periodicity.Estimate period;
    // --- README example begins ---
    Registry registry = Registry.load(List.of());
    InjectedSeries.Generated g = InjectedSeries.generate(InjectedSeries.Config.benchmark(960, 3, 2, 2), 0);
    try (BufferAllocator allocator = new RootAllocator()) {
      ProviderConfig providers = new ProviderConfig(Settings.of("scorer", Map.of()), 0, allocator, Optional.empty(),
          registry.kernels(), registry);
      try (SeriesAttention att = SeriesAttention.builder("additive", providers)
          .embedding(WindowEmbedding.windows(17)).temperature(0.1).build()) {
        AttentionMap map = att.attend(g.series());                        // α [n × n], x̂, scores
        double[] z = Detection.combine(map.reconstructionError(), map.locality(68));
        int[] found = Detection.detectStandardized(z, 5, 17);               // robust z > 5, one per window
        score = Detection.evaluate(found, g.truth(), 9, 5);
        period = Periodicity.estimate(map, att.exclusion() + 1, 240);
        System.out.printf("F1 %.3f (precision %.3f, recall %.3f), period %d%n", score.f1(), score.precision(),
            score.recall(), period.period());
      }
    }
    // --- README example ends ---
    assertEquals(24, period.period());
    assertTrue(score.f1() >= 0.9, score.toString());
  }
}
