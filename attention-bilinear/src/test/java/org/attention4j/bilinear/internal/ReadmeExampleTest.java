package org.attention4j.bilinear.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

/** The README's examples, compiled and run; the README must contain them verbatim. */
@WithRootAllocator
class ReadmeExampleTest {
  @Test void theExampleRuns(BufferAllocator allocator) {
    int nq = 3, nk = 5, d = 64, dv = 2;
    try (FixedSizeListVector q = DenseMatrices.of(allocator, "query", nq, d, Fixtures.gaussian(nq * d, 1, 1));
         FixedSizeListVector k = DenseMatrices.of(allocator, "keys", nk, d, Fixtures.gaussian(nk * d, 1, 2));
         FixedSizeListVector v = DenseMatrices.of(allocator, "values", nk, dv, Fixtures.gaussian(nk * dv, 1, 3))) {
      // README:begin
      Registry registry = Registry.load(List.of());              // finds dot, scaled-dot and bilinear by id
      ProviderConfig config = new ProviderConfig(Settings.of("scaled-dot", Map.of()), 0, allocator,
          Optional.empty(), registry.kernels(), registry);
      try (Scorer scorer = registry.require(ScorerProvider.class, "scaled-dot").create(config, 64, 64)) {
        Normalizer softmax = registry.require(NormalizerProvider.class, "softmax").create(config);
        Attention attention = Attention.builder(scorer, softmax, registry.kernels()).mask(Mask.causal()).build();
        try (AttentionResult r = attention.attend(q, k, v, true, allocator)) {   // fused: scaled-dot + softmax
          FixedSizeListVector output = r.output();                  // [n_q, d_v]
          FixedSizeListVector weights = r.weights().orElseThrow();  // [n_q, n_k], rows sum to 1
          // README:end
          assertTrue(attention.fused());
          assertEquals(nq, DenseMatrices.rows(output));
          assertEquals(nk, DenseMatrices.cols(weights));
        }
      }
    }
  }

  @Test void theBilinearExampleRuns(BufferAllocator allocator) {
    int nq = 3, nk = 5, dq = 8, dk = 6, dv = 2;
    try (FixedSizeListVector q = DenseMatrices.of(allocator, "query", nq, dq, Fixtures.gaussian(nq * dq, 1, 1));
         FixedSizeListVector k = DenseMatrices.of(allocator, "keys", nk, dk, Fixtures.gaussian(nk * dk, 1, 2));
         FixedSizeListVector v = DenseMatrices.of(allocator, "values", nk, dv, Fixtures.gaussian(nk * dv, 1, 3));
         FixedSizeListVector dOutput = DenseMatrices.of(allocator, "dOutput", nq, dv, Fixtures.gaussian(nq * dv, 1, 4))) {
      Registry registry = Fixtures.REGISTRY;
      // README:begin
      ProviderConfig config = new ProviderConfig(Settings.of("bilinear", Map.of()), 7, allocator,
          Optional.empty(), registry.kernels(), registry);                // or Optional.of(parameters) with W [8, 6]
      try (Scorer scorer = registry.require(ScorerProvider.class, "bilinear").create(config, 8, 6)) {  // W from seed 7
        Normalizer softmax = registry.require(NormalizerProvider.class, "softmax").create(config);
        Attention attention = Attention.builder(scorer, softmax, registry.kernels()).build();   // unfused: S = Q W Kᵀ
        try (AttentionResult r = attention.attend(q, k, v, true, allocator);
             Attention.AttentionGradients g = attention.backward(q, k, v, dOutput, allocator)) {
          FixedSizeListVector dW = g.dParameters().get("W");        // [8, 6], like scorer.parameters().get("W")
          // README:end
          assertFalse(attention.fused());
          assertEquals(nq, DenseMatrices.rows(r.output()));
          assertEquals(dq, DenseMatrices.rows(dW));
          assertEquals(dk, DenseMatrices.cols(dW));
        }
      }
    }
  }

  /** Every block between README markers appears in README.md, line by line, without the block's indent. */
  @Test void theReadmeShowsTheExamples() throws IOException {
    List<String> source = Files.readAllLines(Path.of("src/test/java/org/attention4j/bilinear/internal/ReadmeExampleTest.java"));
    String readme = Files.readString(Path.of("README.md"));
    int blocks = 0;
    for (int begin = 0; begin < source.size(); begin++) {
      if (!source.get(begin).strip().equals("// README:begin")) continue;
      int indent = source.get(begin).indexOf('/');
      int end = begin + 1;
      while (end < source.size() && !source.get(end).strip().equals("// README:end")) end++;
      assertTrue(end < source.size(), "README:end after line " + (begin + 1));
      for (String line : source.subList(begin + 1, end)) {
        String expected = line.length() >= indent ? line.substring(indent) : line.strip();
        assertTrue(readme.contains(expected), "README.md must contain the example line: " + expected);
      }
      blocks++;
      begin = end;
    }
    assertEquals(2, blocks, "README blocks in this test");
  }
}
