package org.attention4j.retrieval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.registry.Registry;
import org.attention4j.api.spi.Kernels;
import org.attention4j.testkit.WithRootAllocator;
import org.junit.jupiter.api.Test;

/** Exact top-k against the float64 reference, for both kernel providers, every metric, ties and bad input. */
@WithRootAllocator
class ExactSearchTest {
  static final Kernels SCALAR = Registry.load(List.of(), Optional.of("scalar")).kernels();
  static final Kernels SIMD = Registry.load(List.of(), Optional.of("simd")).kernels();

  static float[] gaussian(Random r, int count, double scale, double offset) {
    float[] v = new float[count];
    for (int i = 0; i < count; i++) v[i] = (float) (offset + scale * r.nextGaussian());
    return v;
  }

  /**
   * The criterion, and a little more: the scores at every rank equal the reference's (so the
   * score sets match), and the ids equal the reference's wherever the gap between the k-th and the
   * (k+1)-th reference scores exceeds 1e-5·|score| (and rank by rank where neighbours are apart).
   */
  static void assertMatchesReference(TopK top, float[] keys, int n, int d, float[] queries, int nq, int k, Metric metric,
      String what) {
    for (int q = 0; q < nq; q++) {
      double[] s = Float64Reference.scores(keys, n, d, queries, q, metric);
      Integer[] ref = Float64Reference.ranking(s, metric);
      for (int r = 0; r < k; r++) {
        double want = s[ref[r]], got = top.score(q, r);
        assertEquals(want, got, 1e-12 * Math.max(1, Math.abs(want)), what + " q=" + q + " rank " + r);
      }
      boolean separated = k == n || Math.abs(s[ref[k - 1]] - s[ref[k]]) > 1e-5 * Math.abs(s[ref[k - 1]]);
      if (separated) {
        Set<Long> want = new HashSet<>(), got = new HashSet<>();
        for (int r = 0; r < k; r++) {
          want.add((long) ref[r]);
          got.add(top.id(q, r));
        }
        assertEquals(want, got, what + " q=" + q + " top-" + k + " set");
      }
      for (int r = 0; r < k; r++) {
        boolean apartBefore = r == 0 || Math.abs(s[ref[r]] - s[ref[r - 1]]) > 1e-9 * Math.abs(s[ref[r]]);
        boolean apartAfter = r + 1 >= n || Math.abs(s[ref[r]] - s[ref[r + 1]]) > 1e-9 * Math.abs(s[ref[r]]);
        if (apartBefore && apartAfter) assertEquals((long) ref[r], top.id(q, r), what + " q=" + q + " rank " + r);
      }
    }
  }

  @Property(tries = 120)
  void equalsTheFloat64ReferenceOnRandomInputs(@ForAll @IntRange(min = 1, max = 700) int n,
      @ForAll @IntRange(min = 1, max = 40) int d, @ForAll @IntRange(min = 1, max = 60) int kWanted,
      @ForAll @IntRange(min = 0, max = 2) int metricIndex, @ForAll @IntRange(min = 1, max = 3) int shards,
      @ForAll boolean simd, @ForAll long seed) {
    Metric metric = Metric.values()[metricIndex];
    int k = Math.min(n, kWanted), nq = 5;
    Random r = new Random(seed);
    double offset = metric == Metric.L2 ? 3 : 0;                 // distances far from the origin: cancellation
    float[] keys = gaussian(r, n * d, 1, offset), queries = gaussian(r, nq * d, 1, offset);
    try (BufferAllocator a = new RootAllocator();
         FixedSizeListVector kv = DenseMatrices.of(a, "keys", n, d, keys);
         KeyValueMemory memory = KeyValueMemory.of(kv, null);
         ExactSearch search = ExactSearch.over(memory, metric, simd ? SIMD : SCALAR, shards)) {
      TopK top = search.search(queries, nq, k);
      assertMatchesReference(top, keys, n, d, queries, nq, k, metric, "n=" + n + " d=" + d + " k=" + k + " " + metric);
    }
  }

  @Test void duplicatedKeysRankByLowerIdForEveryMetricAndKernel(BufferAllocator a) {
    // 40 distinct keys, each repeated 25 times in a shuffled order: every boundary is an exact tie.
    Random r = new Random(11);
    int distinct = 40, copies = 25, n = distinct * copies, d = 16, nq = 7;
    float[] base = gaussian(r, distinct * d, 1, 0.5), keys = new float[n * d];
    int[] which = new int[n];
    for (int j = 0; j < n; j++) which[j] = j % distinct;
    for (int j = n - 1; j > 0; j--) {
      int o = r.nextInt(j + 1), t = which[j];
      which[j] = which[o];
      which[o] = t;
    }
    for (int j = 0; j < n; j++) System.arraycopy(base, which[j] * d, keys, j * d, d);
    float[] queries = gaussian(r, nq * d, 1, 0.5);
    for (Metric metric : Metric.values()) {
      for (Kernels kernels : List.of(SCALAR, SIMD)) {
        for (int k : new int[] {1, 10, 25, 26, 60}) {
          try (FixedSizeListVector kv = DenseMatrices.of(a, "keys", n, d, keys);
               KeyValueMemory memory = KeyValueMemory.of(kv, null);
               ExactSearch search = ExactSearch.over(memory, metric, kernels, 2)) {
            TopK top = search.search(queries, nq, k);
            for (int q = 0; q < nq; q++) {
              Integer[] ref = Float64Reference.ranking(Float64Reference.scores(keys, n, d, queries, q, metric), metric);
              long[] want = new long[k];
              for (int i = 0; i < k; i++) want[i] = ref[i];
              assertArrayEquals(want, top.idsOf(q), metric + " " + kernels.id() + " k=" + k + " q=" + q);
            }
          }
        }
      }
    }
  }

  @Test void nearTiesAtTheBoundaryAreRetriedAndStayExact(BufferAllocator a) {
    // Groups of 60 near-copies whose scores differ by ~1e-7 relative (below the float32 kernel's
    // resolution, above float64's): more near ties than the kernel's margin, so the bound fails and
    // the search must retry (or scan) to rank them exactly.
    Random r = new Random(5);
    int n = 3000, d = 64, nq = 4, group = 60;
    float[] keys = gaussian(r, n * d, 1, 0);
    for (int g = 0; g < nq; g++) {
      for (int i = 1; i < group; i++) {
        int j = g * group + i;
        System.arraycopy(keys, g * group * d, keys, j * d, d);
        int c = r.nextInt(d);
        keys[j * d + c] *= (float) (1 + i * 0x1p-18);
      }
    }
    float[] queries = new float[nq * d];
    for (int q = 0; q < nq; q++) System.arraycopy(keys, q * group * d, queries, q * d, d);
    long unproven = 0;
    for (Metric metric : Metric.values()) {
      for (int k : new int[] {1, 5, 59, 61}) {
        try (FixedSizeListVector kv = DenseMatrices.of(a, "keys", n, d, keys);
             KeyValueMemory memory = KeyValueMemory.of(kv, null);
             ExactSearch search = ExactSearch.over(memory, metric, SIMD)) {
          TopK top = search.search(queries, nq, k);
          assertMatchesReference(top, keys, n, d, queries, nq, k, metric, metric + " k=" + k);
          unproven += search.counters()[1] + search.counters()[2];
        }
      }
    }
    assertTrue(unproven > 0, "some boundaries were too close for the float32 kernel, and were searched again");
  }

  @Test void kEqualToNReturnsEveryKeyAndWholeScanFallbackIsExact(BufferAllocator a) {
    Random r = new Random(8);
    int n = 50, d = 3, nq = 3;
    float[] keys = gaussian(r, n * d, 1, 0), queries = gaussian(r, nq * d, 1, 0);
    try (FixedSizeListVector kv = DenseMatrices.of(a, "keys", n, d, keys);
         KeyValueMemory memory = KeyValueMemory.of(kv, null);
         ExactSearch search = ExactSearch.over(memory, Metric.IP, SCALAR)) {
      TopK top = search.search(queries, nq, n);
      assertMatchesReference(top, keys, n, d, queries, nq, n, Metric.IP, "k = n");
    }
  }

  @Test void badInputIsRefusedWithTheArgumentNamed(BufferAllocator a) {
    float[] keys = {1, 0, 0, 1, 0, 0};
    try (FixedSizeListVector kv = DenseMatrices.of(a, "keys", 3, 2, keys);
         KeyValueMemory memory = KeyValueMemory.of(kv, null);
         ExactSearch ip = ExactSearch.over(memory, Metric.IP, SCALAR)) {
      var e = assertThrows(IllegalArgumentException.class, () -> ip.search(new float[] {1, 1}, 1, 4));
      assertEquals("k: expected a count in [1, 3] (the number of keys), got 4", e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> ip.search(new float[] {1, 1}, 1, 0));
      e = assertThrows(IllegalArgumentException.class, () -> ip.search(new float[] {1, Float.NaN}, 1, 1));
      assertEquals("queries: expected finite values, got NaN at (0, 1)", e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> ExactSearch.over(memory, Metric.COS, SCALAR));
      assertEquals("keys: expected non-zero rows under cos, got a zero-norm row at 2", e.getMessage());
    }
    try (FixedSizeListVector kv = DenseMatrices.of(a, "keys", 2, 2, new float[] {1, 0, 0, 1});
         KeyValueMemory memory = KeyValueMemory.of(kv, null);
         ExactSearch cos = ExactSearch.over(memory, Metric.COS, SCALAR)) {
      var e = assertThrows(IllegalArgumentException.class, () -> cos.search(new float[] {1, 1, 0, 0}, 2, 1));
      assertEquals("queries: expected non-zero rows under cos, got a zero-norm row at 1", e.getMessage());
      try (FixedSizeListVector q = DenseMatrices.of(a, "q", 1, 3, new float[] {1, 2, 3})) {
        e = assertThrows(IllegalArgumentException.class, () -> cos.search(q, 1));
        assertTrue(e.getMessage().startsWith("queries: expected 2 columns"), e.getMessage());
      }
    }
    try (FixedSizeListVector kv = DenseMatrices.of(a, "keys", 2, 2, new float[] {1, 0, Float.POSITIVE_INFINITY, 1});
         KeyValueMemory memory = KeyValueMemory.of(kv, null)) {
      var e = assertThrows(IllegalArgumentException.class, () -> ExactSearch.over(memory, Metric.IP, SCALAR));
      assertEquals("keys: expected finite values, got Infinity at (1, 0)", e.getMessage());
    }
  }
}
