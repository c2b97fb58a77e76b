package org.attention4j.simd.internal;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import org.attention4j.api.spi.Kernels;

/**
 * The Vector API twin of attention-api's {@code ScalarKernels}: the same ops with the same
 * semantics (masks 1 = may attend; a row with nothing to attend gets zero weights and a zero
 * output; masked keys get exactly 0; top-k ties go to the lower index; DTW rows in float64),
 * computed in float32 with FMA, on the calling thread plus a pool of helpers. Data is read
 * zero-copy from the segments passed in ({@code FloatVector.fromMemorySegment}, little-endian);
 * operands reused many times (B of a matmul, K and V of the tiled attention) are first repacked
 * into heap blocks.
 *
 * <p>The width is a constructor argument, so every width can be tested on any machine (a width
 * above the hardware's runs emulated, slowly). The code itself is in {@link VectorKernels}, of
 * which {@link VectorKernelsLoader} makes one copy per width with the width as a constant; this
 * class forwards to it.
 */
final class PanamaKernels implements Kernels {
  /** attentionForward takes the decode path (keys split across threads) up to this many query rows. */
  static final int DECODE_ROWS = 3;
  /** Keys per chunk on the decode path. */
  static final int DECODE_CHUNK = 256;
  /** Keys per chunk of top-k (the unit of parallel work; each thread keeps one list per query over its chunks). */
  static final int TOPK_CHUNK = 4096;
  /** Multiply-adds below which a call stays on the calling thread. */
  static final long PARALLEL_WORK = 1L << 18;

  private final Kernels impl;
  private final VectorMath math;
  private final Parallel parallel;

  /** Kernels of the given width with {@value Parallel#THREADS_PROPERTY} threads (default: all processors). */
  PanamaKernels(VectorShape shape) { this(shape, Parallel.threadsFromProperty()); }

  PanamaKernels(VectorShape shape, int threads) {
    int bits = shape.vectorBitSize();
    if (bits != 128 && bits != 256 && bits != 512) {
      throw new IllegalArgumentException("shape: expected 128, 256 or 512 bits, got " + bits + " bits");
    }
    this.parallel = new Parallel(threads);
    this.impl = VectorKernelsLoader.create(shape, parallel);
    this.math = (VectorMath) impl;
  }

  /** The JVM's preferred vector width in bits (links the Vector API: call only when the module is present). */
  static int preferredBits() { return FloatVector.SPECIES_PREFERRED.vectorBitSize(); }

  /** The width the provider uses by default: the preferred one, capped at 512 bits (wider SVE shapes are not supported). */
  static int defaultBits() { return Math.min(preferredBits(), 512); }

  int threads() { return parallel.threads(); }

  int vectorBits() { return math.vectorBits(); }

  /** The vector building blocks of this width (exp, tanh, lane sums), for the tests. */
  VectorMath math() { return math; }

  @Override public String id() { return "simd"; }

  @Override public String describe() { return impl.describe(); }

  @Override
  public void matmul(MemorySegment a, boolean transA, MemorySegment b, boolean transB, MemorySegment c, int m, int n, int k,
      float alpha, float beta) {
    impl.matmul(a, transA, b, transB, c, m, n, k, alpha, beta);
  }

  @Override
  public void softmaxRows(MemorySegment s, MemorySegment out, int rows, int cols, float scale, MemorySegment mask) {
    impl.softmaxRows(s, out, rows, cols, scale, mask);
  }

  @Override
  public void softmaxBackwardRows(MemorySegment a, MemorySegment dA, MemorySegment dS, int rows, int cols, float scale) {
    impl.softmaxBackwardRows(a, dA, dS, rows, cols, scale);
  }

  @Override
  public void attentionForward(MemorySegment q, MemorySegment k, MemorySegment v, MemorySegment out, MemorySegment weights,
      int nq, int nk, int d, int dv, float scale, MemorySegment mask) {
    impl.attentionForward(q, k, v, out, weights, nq, nk, d, dv, scale, mask);
  }

  @Override
  public void attentionBackward(MemorySegment q, MemorySegment k, MemorySegment v, MemorySegment dOut, MemorySegment dq,
      MemorySegment dk, MemorySegment dv, int nq, int nk, int d, int dvDim, float scale, MemorySegment mask) {
    impl.attentionBackward(q, k, v, dOut, dq, dk, dv, nq, nk, d, dvDim, scale, mask);
  }

  @Override
  public void additiveScores(MemorySegment p, MemorySegment r, MemorySegment w, MemorySegment s, int nq, int nk, int h) {
    impl.additiveScores(p, r, w, s, nq, nk, h);
  }

  @Override
  public void additiveBackward(MemorySegment p, MemorySegment r, MemorySegment w, MemorySegment dS, MemorySegment dP,
      MemorySegment dR, MemorySegment dw, int nq, int nk, int h) {
    impl.additiveBackward(p, r, w, dS, dP, dR, dw, nq, nk, h);
  }

  @Override
  public void additiveAttentionForward(MemorySegment p, MemorySegment r, MemorySegment w, MemorySegment v, MemorySegment out,
      MemorySegment weights, int nq, int nk, int h, int dv, float scale, MemorySegment mask) {
    impl.additiveAttentionForward(p, r, w, v, out, weights, nq, nk, h, dv, scale, mask);
  }

  @Override
  public void topK(MemorySegment keys, int n, int d, MemorySegment queries, int nq, int k, MemorySegment ids,
      MemorySegment scores) {
    impl.topK(keys, n, d, queries, nq, k, ids, scores);
  }

  @Override
  public void dtwRow(MemorySegment prev, MemorySegment cost, MemorySegment cur, int m, int lo, int hi, boolean firstRow) {
    impl.dtwRow(prev, cost, cur, m, lo, hi, firstRow);
  }

  @Override
  public void dtwDistances(MemorySegment x, MemorySegment y, int pairs, int n, int m, int dim, int band, MemorySegment out) {
    impl.dtwDistances(x, y, pairs, n, m, dim, band, out);
  }
}
