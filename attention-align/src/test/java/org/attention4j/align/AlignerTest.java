package org.attention4j.align;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.Settings;
import org.attention4j.api.registry.Registry;
import org.attention4j.api.spi.ProviderConfig;
import org.attention4j.testkit.WithRootAllocator;
import org.junit.jupiter.api.Test;

/** DTW through {@link Aligner}: modes agree, ties, bands, limits, scorer costs, input checks, memory. */
@WithRootAllocator
class AlignerTest {
  private static final Registry REGISTRY = Registry.load(List.of());

  static FixedSizeListVector series(BufferAllocator a, String name, Random r, int n, int d) {
    float[] v = new float[n * d];
    for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
    return DenseMatrices.of(a, name, n, d, v);
  }

  static ProviderConfig providers(BufferAllocator a) {
    return new ProviderConfig(Settings.of("test", Map.of()), 0, a, Optional.empty(), REGISTRY.kernels(), REGISTRY);
  }

  @Test void distanceOnlyEqualsTheFullTableDistanceForEveryCostAndBand(BufferAllocator a) {
    Random r = new Random(3);
    int[][] sizes = {{1, 1}, {1, 17}, {9, 1}, {7, 7}, {31, 45}, {64, 33}, {100, 100}};
    for (int[] s : sizes) {
      for (int d : new int[] {1, 3}) {
        try (FixedSizeListVector x = series(a, "x", r, s[0], d); FixedSizeListVector y = series(a, "y", r, s[1], d)) {
          for (CostSpec cost : List.of(CostSpec.SQEUCLIDEAN, CostSpec.ABS, CostSpec.scorer("dot"))) {
            for (Band band : List.of(Band.none(), Band.sakoeChiba(2), Band.sakoeChiba(5))) {
              String what = s[0] + "x" + s[1] + " d=" + d + " " + cost + " " + band;
              try (Aligner al = Aligner.builder().cost(cost).band(band).providers(providers(a)).build()) {
                Alignment full;
                try {
                  full = al.align(x, y);
                } catch (IllegalArgumentException e) {         // a band too narrow for these lengths
                  assertTrue(e.getMessage().startsWith("band: expected a band wide enough"), e.getMessage());
                  assertThrows(IllegalArgumentException.class, () -> al.distance(x, y), what);
                  continue;
                }
                assertEquals(full.distance(), al.distance(x, y), what);
                // the same costs through the float64 loop over the cost matrix: exact, ties included
                assertEquals(full, Dtw.align(al.costMatrix(x, y), band), what);
                assertEquals(0, full.pathRows()[0], what);
                assertEquals(s[0] - 1, full.pathRows()[full.pathLength() - 1], what);
                for (int k = 1; k < full.pathLength(); k++) {
                  int di = full.pathRows()[k] - full.pathRows()[k - 1], dj = full.pathCols()[k] - full.pathCols()[k - 1];
                  assertTrue(di >= 0 && dj >= 0 && di + dj >= 1 && di <= 1 && dj <= 1, what + " step " + k);
                  assertTrue(band.contains(full.pathRows()[k], full.pathCols()[k], s[0], s[1]), what + " in band");
                }
              }
            }
          }
        }
      }
    }
  }

  @Test void tiesPreferTheDiagonalThenUpThenLeft() {
    // all costs equal: every predecessor ties, so the path runs diagonally, then straight up (i−1, j)
    Alignment a = Dtw.align(Float64Matrix.of(3, 2, new double[6]), Band.none());
    assertArrayEquals(new int[] {0, 1, 2}, a.pathRows());
    assertArrayEquals(new int[] {0, 0, 1}, a.pathCols());
    Alignment b = Dtw.align(Float64Matrix.of(2, 3, new double[6]), Band.none());
    assertArrayEquals(new int[] {0, 0, 1}, b.pathRows());
    assertArrayEquals(new int[] {0, 1, 2}, b.pathCols());
    // D = [[0, 1], [1, 5 + min(0, 1, 1)]]: the diagonal is cheapest
    Alignment u = Dtw.align(Float64Matrix.of(2, 2, new double[] {0, 1, 1, 5}), Band.none());
    assertEquals(5, u.distance());
    assertArrayEquals(new long[] {0, 0, 1, 1}, u.pathAsInt64());
    // D = [[0, 1, 10], [1, 9, 1], [10, 1, 1]]
    Alignment v = Dtw.align(Float64Matrix.of(3, 3, new double[] {0, 1, 9, 1, 9, 0, 9, 0, 0}), Band.none());
    // D(2,2) predecessors: D(1,1) = 9, D(1,2) = 1, D(2,1) = 1 → tie up/left → up: (1, 2)
    assertArrayEquals(new long[] {0, 0, 0, 1, 1, 2, 2, 2}, v.pathAsInt64());
  }

  @Test void aFullPathIsRefusedAbove1e8CellsNamingTheBandButTheDistanceWorks(BufferAllocator a) {
    int n = 10_001;                                              // 100,020,001 cells
    float[] ramp = new float[n];
    for (int i = 0; i < n; i++) ramp[i] = i * 1e-3f;
    try (FixedSizeListVector x = DenseMatrices.of(a, "x", n, 1, ramp);
         FixedSizeListVector y = DenseMatrices.of(a, "y", n, 1, ramp);
         Aligner al = Aligner.builder().build()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> al.align(x, y));
      assertTrue(e.getMessage().startsWith("path: expected at most 100000000 cells") && e.getMessage().contains("--band"),
          e.getMessage());
      assertEquals(0.0, al.distance(x, y));                      // identical series, O(n + m) memory
      try (Aligner banded = Aligner.builder().band(Band.sakoeChiba(10)).build()) {
        Alignment p = banded.align(x, y);
        assertEquals(0.0, p.distance());
        assertEquals(n, p.pathLength());
      }
    }
  }

  @Test void aBandWithoutAPathIsRefused(BufferAllocator a) {
    Random r = new Random(4);
    try (FixedSizeListVector x = series(a, "x", r, 10, 1); FixedSizeListVector y = series(a, "y", r, 5, 1);
         Aligner al = Aligner.builder().band(Band.sakoeChiba(0)).build()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> al.distance(x, y));
      assertTrue(e.getMessage().startsWith("band: expected a band wide enough for a warping path from (0, 0) to (9, 4), got W = 0"),
          e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> al.align(x, y));
      assertThrows(IllegalArgumentException.class, () -> al.softDtwValue(x, y, 1));
    }
  }

  @Test void inputsAreChecked(BufferAllocator a) {
    Random r = new Random(5);
    try (FixedSizeListVector x = series(a, "x", r, 4, 2); FixedSizeListVector y3 = series(a, "y", r, 4, 3);
         FixedSizeListVector empty = DenseMatrices.allocate(a, "e", 0, 2);
         FixedSizeListVector cube = DenseMatrices.allocateShaped(a, "c", 2, 2, 2);
         FixedSizeListVector nan = series(a, "n", r, 3, 2);
         Aligner al = Aligner.builder().build()) {
      DenseMatrices.set(nan, 1, 1, Float.NaN);
      assertEquals("y: expected 2 columns (= x), got 3", assertThrows(IllegalArgumentException.class,
          () -> al.distance(x, y3)).getMessage());
      assertEquals("y: expected at least one row, got 0", assertThrows(IllegalArgumentException.class,
          () -> al.distance(x, empty)).getMessage());
      assertEquals("x: expected a series [n, d] (or [n]), got shape [2, 2, 2]", assertThrows(IllegalArgumentException.class,
          () -> al.distance(cube, x)).getMessage());
      assertEquals("y: expected finite values, got NaN at (row 1, col 1)", assertThrows(IllegalArgumentException.class,
          () -> al.align(x, nan)).getMessage());
      assertTrue(assertThrows(IllegalArgumentException.class, () -> al.landscape(x, x, 4)).getMessage()
          .startsWith("maxShift: expected a shift in [0, min(n, m) - 1] = [0, 3]"));
      assertTrue(assertThrows(IllegalArgumentException.class, () -> al.softDtwValue(x, x, 0)).getMessage()
          .startsWith("gamma: expected a finite smoothing > 0"));
    }
    assertEquals("cost: expected sqeuclidean, abs or scorer:ID, got 'euclid'",
        assertThrows(IllegalArgumentException.class, () -> CostSpec.parse("euclid")).getMessage());
    assertEquals("--cost: expected sqeuclidean, abs or scorer:ID, got 'scorer:'",
        assertThrows(IllegalArgumentException.class, () -> CostSpec.parse("scorer:", "--cost")).getMessage());
    assertEquals("scorer:dot", CostSpec.parse("scorer:dot").toString());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Aligner.builder().cost(CostSpec.scorer("dot")).build())
        .getMessage().startsWith("providers: expected a ProviderConfig"));
  }

  @Test void anUnknownScorerIsRefusedWithTheInstalledOnes(BufferAllocator a) {
    Random r = new Random(6);
    try (FixedSizeListVector x = series(a, "x", r, 4, 2);
         Aligner al = Aligner.builder().cost(CostSpec.scorer("nope")).providers(providers(a)).build()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> al.distance(x, x));
      assertTrue(e.getMessage().contains("'nope' is not installed") && e.getMessage().contains("dot"), e.getMessage());
    }
  }

  @Test void scorerCostsAreNegatedScoresAndAScoreMatrixAligns(BufferAllocator a) {
    Random r = new Random(7);
    try (FixedSizeListVector x = series(a, "x", r, 12, 4); FixedSizeListVector y = series(a, "y", r, 15, 4);
         Aligner al = Aligner.builder().cost(CostSpec.scorer("dot")).providers(providers(a)).build()) {
      Float64Matrix c = al.costMatrix(x, y);
      float[] xs = DenseMatrices.toArray(x), ys = DenseMatrices.toArray(y);
      for (int i = 0; i < 12; i++) {
        for (int j = 0; j < 15; j++) {
          double dot = 0;
          for (int k = 0; k < 4; k++) dot += (double) xs[i * 4 + k] * ys[j * 4 + k];
          assertEquals(-dot, c.get(i, j), 1e-5, "(" + i + ", " + j + ")");
          assertEquals(c.get(i, j), (double) (float) c.get(i, j), "float32 costs");
        }
      }
      assertEquals(Dtw.distance(c, Band.none()), al.distance(x, y), "kernel dtwRow vs the float64 loop, exact");
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> {
        try (FixedSizeListVector z = series(a, "z", r, 3, 2)) {
          al.distance(z, z);
        }
      });
      assertTrue(e.getMessage().startsWith("x: expected 4 columns (the scorer:dot scorer was created for d = 4), got 2"),
          e.getMessage());
    }
  }

  /** Heap bytes this thread allocates for one distance-only run, after a warm-up run. */
  private static long allocatedBy(Aligner al, FixedSizeListVector x, FixedSizeListVector y) {
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    al.distance(x, y);                                            // warm up (class loading, scorer creation)
    long tid = Thread.currentThread().threadId();
    long before = mx.getThreadAllocatedBytes(tid);
    assertTrue(Double.isFinite(al.distance(x, y)));
    return mx.getThreadAllocatedBytes(tid) - before;
  }

  /**
   * The distance alone allocates O(n + m): a D table would be 8·n·m bytes (60 MB at 3000 × 2500).
   * Float64 costs: two D rows, one cost row and the input copies, well under 1 MB. Scorer costs add
   * one block of scores (at most max(2²⁰, m) floats) and per-block Arrow bookkeeping (the tests run
   * Arrow's debug allocator, which records a stack trace per buffer), so they are checked to grow
   * linearly: doubling n and m at most about doubles the bytes (a table would quadruple them).
   */
  @Test void theDistanceOnlyModeAllocatesONPlusM(BufferAllocator a) {
    Random r = new Random(8);
    try (FixedSizeListVector xs = series(a, "x", r, 1500, 2); FixedSizeListVector ys = series(a, "y", r, 1250, 2);
         FixedSizeListVector x = series(a, "x", r, 3000, 2); FixedSizeListVector y = series(a, "y", r, 2500, 2)) {
      try (Aligner al = Aligner.builder().build()) {
        long bytes = allocatedBy(al, x, y);
        assertTrue(bytes < 1_000_000L, "sqeuclidean: allocated " + bytes + " bytes for 3000 x 2500 cells");
      }
      try (Aligner al = Aligner.builder().cost(CostSpec.scorer("dot")).providers(providers(a)).build()) {
        long small = allocatedBy(al, xs, ys), big = allocatedBy(al, x, y);
        assertTrue(big < 15_000_000L && big < 3 * small, "scorer:dot: allocated " + small + " bytes for 1500 x 1250 and "
            + big + " for 3000 x 2500 cells");
      }
    }
  }

  @Test void closingReleasesTheScorerAndRefusesFurtherUse(BufferAllocator a) {
    Random r = new Random(9);
    try (FixedSizeListVector x = series(a, "x", r, 5, 3)) {
      Aligner al = Aligner.builder().cost(CostSpec.parse("scorer:scaled-dot")).providers(providers(a)).build();
      assertTrue(Double.isFinite(al.distance(x, x)));
      al.close();
      al.close();
      assertThrows(IllegalStateException.class, () -> al.distance(x, x));
    }
  }
}
