package org.attention4j.train;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.lang.foreign.MemorySegment;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.ParameterSet;
import org.attention4j.train.internal.OptimizerState;
import org.attention4j.train.internal.Tensors;
import org.apiguardian.api.API;

/**
 * Adam (Kingma &amp; Ba), with decoupled weight decay (AdamW, Loshchilov &amp; Hutter) when
 * {@code weightDecay > 0}: the update of PyTorch's {@code torch.optim.AdamW}, per entry, in float64
 * then rounded to float32, at step {@code t = steps() + 1} with {@code η = schedule.at(steps())}:
 * <pre>
 *   θ ← θ − η·λ·θ                                   (decoupled weight decay λ; none when λ = 0)
 *   m ← β₁·m + (1 − β₁)·g        v ← β₂·v + (1 − β₂)·g²
 *   θ ← θ − η · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
 * </pre>
 * The moments m and v (float32, zero at first) are kept per tensor. Defaults: η = 0.001, β₁ = 0.9,
 * β₂ = 0.999, ε = 1e-8, λ = 0 (plain Adam).
 *
 * <pre>{@code
 * try (Adam adamW = Adam.builder().learningRate(3e-3).weightDecay(0.01).build(allocator)) {
 *   adamW.step(parameters, gradients);
 * }
 * }</pre>
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Adam implements Optimizer {
  private final LearningRateSchedule schedule;
  private final double beta1;
  private final double beta2;
  private final double epsilon;
  private final double weightDecay;
  private final OptimizerState state;
  private long steps;

  private Adam(Builder b, BufferAllocator allocator) {
    this.schedule = b.schedule;
    this.beta1 = b.beta1;
    this.beta2 = b.beta2;
    this.epsilon = b.epsilon;
    this.weightDecay = b.weightDecay;
    this.state = new OptimizerState("adam", allocator, 2);
  }

  /** A builder with η = 0.001, β = (0.9, 0.999), ε = 1e-8 and no weight decay. */
  public static Builder builder() { return new Builder(); }

  /**
   * Configures an {@link Adam}.
   *
   * @since 0.1
   */
  @API(status = EXPERIMENTAL, since = "0.1")
  public static final class Builder {
    private LearningRateSchedule schedule = LearningRateSchedule.constant(1e-3);
    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private double epsilon = 1e-8;
    private double weightDecay;

    private Builder() {}

    /** A constant learning rate (finite, ≥ 0). */
    public Builder learningRate(double lr) {
      this.schedule = LearningRateSchedule.constant(lr);
      return this;
    }

    /** A learning-rate schedule (replaces {@link #learningRate}). */
    public Builder schedule(LearningRateSchedule s) {
      if (s == null) throw new IllegalArgumentException("schedule: expected a learning-rate schedule, got null");
      this.schedule = s;
      return this;
    }

    /** The moment decay rates β₁, β₂, each in [0, 1). */
    public Builder betas(double b1, double b2) {
      if (!(b1 >= 0 && b1 < 1)) throw new IllegalArgumentException("beta1: expected a number in [0, 1), got " + b1);
      if (!(b2 >= 0 && b2 < 1)) throw new IllegalArgumentException("beta2: expected a number in [0, 1), got " + b2);
      this.beta1 = b1;
      this.beta2 = b2;
      return this;
    }

    /** ε &gt; 0, added to √v̂. */
    public Builder epsilon(double eps) {
      if (!(eps > 0) || !Double.isFinite(eps)) throw new IllegalArgumentException("epsilon: expected a finite number > 0, got " + eps);
      this.epsilon = eps;
      return this;
    }

    /** Decoupled weight decay λ ≥ 0 (AdamW): θ ← θ − η·λ·θ before the Adam update. */
    public Builder weightDecay(double lambda) {
      Tensors.requireIn(lambda, "weightDecay", 0, Double.MAX_VALUE, "a finite number >= 0");
      this.weightDecay = lambda;
      return this;
    }

    /** The optimiser; its moment buffers come from {@code allocator} (close the optimiser first). */
    public Adam build(BufferAllocator allocator) { return new Adam(this, allocator); }
  }

  @Override public void step(ParameterSet parameters, ParameterSet gradients) {
    state.prepare(parameters, gradients);
    double lr = schedule.at(steps);
    Tensors.requireIn(lr, "learningRate", 0, Double.MAX_VALUE, "a finite number >= 0 from the schedule at step " + steps);
    long t = steps + 1;
    double bias1 = 1 - StrictMath.pow(beta1, t), bias2 = 1 - StrictMath.pow(beta2, t);
    double decay = 1 - lr * weightDecay;
    for (Map.Entry<String, FixedSizeListVector> e : parameters.asMap().entrySet()) {
      String name = e.getKey();
      MemorySegment p = Tensors.seg(e.getValue()), g = Tensors.seg(gradients.get(name));
      MemorySegment m = Tensors.seg(state.slot(0).get(name)), v = Tensors.seg(state.slot(1).get(name));
      long n = Tensors.size(e.getValue());
      for (long i = 0; i < n; i++) {
        double grad = g.getAtIndex(Tensors.F, i);
        float mi = (float) (beta1 * m.getAtIndex(Tensors.F, i) + (1 - beta1) * grad);
        float vi = (float) (beta2 * v.getAtIndex(Tensors.F, i) + (1 - beta2) * grad * grad);
        m.setAtIndex(Tensors.F, i, mi);
        v.setAtIndex(Tensors.F, i, vi);
        double theta = p.getAtIndex(Tensors.F, i);
        if (weightDecay != 0) theta *= decay;
        theta -= lr * (mi / bias1) / (Math.sqrt(vi / bias2) + epsilon);
        p.setAtIndex(Tensors.F, i, (float) theta);
      }
    }
    steps++;
  }

  @Override public long steps() { return steps; }

  @Override public LearningRateSchedule schedule() { return schedule; }

  /** β₁. */
  public double beta1() { return beta1; }

  /** β₂. */
  public double beta2() { return beta2; }

  /** ε. */
  public double epsilon() { return epsilon; }

  /** Decoupled weight decay λ (0 for plain Adam). */
  public double weightDecay() { return weightDecay; }

  @Override public void close() { state.close(); }

  @Override public String toString() {
    return "Adam[beta1=" + beta1 + ", beta2=" + beta2 + ", epsilon=" + epsilon + ", weightDecay=" + weightDecay
        + ", steps=" + steps + "]";
  }
}
