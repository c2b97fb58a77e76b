package org.attention4j.align.internal;

/**
 * The cells a warping path may use: row i of an n × m table may use the columns [lo(i), hi(i)).
 * Without a band every cell; with a Sakoe–Chiba band of width W the cells with
 * {@code |i − j·n/m| ≤ W}, decided exactly on integers as {@code |i·m − j·n| ≤ W·m}.
 *
 * <p>W is clamped to n: for every cell {@code |i − j·n/m| < n}, so a wider band changes nothing, and
 * the clamp keeps {@code (i + W)·m} below 2⁶³.
 */
public final class Window {
  private final int n;
  private final int m;
  private final long w;          // < 0: no band

  private Window(int n, int m, long w) {
    this.n = n;
    this.m = m;
    this.w = w;
  }

  /** The window of an n × m table; {@code band < 0} means no band. */
  public static Window of(int n, int m, int band) {
    if (n < 1 || m < 1) throw new IllegalArgumentException("window: expected n, m >= 1, got " + n + " x " + m);
    return new Window(n, m, band < 0 ? -1 : Math.min(band, (long) n));
  }

  public int rows() { return n; }

  public int cols() { return m; }

  /** True when a band restricts the cells. */
  public boolean banded() { return w >= 0; }

  /** First allowed column of row i: ceil((i − W)·m / n), at least 0. */
  public int lo(int i) {
    if (w < 0) return 0;
    long num = (i - w) * m;
    return (int) Math.max(0, Math.ceilDiv(num, (long) n));
  }

  /** One past the last allowed column of row i: floor((i + W)·m / n) + 1, at most m. */
  public int hi(int i) {
    if (w < 0) return m;
    long num = (i + w) * m;
    return (int) Math.min(m, Math.floorDiv(num, (long) n) + 1);
  }

  /** True when (i, j) is inside the table and the band. */
  public boolean contains(int i, int j) {
    if (i < 0 || i >= n || j < 0 || j >= m) return false;
    if (w < 0) return true;
    return Math.abs((long) i * m - (long) j * n) <= w * m;
  }

  /** The number of allowed cells. */
  public long cells() {
    if (w < 0) return (long) n * m;
    long c = 0;
    for (int i = 0; i < n; i++) c += Math.max(0, hi(i) - lo(i));
    return c;
  }
}
