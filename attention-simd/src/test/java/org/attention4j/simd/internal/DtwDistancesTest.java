package org.attention4j.simd.internal;

import static org.attention4j.simd.internal.SimdTestSupport.SCALAR;
import static org.attention4j.simd.internal.SimdTestSupport.gaussian;
import static org.attention4j.simd.internal.SimdTestSupport.readDoubles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.attention4j.simd.internal.SimdTestSupport.ArrowSegments;
import org.attention4j.testkit.WithRootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Many-pairs DTW ({@code dtwDistances}, one pair per float64 lane) at 128, 256 and 512 bits:
 * against the scalar reference loop (relative 1e-12: only fused multiply-adds in the float64 costs
 * differ), against a full-table DTW written here, with and without bands (including bands through
 * which no path fits: +∞), pair counts that leave partial lane groups, and dim 1 to 5.
 */
@WithRootAllocator
class DtwDistancesTest {
  private static final double REL = 1e-12;
  private ArrowSegments mem;

  static Stream<Named<PanamaKernels>> kernels() { return SimdTestSupport.widths(); }

  @BeforeEach void open(BufferAllocator allocator) { mem = new ArrowSegments(allocator); }

  @AfterEach void close() { mem.close(); }

  /** The whole (n+1)×(m+1) table, as in a textbook; the band test of docs/CLI.md. */
  private static double table(float[] x, float[] y, int p, int n, int m, int dim, int band) {
    double[][] t = new double[n + 1][m + 1];
    for (double[] row : t) java.util.Arrays.fill(row, Double.POSITIVE_INFINITY);
    t[0][0] = 0;
    for (int i = 1; i <= n; i++) {
      for (int j = 1; j <= m; j++) {
        if (band >= 0 && Math.abs((long) (i - 1) * m - (long) (j - 1) * n) > (long) band * m) continue;
        double c = 0;
        for (int k = 0; k < dim; k++) {
          double d = (double) x[(p * n + i - 1) * dim + k] - y[(p * m + j - 1) * dim + k];
          c += d * d;
        }
        t[i][j] = c + Math.min(t[i - 1][j - 1], Math.min(t[i - 1][j], t[i][j - 1]));
      }
    }
    return t[n][m];
  }

  private void check(PanamaKernels simd, Random r, int pairs, int n, int m, int dim, int band) {
    float[] x = gaussian(r, pairs * n * dim, 1), y = gaussian(r, pairs * m * dim, 1);
    MemorySegment out = mem.doubles(new double[pairs]), ref = MemorySegment.ofArray(new double[pairs]);
    simd.dtwDistances(mem.floats(x), mem.floats(y), pairs, n, m, dim, band, out);
    SCALAR.dtwDistances(MemorySegment.ofArray(x), MemorySegment.ofArray(y), pairs, n, m, dim, band, ref);
    double[] got = readDoubles(out), want = readDoubles(ref);
    for (int p = 0; p < pairs; p++) {
      String what = "dtw pair " + p + " of " + pairs + " (" + n + "x" + m + ", dim " + dim + ", band " + band + ")";
      double t = table(x, y, p, n, m, dim, band);
      assertEquals(t, want[p], Math.abs(t) * 1e-14, what + ": the scalar reference loop vs the full table");
      if (Double.isInfinite(t)) {
        assertEquals(t, got[p], what + ": no path fits the band");
      } else {
        assertTrue(Math.abs(got[p] - t) <= REL * t, what + ": expected " + t + ", got " + got[p]);
      }
    }
  }

  @ParameterizedTest(name = "{0}") @MethodSource("kernels")
  void manyPairsMatchTheReferenceWithAndWithoutBands(PanamaKernels simd) {
    Random r = new Random(41);
    int[][] shapes = {{1, 1, 1}, {3, 1, 7}, {17, 8, 8}, {9, 31, 17}, {20, 64, 33}, {5, 100, 7}, {33, 15, 65}};
    for (int[] s : shapes) {
      for (int dim : new int[] {1, 3}) {
        for (int band : new int[] {-1, 0, 1, 4, 1000}) check(simd, r, s[0], s[1], s[2], dim, band);
      }
    }
    check(simd, r, 11, 40, 40, 5, 2);
    check(simd, r, 2, 10, 2, 1, 0);                                           // no path fits: +∞
  }
}
