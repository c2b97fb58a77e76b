package org.attention4j.simd.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.Mask;
import org.attention4j.api.registry.Registry;
import org.attention4j.api.spi.Kernels;
import org.attention4j.testkit.Tolerances;
import org.attention4j.testkit.WithRootAllocator;
import org.junit.jupiter.api.Test;

/** The README's example, compiled and run; the README must contain it verbatim. */
@WithRootAllocator
class ReadmeExampleTest {
  @Test void theExampleRuns(BufferAllocator allocator) {
    int nq = 64, nk = 64, d = 32, dv = 32;
    Random r = new Random(1);
    try (FixedSizeListVector q = DenseMatrices.of(allocator, "query", nq, d, SimdTestSupport.gaussian(r, nq * d, 1));
         FixedSizeListVector k = DenseMatrices.of(allocator, "keys", nk, d, SimdTestSupport.gaussian(r, nk * d, 1));
         FixedSizeListVector v = DenseMatrices.of(allocator, "values", nk, dv, SimdTestSupport.gaussian(r, nk * dv, 1));
         FixedSizeListVector o = DenseMatrices.allocate(allocator, "output", nq, dv);
         FixedSizeListVector o2 = DenseMatrices.allocate(allocator, "output", nq, dv)) {
      // README:begin
      Kernels kernels = Registry.load(List.of()).kernels();      // "simd" when usable, else "scalar"
      System.out.println(kernels.describe());                    // simd (panama, 512-bit, FMA on, 2 threads)
      Kernels scalar = Registry.load(List.of(), Optional.of("scalar")).kernels();   // what --set kernels=scalar does
      MemorySegment mask = Mask.causal().toSegment(nq, nk);      // 1 = may attend; null = all
      kernels.attentionForward(DenseMatrices.segment(q), DenseMatrices.segment(k), DenseMatrices.segment(v),
          DenseMatrices.segment(o), null, nq, nk, d, dv, (float) (1 / Math.sqrt(d)), mask);   // zero-copy, fused
      scalar.attentionForward(DenseMatrices.segment(q), DenseMatrices.segment(k), DenseMatrices.segment(v),
          DenseMatrices.segment(o2), null, nq, nk, d, dv, (float) (1 / Math.sqrt(d)), mask);  // same result within 1e-4
      // README:end
      assertEquals("simd", kernels.id());
      Tolerances.assertClose(DenseMatrices.toArray(o), org.attention4j.testkit.Float64Oracles.toDouble(DenseMatrices.toArray(o2)),
          SimdTolerances.ATOL, SimdTolerances.RTOL, "README example: simd vs scalar");
    }
  }

  @Test void theReadmeShowsTheExample() throws IOException {
    List<String> source = Files.readAllLines(Path.of("src/test/java/org/attention4j/simd/internal/ReadmeExampleTest.java"));
    int begin = source.indexOf("      // README:begin"), end = source.indexOf("      // README:end");
    assertTrue(begin > 0 && end > begin, "markers");
    String readme = Files.readString(Path.of("README.md"));
    for (String line : source.subList(begin + 1, end)) {
      String expected = line.length() >= 6 ? line.substring(6) : line.strip();     // the README drops 6 spaces of indent
      assertTrue(readme.contains(expected), "README.md must contain the example line: " + expected);
    }
  }
}
