package org.attention4j.cli.render;

/** What the renderer will place on an axis. */
final class Plottable {
  private Plottable() {}

  /**
   * Beyond this magnitude axis arithmetic (ranges, margins, tick steps) overflows to infinity, so
   * such values are treated like non-finite ones: skipped.
   */
  static final double LIMIT = 1e300;

  static boolean value(double v) {
    return Math.abs(v) <= LIMIT;                   // false for NaN and ±∞ too
  }
}
