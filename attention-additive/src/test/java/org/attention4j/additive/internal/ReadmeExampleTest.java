package org.attention4j.additive.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.AttentionResult;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.Mask;
import org.attention4j.api.Settings;
import org.attention4j.api.facade.Attention;
import org.attention4j.api.registry.Registry;
import org.attention4j.api.spi.Normalizer;
import org.attention4j.api.spi.NormalizerProvider;
import org.attention4j.api.spi.ProviderConfig;
import org.attention4j.api.spi.Scorer;
import org.attention4j.api.spi.ScorerProvider;
import org.attention4j.testkit.WithRootAllocator;
import org.junit.jupiter.api.Test;

/** The README's example, compiled and run; the README must contain it verbatim. */
@WithRootAllocator
class ReadmeExampleTest {
  @Test void theExampleRuns(BufferAllocator allocator) {
    int nq = 3, nk = 5, dv = 2;
    try (FixedSizeListVector q = DenseMatrices.of(allocator, "query", nq, 8, Fixtures.gaussian(nq * 8, 1, 1));
         FixedSizeListVector k = DenseMatrices.of(allocator, "keys", nk, 6, Fixtures.gaussian(nk * 6, 1, 2));
         FixedSizeListVector v = DenseMatrices.of(allocator, "values", nk, dv, Fixtures.gaussian(nk * dv, 1, 3));
         FixedSizeListVector dOutput = DenseMatrices.of(allocator, "dOutput", nq, dv, Fixtures.gaussian(nq * dv, 1, 4))) {
      // README:begin
      Registry registry = Registry.load(List.of());               // finds additive (and softmax) by id
      ScorerProvider additive = registry.require(ScorerProvider.class, "additive");
      Settings settings = Settings.resolve("additive", additive.parameters(), Map.of("h", "16"), List.of());
      ProviderConfig config = new ProviderConfig(settings, 7, allocator, Optional.empty(), registry.kernels(), registry);
      try (Scorer scorer = additive.create(config, 8, 6)) {         // d_q = 8, d_k = 6; W_q, W_k, v from seed 7, b = 0
        Normalizer softmax = registry.require(NormalizerProvider.class, "softmax").create(config);
        Attention attention = Attention.builder(scorer, softmax, registry.kernels()).mask(Mask.causal()).build();
        try (AttentionResult r = attention.attend(q, k, v, true, allocator);
             Attention.AttentionGradients g = attention.backward(q, k, v, dOutput, allocator)) {
          FixedSizeListVector weights = r.weights().orElseThrow();  // [n_q, n_k]
          FixedSizeListVector dWq = g.dParameters().get("W_q");     // [16, 8], like scorer.parameters().get("W_q")
          // README:end
          assertEquals(nk, DenseMatrices.cols(weights));
          assertArrayEquals(new int[] {16, 8}, DenseMatrices.shape(dWq));
        }
      }
    }
  }

  @Test void theReadmeShowsTheExample() throws IOException {
    List<String> source = Files.readAllLines(Path.of("src/test/java/org/attention4j/additive/internal/ReadmeExampleTest.java"));
    int begin = source.indexOf("      // README:begin"), end = source.indexOf("          // README:end");
    assertTrue(begin > 0 && end > begin, "markers");
    String readme = Files.readString(Path.of("README.md"));
    for (String line : source.subList(begin + 1, end)) {
      String expected = line.length() >= 6 ? line.substring(6) : line.strip();     // the README drops 6 spaces of indent
      assertTrue(readme.contains(expected), "README.md must contain the example line: " + expected);
    }
  }
}
