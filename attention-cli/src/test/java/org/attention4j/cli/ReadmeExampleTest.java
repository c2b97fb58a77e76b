package org.attention4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.AttentionResult;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.Mask;
import org.attention4j.api.Settings;
import org.attention4j.api.facade.Attention;
import org.attention4j.api.registry.Registry;
import org.attention4j.api.spi.NormalizerProvider;
import org.attention4j.api.spi.ProviderConfig;
import org.attention4j.api.spi.Scorer;
import org.attention4j.api.spi.ScorerProvider;
import org.junit.jupiter.api.Test;

/** The README's 15-line API example, compiled and run here; the README must hold exactly this code. */
class ReadmeExampleTest {
  private static void example() {
    // BEGIN README
    try (BufferAllocator allocator = new RootAllocator()) {
      Registry registry = Registry.load(List.of());                       // module path + class path
      ScorerProvider dot = registry.require(ScorerProvider.class, "scaled-dot");
      NormalizerProvider softmax = registry.require(NormalizerProvider.class, "softmax");
      ProviderConfig cfg = new ProviderConfig(Settings.of("example", Map.of()), 0, allocator,
          Optional.empty(), registry.kernels(), registry);
      try (Scorer scorer = dot.create(cfg, 4, 4);
           FixedSizeListVector q = DenseMatrices.of(allocator, "query", 2, 4, new float[] {1, 0, 0, 0, 0, 1, 0, 0});
           FixedSizeListVector k = DenseMatrices.of(allocator, "keys", 3, 4, new float[12]);
           FixedSizeListVector v = DenseMatrices.of(allocator, "values", 3, 2, new float[] {1, 2, 3, 4, 5, 6});
           AttentionResult r = Attention.builder(scorer, softmax.create(cfg), registry.kernels())
               .mask(Mask.causal()).build().attend(q, k, v, true, allocator)) {
        System.out.println(Arrays.toString(DenseMatrices.toArray(r.output())));
      }
    }
    // END README
  }

  @Test void runsAndPrintsTheCausalAverage() {
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      example();
    } finally {
      System.setOut(old);
    }
    // all keys are zero, so every allowed key weighs the same; causal with n_q = 2, n_k = 3:
    // query 0 sees keys 0..1 (mean (2, 3)), query 1 sees all three (mean (3, 4))
    assertEquals("[2.0, 3.0, 3.0, 4.0]", buf.toString(StandardCharsets.UTF_8).strip());
  }

  @Test void readmeHoldsThisCode() throws IOException {
    Path self = Path.of("src/test/java/org/attention4j/cli/ReadmeExampleTest.java");
    String src = Files.readString(self);
    String code = src.substring(src.indexOf("// BEGIN README\n") + 16, src.indexOf("    // END README"));
    String readme = Files.readString(Path.of("../README.md"));
    String block = readme.substring(readme.indexOf("```java\n") + 8);
    block = block.substring(0, block.indexOf("```"));
    assertEquals(strip(code, 4), block.strip(), "README.md's Java example differs from ReadmeExampleTest");
    assertTrue(block.lines().count() <= 16, "the README example should stay about 15 lines");
  }

  private static String strip(String code, int indent) {
    return code.lines().map(l -> l.length() >= indent ? l.substring(indent) : l.strip())
        .reduce((a, b) -> a + "\n" + b).orElse("").strip();
  }
}
