package org.attention4j.retrieval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.Settings;
import org.attention4j.api.registry.Registry;
import org.attention4j.api.spi.ProviderConfig;
import org.attention4j.testkit.WithRootAllocator;
import org.junit.jupiter.api.Test;

/** The soft lookup: streaming equals a float64 softmax, sharpness against temperature, any scorer, checks. */
@WithRootAllocator
class SoftLookupTest {
  static final Registry REGISTRY = Registry.load(List.of());

  static ProviderConfig providers(BufferAllocator a) {
    return new ProviderConfig(Settings.of("test", Map.of()), 7, a, Optional.empty(), REGISTRY.kernels(), REGISTRY);
  }

  @Property(tries = 40)
  void streamingReadEqualsAFloat64SoftmaxForAnyBlockSize(@ForAll @IntRange(min = 1, max = 300) int n,
      @ForAll @IntRange(min = 1, max = 9) int d, @ForAll @IntRange(min = 1, max = 400) int block, @ForAll long seed) {
    Random r = new Random(seed);
    int nq = 3, dv = 4;
    float[] k = ExactSearchTest.gaussian(r, n * d, 1, 0), q = ExactSearchTest.gaussian(r, nq * d, 2, 0);
    float[] v = ExactSearchTest.gaussian(r, n * dv, 1, 0);
    double t = 0.3;
    try (BufferAllocator a = new RootAllocator();
         FixedSizeListVector kv = DenseMatrices.of(a, "k", n, d, k); FixedSizeListVector vv = DenseMatrices.of(a, "v", n, dv, v);
         FixedSizeListVector qv = DenseMatrices.of(a, "q", nq, d, q);
         KeyValueMemory memory = KeyValueMemory.of(kv, vv);
         SoftLookup soft = SoftLookup.create("dot", t, providers(a), d, d).blockScores((long) nq * block);
         SoftRead read = soft.read(memory, qv, a)) {
      for (int i = 0; i < nq; i++) {
        double[] s = Float64Reference.scores(k, n, d, q, i, Metric.IP);
        double m = Double.NEGATIVE_INFINITY;
        for (double x : s) m = Math.max(m, x / t);
        double z = 0;
        for (double x : s) z += Math.exp(x / t - m);
        double h = 0, top = 0;
        double[] o = new double[dv];
        for (int j = 0; j < n; j++) {
          double p = Math.exp(s[j] / t - m) / z;
          if (p > 0) h -= p * Math.log(p);
          top = Math.max(top, p);
          for (int c = 0; c < dv; c++) o[c] += p * v[j * dv + c];
        }
        for (int c = 0; c < dv; c++) assertEquals(o[c], DenseMatrices.get(read.output(), i, c), 1e-4, "output " + i + "," + c);
        assertEquals(h, read.sharpness().entropy()[i], 1e-4 * Math.max(1, h), "entropy " + i);
        assertEquals(top, read.sharpness().topWeight()[i], 1e-4, "top weight " + i);
        Integer[] rank = Float64Reference.ranking(s, Metric.IP);
        if (n == 1 || s[rank[0]] - s[rank[1]] > 1e-4 * Math.abs(s[rank[0]])) {
          assertEquals((long) rank[0], read.sharpness().topId()[i], "top id " + i);
        }
      }
    }
  }

  @Test void lowerTemperatureIsSharperForEveryScorer(BufferAllocator a) {
    Random r = new Random(4);
    int n = 500, d = 8, nq = 6;
    double[] temps = {0.05, 0.2, 1, 5, 50};
    try (FixedSizeListVector kv = DenseMatrices.of(a, "k", n, d, ExactSearchTest.gaussian(r, n * d, 1, 0));
         FixedSizeListVector qv = DenseMatrices.of(a, "q", nq, d, ExactSearchTest.gaussian(r, nq * d, 1, 0));
         KeyValueMemory memory = KeyValueMemory.of(kv, null)) {
      for (String scorer : List.of("dot", "scaled-dot", "bilinear", "additive")) {
        try (SoftLookup soft = SoftLookup.create(scorer, 1, providers(a), d, d)) {
          Sharpness[] sh = soft.sharpness(memory, qv, temps);
          for (int t = 1; t < temps.length; t++) {
            assertTrue(sh[t].meanEntropy() > sh[t - 1].meanEntropy(), scorer + ": entropy grows with T at " + temps[t]);
            assertTrue(sh[t].meanTopWeight() < sh[t - 1].meanTopWeight(), scorer + ": top weight falls with T at " + temps[t]);
          }
          assertTrue(sh[temps.length - 1].meanEntropy() <= Math.log(n) + 1e-9, scorer + ": entropy at most log n");
          for (Sharpness s : sh) assertEquals(sh[0].topId()[0], s.topId()[0], scorer + ": the best key does not depend on T");
        }
      }
    }
  }

  @Test void softReadNeedsValuesAndAPositiveTemperature(BufferAllocator a) {
    try (FixedSizeListVector kv = DenseMatrices.of(a, "k", 2, 2, new float[] {1, 0, 0, 1});
         FixedSizeListVector qv = DenseMatrices.of(a, "q", 1, 2, new float[] {1, 1});
         KeyValueMemory memory = KeyValueMemory.of(kv, null);
         SoftLookup soft = SoftLookup.create("dot", 1, providers(a), 2, 2)) {
      var e = assertThrows(IllegalArgumentException.class, () -> soft.read(memory, qv, a));
      assertEquals("values: expected values [2, d_v] in the memory for a soft lookup, got keys only", e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> SoftLookup.create("dot", 0, providers(a), 2, 2));
      assertEquals("temperature: expected a finite number > 0, got 0.0", e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> SoftLookup.create("nope", 1, providers(a), 2, 2));
      assertTrue(e.getMessage().contains("nope"), e.getMessage());
    }
  }
}
