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
 * Binary cross entropy on logits (PyTorch's {@code binary_cross_entropy_with_logits}, mean over
 * every entry), in the numerically stable form, for logits x and targets y ∈ [0, 1] of the same
 * shape (N entries):
 * <pre>
 *   ℓ = max(x, 0) − x·y + log(1 + exp(−|x|))       L = (1/N)·Σ ℓ       dL/dx = (σ(x) − y)/N
 * </pre>
 * Finite for every finite logit (no {@code exp} of a large positive number is ever taken); σ is
 * evaluated on the side that cannot overflow. Float64 inside, {@link StrictMath} for exp and log1p;
 * an empty input has loss 0.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class BinaryCrossEntropy {
  private static final BinaryCrossEntropy INSTANCE = new BinaryCrossEntropy();

  private BinaryCrossEntropy() {}

  /** The loss on logits (it has no settings). */
  public static BinaryCrossEntropy withLogits() { return INSTANCE; }

  /** The loss and dL/d(logits), from {@code allocator}. */
  public LossResult compute(FixedSizeListVector logits, FixedSizeListVector targets, BufferAllocator allocator) {
    check(logits, targets);
    FixedSizeListVector grad = LossSupport.gradientLike(logits, "dLogits", allocator);
    try {
      return new LossResult(run(logits, targets, Tensors.seg(grad)), grad);
    } catch (RuntimeException | Error e) {
      grad.close();
      throw e;
    }
  }

  /** The loss alone (allocates nothing). */
  public double value(FixedSizeListVector logits, FixedSizeListVector targets) {
    check(logits, targets);
    return run(logits, targets, null);
  }

  /** The logistic function σ(x) = 1/(1 + e^−x), computed without overflow. */
  public static double sigmoid(double x) {
    if (x >= 0) return 1 / (1 + StrictMath.exp(-x));
    double e = StrictMath.exp(x);
    return e / (1 + e);
  }

  private static void check(FixedSizeListVector logits, FixedSizeListVector targets) {
    LossSupport.requireInput(logits, "logits");
    LossSupport.requireInput(targets, "targets");
    int[] ls = DenseMatrices.shape(logits), ts = DenseMatrices.shape(targets);
    if (!Arrays.equals(ls, ts)) {
      throw new IllegalArgumentException("targets: expected shape " + Arrays.toString(ls) + " (= logits), got "
          + Arrays.toString(ts));
    }
    MemorySegment y = Tensors.seg(targets);
    int cols = DenseMatrices.cols(targets);
    long n = Tensors.size(targets);
    for (long i = 0; i < n; i++) {
      float t = y.getAtIndex(Tensors.F, i);
      if (!(t >= 0 && t <= 1)) {
        throw new IllegalArgumentException("targets: expected values in [0, 1], got " + t + " at (row " + i / cols
            + ", col " + i % cols + ")");
      }
    }
  }

  private static double run(FixedSizeListVector logits, FixedSizeListVector targets, MemorySegment grad) {
    MemorySegment x = Tensors.seg(logits), y = Tensors.seg(targets);
    long n = Tensors.size(logits);
    if (n == 0) return 0;
    double sum = 0;
    for (long i = 0; i < n; i++) {
      double xi = x.getAtIndex(Tensors.F, i), yi = y.getAtIndex(Tensors.F, i);
      sum += Math.max(xi, 0) - xi * yi + StrictMath.log1p(StrictMath.exp(-Math.abs(xi)));
      if (grad != null) grad.setAtIndex(Tensors.F, i, (float) ((sigmoid(xi) - yi) / n));
    }
    return sum / n;
  }

  @Override public String toString() { return "BinaryCrossEntropy[with logits]"; }
}
