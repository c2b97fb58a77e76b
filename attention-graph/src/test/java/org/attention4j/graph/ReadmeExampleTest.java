package org.attention4j.graph;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.attention4j.api.Settings;
import org.attention4j.api.registry.Registry;
import org.attention4j.api.spi.ProviderConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's example, compiled and run here; the README must hold exactly this code. */
class ReadmeExampleTest {
  @TempDir Path dir;

  private void example() {
    Path weightsCsv = dir.resolve("weights.csv");
    // BEGIN README
    GraphData karate = KarateClub.load();                             // 34 members, 78 friendships, 2 factions
    int[] labels = KarateClub.hubs(karate, 2);                        // 0, 2, 32, 33 labelled; the rest -1
    Registry registry = Registry.load(List.of());                     // finds scorers for LayerKind.DOT
    try (BufferAllocator allocator = new RootAllocator()) {
      ProviderConfig providers = new ProviderConfig(Settings.of("graph", Map.of()), 0, allocator, Optional.empty(),
          registry.kernels(), registry);
      NodeClassification r = NodeClassifier.builder().kind(LayerKind.GAT).heads(8).epochs(200).seed(0).build()
          .fit(karate.graph(), karate.features(), karate.featureDim(), labels, providers);
      int[] others = java.util.stream.IntStream.range(0, 34).filter(i -> labels[i] < 0).toArray();
      System.out.printf("loss %.3f -> %.3f, accuracy on the other 30: %.3f%n", r.loss().get(0), r.finalLoss(),
          r.accuracy(karate.labels(), others));
      r.edgeWeights().get(0).writeCsv(weightsCsv);                   // src,dst,head,weight of the first layer
    }
    // END README
  }

  @Test void runsAndClassifies() throws IOException {
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      example();
    } finally {
      System.setOut(old);
    }
    String out = buf.toString(StandardCharsets.UTF_8);
    assertTrue(out.contains("accuracy on the other 30: 0.9"), out);
    assertTrue(Files.readAllLines(dir.resolve("weights.csv")).get(0).equals("src,dst,head,weight"));
  }

  @Test void theReadmeHoldsThisExample() throws IOException {
    String source = Files.readString(Path.of("src/test/java/org/attention4j/graph/ReadmeExampleTest.java"));
    String body = source.substring(source.indexOf("// BEGIN README") + "// BEGIN README".length(), source.indexOf("// END README"));
    StringBuilder expected = new StringBuilder();
    for (String line : body.strip().split("\n")) expected.append(line.replaceFirst("^    ", "")).append('\n');
    String readme = Files.readString(Path.of("README.md"));
    assertTrue(readme.contains(expected.toString()), "README.md must contain the example exactly:\n" + expected);
  }
}
