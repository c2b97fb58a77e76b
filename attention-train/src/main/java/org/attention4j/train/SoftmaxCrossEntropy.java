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
 * Softmax cross entropy over the rows of logits X [n, C] against integer labels y [n] (PyTorch's
 * {@code cross_entropy} with {@code reduction='mean'}):
 * <pre>
 *   ℓ_i = logsumexp_j X[i][j] − X[i][y_i]          (max-shifted: finite for any finite logits)
 *   L   = Σ_i w[y_i]·ℓ_i / Σ_i w[y_i]              over the rows whose label is not the ignore index
 *   dL/dX[i][j] = w[y_i]·(softmax(X_i)_j − [j = y_i]) / Σ_i w[y_i]
 * </pre>
 * Class weights w default to 1. Rows labelled with the ignore index (default −100, as in PyTorch)
 * add nothing and get a zero gradient; when every row is ignored (or the weights sum to 0) the loss
 * is 0 with a zero gradient — never NaN. Float64 inside, {@link StrictMath} for exp and log.
 *
 * <pre>{@code
 * SoftmaxCrossEntropy ce = SoftmaxCrossEntropy.create().withClassWeights(new double[] {1, 3}).withIgnoreIndex(-1);
 * try (LossResult r = ce.compute(logits, labels, allocator)) { ... r.value() ... r.gradient() ... }
 * }</pre>
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class SoftmaxCrossEntropy {
  /** PyTorch's default ignore index. */
  public static final int DEFAULT_IGNORE_INDEX = -100;

  private final double[] classWeights;
  private final int ignoreIndex;

  private SoftmaxCrossEntropy(double[] classWeights, int ignoreIndex) {
    this.classWeights = classWeights;
    this.ignoreIndex = ignoreIndex;
  }

  /** Unweighted, ignore index −100. */
  public static SoftmaxCrossEntropy create() { return new SoftmaxCrossEntropy(null, DEFAULT_IGNORE_INDEX); }

  /** The same loss with per-class weights (one per class, finite, ≥ 0; copied). */
  public SoftmaxCrossEntropy withClassWeights(double[] weights) {
    if (weights == null) throw new IllegalArgumentException("classWeights: expected one weight per class, got null");
    for (int c = 0; c < weights.length; c++) {
      Tensors.requireIn(weights[c], "classWeights[" + c + "]", 0, Double.MAX_VALUE, "a finite number >= 0");
    }
    return new SoftmaxCrossEntropy(weights.clone(), ignoreIndex);
  }

  /** The same loss ignoring rows whose label is {@code index} (outside [0, C) to be meaningful). */
  public SoftmaxCrossEntropy withIgnoreIndex(int index) { return new SoftmaxCrossEntropy(classWeights, index); }

  /** The ignore index. */
  public int ignoreIndex() { return ignoreIndex; }

  /** A copy of the class weights, or null when unweighted. */
  public double[] classWeights() { return classWeights == null ? null : classWeights.clone(); }

  /** The loss and dL/d(logits), from {@code allocator}. */
  public LossResult compute(FixedSizeListVector logits, int[] labels, BufferAllocator allocator) {
    check(logits, labels);
    FixedSizeListVector grad = LossSupport.gradientLike(logits, "dLogits", allocator);
    try {
      return new LossResult(run(logits, labels, Tensors.seg(grad)), grad);
    } catch (RuntimeException | Error e) {
      grad.close();
      throw e;
    }
  }

  /** The loss alone (allocates nothing). */
  public double value(FixedSizeListVector logits, int[] labels) {
    check(logits, labels);
    return run(logits, labels, null);
  }

  private void check(FixedSizeListVector logits, int[] labels) {
    LossSupport.requireInput(logits, "logits");
    int n = DenseMatrices.rows(logits), c = DenseMatrices.cols(logits);
    if (labels == null) throw new IllegalArgumentException("labels: expected " + n + " labels (= logits rows), got null");
    if (labels.length != n) {
      throw new IllegalArgumentException("labels: expected " + n + " labels (= logits rows), got " + labels.length);
    }
    if (classWeights != null && classWeights.length != c) {
      throw new IllegalArgumentException("classWeights: expected " + c + " weights (= logits columns), got "
          + classWeights.length);
    }
    for (int i = 0; i < n; i++) {
      if (labels[i] != ignoreIndex && (labels[i] < 0 || labels[i] >= c)) {
        throw new IllegalArgumentException("labels[" + i + "]: expected a class in [0, " + c + ") or the ignore index "
            + ignoreIndex + ", got " + labels[i]);
      }
    }
  }

  private double run(FixedSizeListVector logits, int[] labels, MemorySegment grad) {
    MemorySegment x = Tensors.seg(logits);
    int n = DenseMatrices.rows(logits), c = DenseMatrices.cols(logits);
    double total = 0, weightSum = 0;
    for (int i = 0; i < n; i++) {
      if (labels[i] == ignoreIndex) continue;
      double w = classWeights == null ? 1 : classWeights[labels[i]];
      double lse = LossSupport.logSumExp(x, (long) i * c, 1, c, 1);
      total += w * (lse - x.getAtIndex(Tensors.F, (long) i * c + labels[i]));
      weightSum += w;
    }
    if (grad != null && weightSum > 0) {
      for (int i = 0; i < n; i++) {
        if (labels[i] == ignoreIndex) continue;
        double w = classWeights == null ? 1 : classWeights[labels[i]];
        if (w == 0) continue;
        double lse = LossSupport.logSumExp(x, (long) i * c, 1, c, 1);
        for (int j = 0; j < c; j++) {
          long at = (long) i * c + j;
          double p = StrictMath.exp(x.getAtIndex(Tensors.F, at) - lse);
          grad.setAtIndex(Tensors.F, at, (float) (w * (p - (j == labels[i] ? 1 : 0)) / weightSum));
        }
      }
    }
    return weightSum > 0 ? total / weightSum : 0;
  }

  @Override public String toString() {
    return "SoftmaxCrossEntropy[classWeights=" + (classWeights == null ? "none" : Arrays.toString(classWeights))
        + ", ignoreIndex=" + ignoreIndex + "]";
  }
}
