package org.attention4j.align;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.OptionalInt;
import org.apiguardian.api.API;
import org.attention4j.align.internal.Window;

/**
 * Which cells a warping path may use: all of them ({@link #none()}), or a Sakoe–Chiba band of width
 * W that keeps the cells with {@code |i − j·n/m| ≤ W} (row i of x, column j of y), decided exactly
 * on integers as {@code |i·m − j·n| ≤ W·m}. For n = m it is {@code |i − j| ≤ W}, tslearn's
 * {@code sakoe_chiba_radius}; for n ≠ m the band follows the scaled diagonal (tslearn widens it by
 * |n − m| instead). A band can be too narrow for any path from (0, 0) to (n−1, m−1) (e.g. W = 0 with
 * n ≠ m); the computations then refuse it.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Band {
  private static final Band NONE = new Band(-1);

  private final int width;

  private Band(int width) { this.width = width; }

  /** No band: every cell. */
  public static Band none() { return NONE; }

  /** A Sakoe–Chiba band of width {@code w} ≥ 0 (in rows of x). */
  public static Band sakoeChiba(int w) {
    if (w < 0) throw new IllegalArgumentException("band: expected a width >= 0, got " + w);
    return new Band(w);
  }

  /** The width W, or empty for no band. */
  public OptionalInt width() { return width < 0 ? OptionalInt.empty() : OptionalInt.of(width); }

  /** True for {@link #none()}. */
  public boolean isNone() { return width < 0; }

  /** True when cell (i, j) of an n × m table is inside the band (and the table). */
  public boolean contains(int i, int j, int n, int m) { return window(n, m).contains(i, j); }

  /** The number of cells of an n × m table inside the band. */
  public long cells(int n, int m) { return window(n, m).cells(); }

  Window window(int n, int m) { return Window.of(n, m, width); }

  @Override public boolean equals(Object o) { return o instanceof Band b && b.width == width; }

  @Override public int hashCode() { return width; }

  @Override public String toString() { return width < 0 ? "no band" : "Sakoe-Chiba band W=" + width; }
}
