package org.attention4j.align.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Band windows against the definition |i − j·n/m| ≤ W, cell by cell. */
class WindowTest {
  @Test void windowsAreExactlyTheCellsOfTheBand() {
    int[] sizes = {1, 2, 3, 7, 8, 15, 16, 17, 31, 45};
    for (int n : sizes) {
      for (int m : sizes) {
        for (int w : new int[] {-1, 0, 1, 2, 5, 100}) {
          Window win = Window.of(n, m, w);
          long cells = 0;
          for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
              boolean in = w < 0 || Math.abs(i - (double) j * n / m) <= w + 1e-12 * n;
              boolean exact = w < 0 || Math.abs((long) i * m - (long) j * n) <= (long) w * m;
              assertEquals(exact, in, n + "x" + m + " W=" + w + " (" + i + ", " + j + ")");
              assertEquals(exact, j >= win.lo(i) && j < win.hi(i), n + "x" + m + " W=" + w + " (" + i + ", " + j + ")");
              assertEquals(exact, win.contains(i, j));
              if (exact) cells++;
            }
          }
          assertEquals(cells, win.cells(), n + "x" + m + " W=" + w);
        }
      }
    }
  }

  @Test void hugeSizesDoNotOverflow() {
    int n = Integer.MAX_VALUE - 1, m = Integer.MAX_VALUE - 3;
    Window w = Window.of(n, m, Integer.MAX_VALUE);
    assertEquals(0, w.lo(n - 1));
    assertEquals(m, w.hi(0));
    Window narrow = Window.of(n, m, 3);
    assertEquals(0, narrow.lo(0));
    assertEquals(3, narrow.hi(0));                    // |0 − 3·n/m| = 3·n/m > 3 since n > m
    assertEquals(m, narrow.hi(n - 1));
  }
}
