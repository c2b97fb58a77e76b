package org.attention4j.align.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.attention4j.api.registry.Registry;
import org.attention4j.api.spi.Kernels;
import org.junit.jupiter.api.Test;

/**
 * The kernel route ({@code Kernels.dtwRow} over float32 costs, directions derived from its rows)
 * against the float64 loop, on costs full of ties (small integers) and with windows: distances and
 * paths equal exactly.
 */
class DtwRecursionTest {
  private static final Kernels KERNELS = Registry.load(List.of(), Optional.of("scalar")).kernels();

  /** float32 costs held in a matrix, offered both as float32 rows and as float64 rows. */
  private static final class Float32Matrix implements CostRows {
    final float[] c;
    final int n, m;
    final float[] row;

    Float32Matrix(float[] c, int n, int m) {
      this.c = c;
      this.n = n;
      this.m = m;
      this.row = new float[m];
    }

    @Override public int rows() { return n; }
    @Override public int cols() { return m; }
    @Override public void row(int i, int lo, int hi, double[] out) { for (int j = lo; j < hi; j++) out[j] = c[i * m + j]; }
    @Override public boolean float32() { return true; }
    @Override public MemorySegment float32Row(int i, int lo, int hi) {
      System.arraycopy(c, i * m, row, 0, m);
      return MemorySegment.ofArray(row);
    }
    @Override public void diagonal(int tau, int i0, int i1, double[] out) { throw new UnsupportedOperationException(); }
  }

  @Test void kernelRouteEqualsTheFloat64LoopIncludingTies() {
    Random r = new Random(21);
    int[] sizes = {1, 2, 3, 7, 16, 17, 33};
    for (int n : sizes) {
      for (int m : sizes) {
        for (int w : new int[] {-1, 0, 1, 3}) {
          float[] c = new float[n * m];
          for (int k = 0; k < c.length; k++) c[k] = r.nextInt(3);      // 0, 1, 2: ties everywhere
          Float32Matrix costs = new Float32Matrix(c, n, m);
          Window win = Window.of(n, m, w);
          String what = n + "x" + m + " W=" + w;
          double viaKernel = DtwRecursion.distance(costs, win, KERNELS);
          double viaLoop = DtwRecursion.distance(costs, win, null);
          assertEquals(viaLoop, viaKernel, what);
          DtwRecursion.Result pk = DtwRecursion.path(costs, win, KERNELS), pl = DtwRecursion.path(costs, win, null);
          if (viaLoop == Double.POSITIVE_INFINITY) {
            assertNull(pk, what);
            assertNull(pl, what);
            continue;
          }
          assertEquals(viaLoop, pk.distance(), what);
          assertArrayEquals(pl.rows(), pk.rows(), what);
          assertArrayEquals(pl.cols(), pk.cols(), what);
          double sum = 0;
          for (int k = 0; k < pl.rows().length; k++) sum += c[pl.rows()[k] * m + pl.cols()[k]];
          assertEquals(viaLoop, sum, what + ": the distance is the sum along the path");
        }
      }
    }
  }

  @Test void chooseBreaksTiesDiagonalUpLeft() {
    assertEquals(DtwRecursion.DIAG, DtwRecursion.choose(1, 1, 1));
    assertEquals(DtwRecursion.UP, DtwRecursion.choose(2, 1, 1));
    assertEquals(DtwRecursion.LEFT, DtwRecursion.choose(2, 2, 1));
    assertEquals(DtwRecursion.DIAG, DtwRecursion.choose(1, 2, 1));
    assertEquals(DtwRecursion.UP, DtwRecursion.choose(Double.POSITIVE_INFINITY, 3, Double.POSITIVE_INFINITY));
    assertEquals(DtwRecursion.LEFT, DtwRecursion.choose(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, 3));
  }
}
