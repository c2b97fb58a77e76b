package org.attention4j.align.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.spi.Scorer;

/**
 * Costs C[i][j] = −s(x_i, y_j) from a scorer: the score matrix is the alignment matrix. Rows are
 * scored in fixed blocks of up to 256 rows and {@link #BLOCK_FLOATS} floats (at least one full row),
 * x rows [b0, b1) against only the y columns the window allows in those rows, so memory stays O(m)
 * for any n. Costs are float32 (negation is
 * exact), so recursions may use {@code Kernels.dtwRow}. Every score is checked to be finite.
 *
 * <p>The diagonals of the landscape come from {@link Scorer#scorePairs} (one score per (i, i + τ)).
 * Arrow buffers live only inside a call; the block is kept as a Java array.
 */
public final class ScorerCost implements CostRows {
  /** The largest block of scores held at once: 2²⁰ floats (4 MiB), but always at least one row. */
  public static final int BLOCK_FLOATS = 1 << 20;
  private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

  private final Scorer scorer;
  private final String name;
  private final FixedSizeListVector x;
  private final FixedSizeListVector y;
  private final Window window;
  private final BufferAllocator allocator;
  private final int n;
  private final int m;
  private final int d;
  private final int blockRows;

  private float[] block = new float[0];     // costs of rows [b0, b1) × columns [c0, c1)
  private int b0 = -1;
  private int b1 = -1;
  private int c0;
  private int c1;
  private final float[] rowBuffer;          // one row in full width, for the kernel

  /**
   * @param scorer creates the scores (not closed here)
   * @param name how errors name the costs, e.g. {@code scorer:dot}
   * @param x the series x [n, d] (not closed here)
   * @param y the series y [m, d] (not closed here)
   * @param window the cells rows will be asked for (only those are scored)
   * @param allocator where the blocks' Arrow vectors are allocated (and closed again within a call)
   */
  public ScorerCost(Scorer scorer, String name, FixedSizeListVector x, FixedSizeListVector y, Window window,
      BufferAllocator allocator) {
    this.scorer = scorer;
    this.name = name;
    this.x = x;
    this.y = y;
    this.window = window;
    this.allocator = allocator;
    this.n = DenseMatrices.rows(x);
    this.m = DenseMatrices.rows(y);
    this.d = DenseMatrices.cols(x);
    if (window.rows() != n || window.cols() != m) {
      throw new IllegalArgumentException("window: expected " + n + " x " + m + ", got " + window.rows() + " x " + window.cols());
    }
    this.blockRows = Math.max(1, Math.min(256, BLOCK_FLOATS / m));   // a block holds at most max(2^20, m) floats
    this.rowBuffer = new float[m];
  }

  @Override public int rows() { return n; }

  @Override public int cols() { return m; }

  @Override public boolean float32() { return true; }

  /** Makes row i part of the current block, scoring a new block when needed. */
  private void load(int i) {
    if (i >= b0 && i < b1) return;
    int start = (i / blockRows) * blockRows;
    int end = Math.min(n, start + blockRows);
    int lo = window.lo(start), hi = window.hi(end - 1);          // lo and hi grow with i
    for (int r = start; r < end; r++) {
      lo = Math.min(lo, window.lo(r));
      hi = Math.max(hi, window.hi(r));
    }
    if (hi <= lo) hi = lo;                                        // empty windows: nothing to score
    int width = hi - lo;
    if (block.length < (end - start) * width) block = new float[(end - start) * width];
    if (width > 0) {
      try (FixedSizeListVector xb = slice(x, start, end, "x rows");
           FixedSizeListVector yb = lo == 0 && hi == m ? null : slice(y, lo, hi, "y rows");
           FixedSizeListVector s = scorer.score(xb, yb == null ? y : yb, allocator)) {
        DenseMatrices.require(s, name + " scores", end - start, width);
        MemorySegment seg = DenseMatrices.segment(s);
        long count = (long) (end - start) * width;
        for (long k = 0; k < count; k++) {
          float v = seg.getAtIndex(F, k);
          if (!Float.isFinite(v)) {
            throw new IllegalArgumentException(name + " scores: expected finite values, got " + v + " at (row "
                + (start + k / width) + ", col " + (lo + k % width) + ")");
          }
          block[(int) k] = -v;
        }
      }
    }
    b0 = start;
    b1 = end;
    c0 = lo;
    c1 = hi;
  }

  private FixedSizeListVector slice(FixedSizeListVector v, int from, int to, String what) {
    FixedSizeListVector out = DenseMatrices.allocate(allocator, what, to - from, d);
    long bytes = (long) (to - from) * d * Float.BYTES;
    MemorySegment.copy(DenseMatrices.segment(v), (long) from * d * Float.BYTES, DenseMatrices.segment(out), 0, bytes);
    return out;
  }

  @Override public void row(int i, int lo, int hi, double[] out) {
    load(i);
    checkColumns(lo, hi);
    int base = (i - b0) * (c1 - c0) - c0;
    for (int j = lo; j < hi; j++) out[j] = block[base + j];
  }

  @Override public MemorySegment float32Row(int i, int lo, int hi) {
    load(i);
    checkColumns(lo, hi);
    int width = c1 - c0;
    if (c0 == 0 && c1 == m) {
      return MemorySegment.ofArray(block).asSlice((long) (i - b0) * width * Float.BYTES, (long) m * Float.BYTES);
    }
    System.arraycopy(block, (i - b0) * width + (lo - c0), rowBuffer, lo, hi - lo);
    return MemorySegment.ofArray(rowBuffer);
  }

  private void checkColumns(int lo, int hi) {
    if (lo < hi && (lo < c0 || hi > c1)) {
      throw new IllegalStateException("cost rows: columns [" + lo + ", " + hi + ") outside the scored window [" + c0
          + ", " + c1 + ")");
    }
  }

  @Override public void diagonal(int tau, int i0, int i1, double[] out) {
    int count = i1 - i0;
    if (count <= 0) return;
    int[] src = new int[count], dst = new int[count];
    for (int k = 0; k < count; k++) {
      src[k] = i0 + k;
      dst[k] = i0 + k + tau;
    }
    try (FixedSizeListVector s = scorer.scorePairs(x, y, src, dst, allocator)) {
      DenseMatrices.require(s, name + " pair scores", count, 1);
      MemorySegment seg = DenseMatrices.segment(s);
      for (int k = 0; k < count; k++) {
        float v = seg.getAtIndex(F, k);
        if (!Float.isFinite(v)) {
          throw new IllegalArgumentException(name + " scores: expected finite values, got " + v + " at (row " + src[k]
              + ", col " + dst[k] + ")");
        }
        out[k] = -v;
      }
    }
  }
}
