package org.attention4j.train;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleSupplier;
import org.apache.arrow.memory.BufferAllocator;
import org.attention4j.api.ParameterSet;
import org.attention4j.train.internal.Tensors;
import org.apiguardian.api.API;

/**
 * A deterministic minibatch loop: per epoch, the examples 0…n−1 are shuffled with
 * {@code new Random(mix(seed, epoch))} (Fisher–Yates; the order depends on the seed and the epoch
 * only) and cut into batches of {@code batchSize} (the last one shorter unless {@code dropLast}).
 * For each batch the {@link Objective} writes the gradient of the batch's mean loss into a zeroed
 * gradient set; every {@code accumulationSteps} batches the gradients (weighted by batch size, so
 * they are those of the mean loss over those batches) are clipped and the optimiser updates the
 * parameters in place.
 *
 * <p>After each epoch the validation metric (when set) is evaluated on the current parameters.
 * The watched metric — the validation metric, else the epoch's training loss when early stopping is
 * on — improves when it beats the best so far by more than {@code minDelta}. Early stopping ends
 * training after {@code patience} epochs without improvement. When a metric is watched and
 * {@code restoreBest} is on (the default), the parameters of the best epoch are copied back at the
 * end. A NaN or infinite loss, gradient norm or metric ends training with
 * {@link StopReason#NON_FINITE} before that step is applied. {@code cancelled} is polled before
 * every batch; when it returns true, {@link #fit} throws {@link CancellationException} and the
 * parameters stay as they were after the last completed step.
 *
 * <pre>{@code
 * TrainingHistory h = Trainer.builder(parameters, adam).epochs(50).batchSize(16).seed(7)
 *     .validation(() -> mse.value(predict(xVal), yVal), MetricGoal.MINIMIZE).earlyStopping(5, 1e-4)
 *     .listener(progressBar).cancellation(Thread.currentThread()::isInterrupted)
 *     .build().fit(n, objective, allocator);
 * }</pre>
 *
 * <p>Deterministic: with the same seed, parameters, data and objective, two fits give bitwise
 * identical parameters, because everything the loop itself does (shuffles, weighting, clipping,
 * updates) is sequential float64 arithmetic in a fixed order (see the README, "Determinism").
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Trainer {
  private final ParameterSet parameters;
  private final Optimizer optimizer;
  private final int epochs;
  private final int batchSize;
  private final long seed;
  private final boolean shuffle;
  private final boolean dropLast;
  private final int accumulationSteps;
  private final Clipping clipping;
  private final DoubleSupplier validation;
  private final MetricGoal goal;
  private final int patience;
  private final double minDelta;
  private final boolean restoreBest;
  private final TrainingListener listener;
  private final BooleanSupplier cancelled;

  private Trainer(Builder b) {
    this.parameters = b.parameters;
    this.optimizer = b.optimizer;
    this.epochs = b.epochs;
    this.batchSize = b.batchSize;
    this.seed = b.seed;
    this.shuffle = b.shuffle;
    this.dropLast = b.dropLast;
    this.accumulationSteps = b.accumulationSteps;
    this.clipping = b.clipping;
    this.validation = b.validation;
    this.goal = b.goal;
    this.patience = b.patience;
    this.minDelta = b.minDelta;
    this.restoreBest = b.restoreBest;
    this.listener = b.listener;
    this.cancelled = b.cancelled;
  }

  /**
   * A builder for training {@code parameters} (updated in place, e.g. a scorer's
   * {@code parameters()}) with {@code optimizer}. Defaults: 10 epochs, batches of 32, seed 0,
   * shuffled, last batch kept, no accumulation, no clipping, no validation, no early stopping.
   */
  public static Builder builder(ParameterSet parameters, Optimizer optimizer) {
    return new Builder(parameters, optimizer);
  }

  /**
   * Configures a {@link Trainer}.
   *
   * @since 0.1
   */
  @API(status = EXPERIMENTAL, since = "0.1")
  public static final class Builder {
    private final ParameterSet parameters;
    private final Optimizer optimizer;
    private int epochs = 10;
    private int batchSize = 32;
    private long seed;
    private boolean shuffle = true;
    private boolean dropLast;
    private int accumulationSteps = 1;
    private Clipping clipping = Clipping.none();
    private DoubleSupplier validation;
    private MetricGoal goal = MetricGoal.MINIMIZE;
    private int patience = -1;
    private double minDelta;
    private boolean restoreBest = true;
    private TrainingListener listener = new TrainingListener() {};
    private BooleanSupplier cancelled = () -> false;

    private Builder(ParameterSet parameters, Optimizer optimizer) {
      if (parameters == null) throw new IllegalArgumentException("parameters: expected a parameter set, got null");
      if (optimizer == null) throw new IllegalArgumentException("optimizer: expected an optimizer, got null");
      this.parameters = parameters;
      this.optimizer = optimizer;
    }

    /** The number of epochs (≥ 1). */
    public Builder epochs(int n) {
      if (n < 1) throw new IllegalArgumentException("epochs: expected an integer >= 1, got " + n);
      this.epochs = n;
      return this;
    }

    /** Examples per batch (≥ 1). */
    public Builder batchSize(int n) {
      if (n < 1) throw new IllegalArgumentException("batchSize: expected an integer >= 1, got " + n);
      this.batchSize = n;
      return this;
    }

    /** The seed of the shuffles. */
    public Builder seed(long s) {
      this.seed = s;
      return this;
    }

    /** Whether to shuffle each epoch (default true); false keeps 0…n−1. */
    public Builder shuffle(boolean on) {
      this.shuffle = on;
      return this;
    }

    /** Whether to drop a last batch shorter than {@code batchSize} (default false). */
    public Builder dropLast(boolean on) {
      this.dropLast = on;
      return this;
    }

    /** Batches per optimiser step (≥ 1; default 1): gradients are accumulated over them. */
    public Builder accumulationSteps(int n) {
      if (n < 1) throw new IllegalArgumentException("accumulationSteps: expected an integer >= 1, got " + n);
      this.accumulationSteps = n;
      return this;
    }

    /** Gradient clipping before each step (default none). */
    public Builder clipping(Clipping c) {
      if (c == null) throw new IllegalArgumentException("clipping: expected a clipping, got null");
      this.clipping = c;
      return this;
    }

    /** A validation metric, evaluated on the current parameters after each epoch, and its goal. */
    public Builder validation(DoubleSupplier metric, MetricGoal metricGoal) {
      if (metric == null) throw new IllegalArgumentException("validation: expected a metric, got null");
      if (metricGoal == null) throw new IllegalArgumentException("goal: expected MINIMIZE or MAXIMIZE, got null");
      this.validation = metric;
      this.goal = metricGoal;
      return this;
    }

    /**
     * Stop after {@code patience} (≥ 1) epochs in which the watched metric did not improve by more
     * than {@code delta} (finite, ≥ 0).
     */
    public Builder earlyStopping(int epochsWithoutImprovement, double delta) {
      if (epochsWithoutImprovement < 1) {
        throw new IllegalArgumentException("patience: expected an integer >= 1, got " + epochsWithoutImprovement);
      }
      Tensors.requireIn(delta, "minDelta", 0, Double.MAX_VALUE, "a finite number >= 0");
      this.patience = epochsWithoutImprovement;
      this.minDelta = delta;
      return this;
    }

    /** Whether to restore the best epoch's parameters at the end when a metric is watched (default true). */
    public Builder restoreBest(boolean on) {
      this.restoreBest = on;
      return this;
    }

    /** Progress callbacks. */
    public Builder listener(TrainingListener l) {
      if (l == null) throw new IllegalArgumentException("listener: expected a listener, got null");
      this.listener = l;
      return this;
    }

    /** Polled before every batch; true cancels ({@link CancellationException}). */
    public Builder cancellation(BooleanSupplier isCancelled) {
      if (isCancelled == null) throw new IllegalArgumentException("cancellation: expected a BooleanSupplier, got null");
      this.cancelled = isCancelled;
      return this;
    }

    /** The trainer. */
    public Trainer build() { return new Trainer(this); }
  }

  /**
   * Trains on {@code examples} examples (indices 0…examples−1, handed to the objective in batches).
   * The trainer's own buffers (gradients, the best parameters) come from a child of
   * {@code allocator} and are closed before this returns; the objective's batches get
   * {@code allocator} itself.
   *
   * @throws CancellationException when the cancellation supplier returned true
   */
  public TrainingHistory fit(int examples, Objective objective, BufferAllocator allocator) {
    if (examples < 1) throw new IllegalArgumentException("examples: expected an integer >= 1, got " + examples);
    if (objective == null) throw new IllegalArgumentException("objective: expected an objective, got null");
    if (allocator == null) throw new IllegalArgumentException("allocator: expected an allocator, got null");
    int batches = dropLast ? examples / batchSize : (examples + batchSize - 1) / batchSize;
    if (batches == 0) {
      throw new IllegalArgumentException("examples: expected at least batchSize = " + batchSize
          + " examples (the only batch is dropped otherwise), got " + examples);
    }
    int stepsPerEpoch = (batches + accumulationSteps - 1) / accumulationSteps;
    boolean watching = validation != null || patience > 0;
    try (BufferAllocator own = allocator.newChildAllocator("trainer", 0, Long.MAX_VALUE);
         ParameterSet gradients = Parameters.zerosLike(parameters, own);
         GradientAccumulator accumulator = accumulationSteps > 1 ? new GradientAccumulator(parameters, own) : null;
         Run run = new Run(own)) {
      int[] order = new int[examples];
      List<Double> losses = new ArrayList<>(), metrics = new ArrayList<>();
      StopReason reason = StopReason.COMPLETED;
      String detail = "ran " + epochs + " epochs";
      long step = 0;
      int sinceBest = 0;
      epochs:
      for (int epoch = 0; epoch < epochs; epoch++) {
        for (int i = 0; i < examples; i++) order[i] = i;
        if (shuffle) shuffle(order, new Random(Tensors.mix(seed, epoch)));
        double epochSum = 0;
        long epochCount = 0;
        for (int s = 0; s < stepsPerEpoch; s++) {
          int first = s * accumulationSteps, last = Math.min(first + accumulationSteps, batches);
          int groupSize = 0;
          for (int b = first; b < last; b++) groupSize += batchEnd(b, examples) - b * batchSize;
          double groupLoss = 0;
          for (int b = first; b < last; b++) {
            if (cancelled.getAsBoolean()) {
              throw new CancellationException("training: cancelled at epoch " + epoch + ", batch " + b + " (after "
                  + step + " optimizer steps)");
            }
            int from = b * batchSize, to = batchEnd(b, examples);
            Batch batch = new Batch(epoch, b, Arrays.copyOfRange(order, from, to), allocator);
            Tensors.zero(gradients);
            double loss = objective.compute(batch, gradients);
            if (!Double.isFinite(loss)) {
              reason = StopReason.NON_FINITE;
              detail = "loss " + loss + " at epoch " + epoch + ", batch " + b + "; that step was not applied";
              break epochs;
            }
            if (accumulator != null) accumulator.add(gradients, (double) (to - from) / groupSize);
            groupLoss += loss * (to - from);
          }
          ParameterSet g = accumulator != null ? accumulator.gradients() : gradients;
          double norm = clipping.apply(g);
          if (!Double.isFinite(norm)) {
            reason = StopReason.NON_FINITE;
            detail = "gradient norm " + norm + " at epoch " + epoch + ", step " + s + "; that step was not applied";
            break epochs;
          }
          double lr = optimizer.learningRate();
          optimizer.step(parameters, g);
          if (accumulator != null) accumulator.reset();
          epochSum += groupLoss;
          epochCount += groupSize;
          listener.onStep(new TrainingListener.StepEvent(epoch, epochs, s, stepsPerEpoch, step++, groupLoss / groupSize, lr,
              norm));
        }
        double epochLoss = epochSum / epochCount;
        losses.add(epochLoss);
        OptionalDouble metric = OptionalDouble.empty();
        boolean improved = false;
        if (watching) {
          double m = validation != null ? validation.getAsDouble() : epochLoss;
          if (validation != null) {
            metrics.add(m);
            metric = OptionalDouble.of(m);
          }
          if (!Double.isFinite(m)) {
            reason = StopReason.NON_FINITE;
            detail = (validation != null ? "validation metric " : "training loss ") + m + " after epoch " + epoch;
            listener.onEpoch(new TrainingListener.EpochEvent(epoch, epochs, epochLoss, metric, false, run.bestEpoch));
            break;
          }
          improved = run.bestEpoch < 0 || (validation != null ? goal : MetricGoal.MINIMIZE).improves(m, run.bestMetric, minDelta);
          if (improved) {
            run.improve(epoch, m, restoreBest ? parameters : null);
            sinceBest = 0;
          } else {
            sinceBest++;
          }
        }
        listener.onEpoch(new TrainingListener.EpochEvent(epoch, epochs, epochLoss, metric, improved, run.bestEpoch));
        if (patience > 0 && sinceBest >= patience) {
          reason = StopReason.EARLY_STOPPED;
          detail = "no improvement > " + num(minDelta) + " in " + (validation != null ? "validation" : "training loss")
              + " for " + patience + " epochs after epoch " + run.bestEpoch;
          break;
        }
      }
      boolean restored = false;
      if (run.best != null && (reason == StopReason.NON_FINITE || run.bestEpoch != losses.size() - 1)) {
        Tensors.copy(run.best, parameters);
        restored = true;
      }
      return new TrainingHistory(losses, metrics, run.bestEpoch, run.bestEpoch < 0 ? Double.NaN : run.bestMetric, reason,
          detail, step, restored);
    }
  }

  private int batchEnd(int b, int examples) { return Math.min((b + 1) * batchSize, examples); }

  /** Fisher–Yates, from the last position down. */
  private static void shuffle(int[] a, Random random) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  private static String num(double x) { return x == 0 ? "0" : java.math.BigDecimal.valueOf(x).stripTrailingZeros().toPlainString(); }

  /** The best epoch so far and, when restoring, a copy of its parameters. */
  private static final class Run implements AutoCloseable {
    private final BufferAllocator allocator;
    int bestEpoch = -1;
    double bestMetric = Double.NaN;
    ParameterSet best;

    Run(BufferAllocator allocator) { this.allocator = allocator; }

    void improve(int epoch, double metric, ParameterSet parameters) {
      bestEpoch = epoch;
      bestMetric = metric;
      if (parameters == null) return;
      if (best == null) best = Parameters.copyOf(parameters, allocator);
      else Tensors.copy(parameters, best);
    }

    @Override public void close() {
      if (best != null) best.close();
    }
  }

  @Override public String toString() {
    return "Trainer[epochs=" + epochs + ", batchSize=" + batchSize + ", seed=" + seed + ", accumulationSteps="
        + accumulationSteps + ", " + clipping + ", optimizer=" + optimizer + "]";
  }
}
