package org.attention4j.testkit;

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
import org.junit.jupiter.api.Test;

/** The README's example (the api's softmax checked with the kit), compiled and run; the README must contain it. */
@WithRootAllocator
class ReadmeExampleTest {
  @Test void softmaxMatchesTheOracleAndItsBackwardTheCentralDifferences(BufferAllocator allocator) {
    Registry registry = Registry.load(List.of());
    ProviderConfig config = new ProviderConfig(Settings.of("softmax", Map.of()), 0, allocator, Optional.empty(),
        registry.kernels(), registry);
    Normalizer softmax = registry.require(NormalizerProvider.class, "softmax").create(config);
    // README:begin
    float[] s = {0.5f, -1f, 2f, 0f, 1f, 3f};                   // scores [2, 3]
    float[] g = {1f, 0f, -1f, 0.5f, 2f, 0f};                   // dL/dA, the upstream gradient
    Mask mask = Mask.causal();                                 // query 0 may attend keys 0..1
    try (FixedSizeListVector sv = DenseMatrices.of(allocator, "scores", 2, 3, s);
         FixedSizeListVector a = softmax.normalize(sv, mask, 0.5f, allocator);
         FixedSizeListVector gv = DenseMatrices.of(allocator, "dWeights", 2, 3, g);
         FixedSizeListVector ds = softmax.backward(a, gv, mask, 0.5f, allocator)) {
      double[] s64 = Float64Oracles.toDouble(s), g64 = Float64Oracles.toDouble(g);
      Tolerances.assertClose(a, Float64Oracles.softmaxRows(s64, 2, 3, 0.5, mask), 1e-6, 1e-5, "weights");
      GradientCheck.defaults().checkVjp("dScores", DenseMatrices.toArray(ds),
          x -> Float64Oracles.softmaxRows(x, 2, 3, 0.5, mask), s64, g64, 3);
    }                                                          // leaked buffers would fail the test here
    // README:end
  }

  @Test void theReadmeShowsTheExample() throws IOException {
    List<String> source = Files.readAllLines(Path.of("src/test/java/org/attention4j/testkit/ReadmeExampleTest.java"));
    int begin = source.indexOf("    // README:begin"), end = source.indexOf("    // README:end");
    assertTrue(begin > 0 && end > begin, "markers");
    String readme = Files.readString(Path.of("README.md"));
    for (String line : source.subList(begin + 1, end)) {
      String expected = line.length() >= 4 ? line.substring(4) : line.strip();   // the README drops the method indent
      assertTrue(readme.contains(expected), "README.md must contain the example line: " + expected);
    }
  }
}
