package org.attention4j.train.internal;

import java.lang.foreign.MemorySegment;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;

/** What the losses share: input checks, gradient buffers and a stable log-sum-exp. */
public final class LossSupport {
  private LossSupport() {}

  /** A dense, finite float32 matrix. */
  public static FixedSizeListVector requireInput(FixedSizeListVector v, String argument) {
    DenseMatrices.require(v, argument, -1);
    return DenseMatrices.requireFinite(v, argument);
  }

  /** A zero gradient of the shape of {@code like}, or null when no gradient is wanted. */
  public static FixedSizeListVector gradientLike(FixedSizeListVector like, String name, BufferAllocator allocator) {
    if (allocator == null) throw new IllegalArgumentException("allocator: expected an allocator, got null");
    return DenseMatrices.allocateShaped(allocator, name, DenseMatrices.shape(like));
  }

  /**
   * {@code log Σ_j exp(scale·x[off + j·stride])} for j in [0, n), max-shifted (finite for finite
   * input), with {@link StrictMath}.
   */
  public static double logSumExp(MemorySegment x, long offset, long stride, int n, double scale) {
    double max = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < n; j++) max = Math.max(max, scale * x.getAtIndex(Tensors.F, offset + j * stride));
    if (max == Double.NEGATIVE_INFINITY) return max;
    double sum = 0;
    for (int j = 0; j < n; j++) sum += StrictMath.exp(scale * x.getAtIndex(Tensors.F, offset + j * stride) - max);
    return max + StrictMath.log(sum);
  }
}
