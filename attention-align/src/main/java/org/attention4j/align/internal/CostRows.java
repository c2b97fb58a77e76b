package org.attention4j.align.internal;

import java.lang.foreign.MemorySegment;

/**
 * Local costs C[i][j] of an n × m alignment, produced row by row so that a recursion needs O(m)
 * memory for them. Rows may be asked for in any order; an implementation may cache a block of rows.
 */
public interface CostRows extends AutoCloseable {
  /** n, the length of x. */
  int rows();

  /** m, the length of y. */
  int cols();

  /** Writes C[i][j] (float64) to {@code out[j]} for j in [lo, hi); other entries are left alone. */
  void row(int i, int lo, int hi, double[] out);

  /**
   * True when every cost is a float32 value (negated scores of a scorer), so a recursion may take
   * {@link #float32Row} and accumulate through {@code Kernels.dtwRow} without rounding anything.
   */
  default boolean float32() { return false; }

  /**
   * Row i as float32 costs in a segment of {@link #cols()} floats, of which [lo, hi) are meaningful;
   * valid until the next call. Only when {@link #float32()}.
   */
  default MemorySegment float32Row(int i, int lo, int hi) {
    throw new UnsupportedOperationException("float32 rows: these costs are float64");
  }

  /** Writes C[i][i + tau] to {@code out[k]} for i = i0 + k in [i0, i1) (a diagonal of the table). */
  void diagonal(int tau, int i0, int i1, double[] out);

  /** Releases what the rows hold (never the inputs they were made from). */
  @Override default void close() {}
}
