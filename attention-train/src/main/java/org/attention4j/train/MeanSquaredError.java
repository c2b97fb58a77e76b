package org.attention4j.train;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.train.internal.LossSupport;
import org.attention4j.train.internal.Tensors;
import org.apiguardian.api.API;

/**
 * Mean squared error over every entry: {@code L = (1/N)·Σ (x − y)²} for predictions x and targets y
 * of the same shape (N entries), with {@code dL/dx = 2(x − y)/N}. Sums in float64; an empty input
 * has loss 0.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class MeanSquaredError {
  private static final MeanSquaredError INSTANCE = new MeanSquaredError();

  private MeanSquaredError() {}

  /** The loss (it has no settings). */
  public static MeanSquaredError create() { return INSTANCE; }

  /** The loss and dL/d(predictions), from {@code allocator}. */
  public LossResult compute(FixedSizeListVector predictions, FixedSizeListVector targets, BufferAllocator allocator) {
    check(predictions, targets);
    FixedSizeListVector grad = LossSupport.gradientLike(predictions, "dPredictions", allocator);
    try {
      return new LossResult(run(predictions, targets, Tensors.seg(grad)), grad);
    } catch (RuntimeException | Error e) {
      grad.close();
      throw e;
    }
  }

  /** The loss alone (allocates nothing), e.g. for a validation metric. */
  public double value(FixedSizeListVector predictions, FixedSizeListVector targets) {
    check(predictions, targets);
    return run(predictions, targets, null);
  }

  private static void check(FixedSizeListVector predictions, FixedSizeListVector targets) {
    LossSupport.requireInput(predictions, "predictions");
    LossSupport.requireInput(targets, "targets");
    int[] ps = DenseMatrices.shape(predictions), ts = DenseMatrices.shape(targets);
    if (!Arrays.equals(ps, ts)) {
      throw new IllegalArgumentException("targets: expected shape " + Arrays.toString(ps) + " (= predictions), got "
          + Arrays.toString(ts));
    }
  }

  private static double run(FixedSizeListVector predictions, FixedSizeListVector targets, MemorySegment grad) {
    MemorySegment x = Tensors.seg(predictions), y = Tensors.seg(targets);
    long n = Tensors.size(predictions);
    if (n == 0) return 0;
    double sum = 0;
    for (long i = 0; i < n; i++) {
      double d = (double) x.getAtIndex(Tensors.F, i) - y.getAtIndex(Tensors.F, i);
      sum += d * d;
      if (grad != null) grad.setAtIndex(Tensors.F, i, (float) (2 * d / n));
    }
    return sum / n;
  }

  @Override public String toString() { return "MeanSquaredError"; }
}
