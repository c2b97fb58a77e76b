package org.attention4j.train;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apache.arrow.memory.BufferAllocator;
import org.attention4j.api.ParameterSet;
import org.attention4j.train.internal.Tensors;
import org.apiguardian.api.API;

/**
 * Sums gradients over several micro-batches before one optimiser step: {@code sum += weight · g}
 * for each {@link #add}. With weights {@code n_b / Σ n_b} (micro-batch sizes) the sum is the
 * gradient of the mean loss over all of them, which is what {@link Trainer} does for
 * {@code accumulationSteps > 1}. Owns its buffers (allocated once, zeros), reused after
 * {@link #reset()}; not thread-safe.
 *
 * <pre>{@code
 * try (GradientAccumulator acc = new GradientAccumulator(parameters, allocator)) {
 *   for (ParameterSet g : microBatchGradients) acc.add(g, 0.25);
 *   optimizer.step(parameters, acc.gradients());
 *   acc.reset();
 * }
 * }</pre>
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class GradientAccumulator implements AutoCloseable {
  private final ParameterSet sum;
  private int count;
  private double totalWeight;
  private boolean closed;

  /** An empty accumulator for gradients with the names and shapes of {@code parameters}. */
  public GradientAccumulator(ParameterSet parameters, BufferAllocator allocator) {
    this.sum = Parameters.zerosLike(parameters, allocator);
  }

  /** {@code sum += gradients}; the layout must match (names and shapes). */
  public GradientAccumulator add(ParameterSet gradients) {
    return add(gradients, 1);
  }

  /** {@code sum += weight · gradients}; the layout must match, weight finite. */
  public GradientAccumulator add(ParameterSet gradients, double weight) {
    requireOpen();
    Tensors.requireIn(weight, "weight", -Double.MAX_VALUE, Double.MAX_VALUE, "a finite number");
    Tensors.requireSameLayout(sum, gradients, "the accumulator", "gradients");
    Tensors.addScaled(sum, gradients, weight);
    count++;
    totalWeight += weight;
    return this;
  }

  /** The weighted sum so far, owned by this accumulator (valid until it is closed; changed by add and reset). */
  public ParameterSet gradients() {
    requireOpen();
    return sum;
  }

  /** How many gradients were added since the last reset. */
  public int count() { return count; }

  /** The sum of the weights added since the last reset. */
  public double totalWeight() { return totalWeight; }

  /** Zeroes the sum. */
  public void reset() {
    requireOpen();
    Tensors.zero(sum);
    count = 0;
    totalWeight = 0;
  }

  private void requireOpen() {
    if (closed) throw new IllegalStateException("gradient accumulator: expected an open accumulator, got a closed one");
  }

  @Override public void close() {
    if (closed) return;
    closed = true;
    sum.close();
  }
}
