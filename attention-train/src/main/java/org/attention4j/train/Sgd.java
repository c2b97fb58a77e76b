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
 * Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay, the
 * update of PyTorch's {@code torch.optim.SGD} (dampening 0), per entry, in float64 then rounded to
 * float32:
 * <pre>
 *   g ← g + λ·θ                       (weight decay λ, added to the gradient)
 *   b ← μ·b + g                        (momentum μ; b starts at 0, so b = g on the first step)
 *   θ ← θ − η·(g + μ·b)  with Nesterov,   θ − η·b  without  (η = schedule.at(t))
 * </pre>
 * With μ = 0 no momentum buffer is kept and the step is θ ← θ − η·g.
 *
 * <pre>{@code
 * try (Sgd sgd = Sgd.builder().learningRate(0.1).momentum(0.9).nesterov(true).build(allocator)) {
 *   sgd.step(parameters, gradients);
 * }
 * }</pre>
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Sgd implements Optimizer {
  private final LearningRateSchedule schedule;
  private final double momentum;
  private final boolean nesterov;
  private final double weightDecay;
  private final OptimizerState state;
  private long steps;

  private Sgd(Builder b, BufferAllocator allocator) {
    this.schedule = b.schedule;
    this.momentum = b.momentum;
    this.nesterov = b.nesterov;
    this.weightDecay = b.weightDecay;
    this.state = new OptimizerState("sgd", allocator, momentum == 0 ? 0 : 1);
  }

  /** A builder with learning rate 0.01, no momentum, no weight decay. */
  public static Builder builder() { return new Builder(); }

  /**
   * Configures an {@link Sgd}.
   *
   * @since 0.1
   */
  @API(status = EXPERIMENTAL, since = "0.1")
  public static final class Builder {
    private LearningRateSchedule schedule = LearningRateSchedule.constant(0.01);
    private double momentum;
    private boolean nesterov;
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

    /** Momentum μ in [0, 1). */
    public Builder momentum(double mu) {
      if (!(mu >= 0 && mu < 1)) throw new IllegalArgumentException("momentum: expected a number in [0, 1), got " + mu);
      this.momentum = mu;
      return this;
    }

    /** Nesterov momentum (needs momentum &gt; 0). */
    public Builder nesterov(boolean on) {
      this.nesterov = on;
      return this;
    }

    /** L2 weight decay λ ≥ 0, added to the gradient as λ·θ. */
    public Builder weightDecay(double lambda) {
      Tensors.requireIn(lambda, "weightDecay", 0, Double.MAX_VALUE, "a finite number >= 0");
      this.weightDecay = lambda;
      return this;
    }

    /** The optimiser; its momentum buffers come from {@code allocator} (close the optimiser first). */
    public Sgd build(BufferAllocator allocator) {
      if (nesterov && momentum == 0) {
        throw new IllegalArgumentException("nesterov: expected momentum > 0 with Nesterov momentum, got momentum 0");
      }
      return new Sgd(this, allocator);
    }
  }

  @Override public void step(ParameterSet parameters, ParameterSet gradients) {
    state.prepare(parameters, gradients);
    double lr = schedule.at(steps);
    Tensors.requireIn(lr, "learningRate", 0, Double.MAX_VALUE, "a finite number >= 0 from the schedule at step " + steps);
    for (Map.Entry<String, FixedSizeListVector> e : parameters.asMap().entrySet()) {
      String name = e.getKey();
      MemorySegment p = Tensors.seg(e.getValue()), g = Tensors.seg(gradients.get(name));
      MemorySegment b = momentum == 0 ? null : Tensors.seg(state.slot(0).get(name));
      long n = Tensors.size(e.getValue());
      for (long i = 0; i < n; i++) {
        double theta = p.getAtIndex(Tensors.F, i);
        double grad = g.getAtIndex(Tensors.F, i) + weightDecay * theta;
        double update = grad;
        if (b != null) {
          float buf = (float) (momentum * b.getAtIndex(Tensors.F, i) + grad);
          b.setAtIndex(Tensors.F, i, buf);
          update = nesterov ? grad + momentum * buf : buf;
        }
        p.setAtIndex(Tensors.F, i, (float) (theta - lr * update));
      }
    }
    steps++;
  }

  @Override public long steps() { return steps; }

  @Override public LearningRateSchedule schedule() { return schedule; }

  /** Momentum μ. */
  public double momentum() { return momentum; }

  /** Whether the momentum is Nesterov's. */
  public boolean nesterov() { return nesterov; }

  /** L2 weight decay λ. */
  public double weightDecay() { return weightDecay; }

  @Override public void close() { state.close(); }

  @Override public String toString() {
    return "Sgd[momentum=" + momentum + ", nesterov=" + nesterov + ", weightDecay=" + weightDecay + ", steps=" + steps + "]";
  }
}
