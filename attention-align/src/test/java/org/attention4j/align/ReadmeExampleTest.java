package org.attention4j.align;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.junit.jupiter.api.Test;

/** The README's example, compiled and run here; the README must hold exactly this code. */
class ReadmeExampleTest {
  private static void example() {
    // BEGIN README
    float[] xs = new float[64], ys = new float[64];
    for (int t = 0; t < 64; t++) {
      xs[t] = (float) Math.sin(0.3 * t);
      ys[t] = (float) Math.sin(0.3 * (t - 5));                     // y[t] = x[t − 5]: y lags x by 5
    }
    try (BufferAllocator allocator = new RootAllocator();
         FixedSizeListVector x = DenseMatrices.of(allocator, "x", 64, 1, xs);
         FixedSizeListVector y = DenseMatrices.of(allocator, "y", 64, 1, ys);
         Aligner aligner = Aligner.builder().cost(CostSpec.SQEUCLIDEAN).band(Band.sakoeChiba(8)).build()) {
      Alignment a = aligner.align(x, y);                             // distance + path (i, j)
      SoftDtw.Result soft = aligner.softDtw(x, y, 0.1);              // value + expected alignment
      ShiftLandscape e = aligner.landscape(x, y);                    // E(τ) over |τ| ≤ 16
      System.out.printf("distance %.4f, path %d cells, soft-DTW %.4f, tau* %d, margin %.3f%n",
          a.distance(), a.pathLength(), soft.value(), e.tauStar(), e.posterior(0.05).margin());
    }
    // END README
  }

  @Test void runsAndRecoversTheLag() {
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      example();
    } finally {
      System.setOut(old);
    }
    String out = buf.toString(StandardCharsets.UTF_8);
    assertTrue(out.contains("tau* 5,"), out);
  }

  @Test void theReadmeHoldsThisExample() throws IOException {
    String source = Files.readString(Path.of("src/test/java/org/attention4j/align/ReadmeExampleTest.java"));
    String body = source.substring(source.indexOf("// BEGIN README") + "// BEGIN README".length(), source.indexOf("// END README"));
    StringBuilder expected = new StringBuilder();
    for (String line : body.strip().split("\n")) expected.append(line.replaceFirst("^    ", "")).append('\n');
    String readme = Files.readString(Path.of("README.md"));
    assertTrue(readme.contains(expected.toString()), "README.md must contain the example exactly:\n" + expected);
  }
}
