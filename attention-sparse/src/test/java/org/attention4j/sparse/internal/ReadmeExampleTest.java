package org.attention4j.sparse.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.Mask;
import org.attention4j.api.Settings;
import org.attention4j.api.registry.Registry;
import org.attention4j.api.spi.Normalizer;
import org.attention4j.api.spi.NormalizerProvider;
import org.attention4j.api.spi.ProviderConfig;
import org.attention4j.testkit.WithRootAllocator;
import org.junit.jupiter.api.Test;

/** The README's example, compiled and run; the README must contain it verbatim. */
@WithRootAllocator
class ReadmeExampleTest {
  @Test void theExampleRuns(BufferAllocator allocator) {
    // README:begin
    Registry registry = Registry.load(List.of());               // finds sparsemax and entmax15 by id
    ProviderConfig config = new ProviderConfig(Settings.of("sparsemax", Map.of()), 0, allocator, Optional.empty(),
        registry.kernels(), registry);
    Normalizer sparsemax = registry.require(NormalizerProvider.class, "sparsemax").create(config);
    float[] scores = {2, 1.5f, 0, -1,                             // [2, 4]; causal: row 0 may attend keys 0..2
                      1, 1, 1, 1};
    try (FixedSizeListVector s = DenseMatrices.of(allocator, "scores", 2, 4, scores);
         FixedSizeListVector a = sparsemax.normalize(s, Mask.causal(), 1f, allocator)) {   // T = 1
      float[] weights = DenseMatrices.toArray(a);    // {0.75, 0.25, 0, 0,  0.25, 0.25, 0.25, 0.25}: exact zeros
      // README:end
      assertArrayEquals(new float[] {0.75f, 0.25f, 0, 0, 0.25f, 0.25f, 0.25f, 0.25f}, weights);
    }
  }

  @Test void theReadmeShowsTheExample() throws IOException {
    List<String> source = Files.readAllLines(Path.of("src/test/java/org/attention4j/sparse/internal/ReadmeExampleTest.java"));
    int begin = source.indexOf("    // README:begin"), end = source.indexOf("      // README:end");
    assertTrue(begin > 0 && end > begin, "markers");
    String readme = Files.readString(Path.of("README.md"));
    for (String line : source.subList(begin + 1, end)) {
      String expected = line.length() >= 4 ? line.substring(4) : line.strip();     // the README drops 4 spaces of indent
      assertTrue(readme.contains(expected), "README.md must contain the example line: " + expected);
    }
  }
}
