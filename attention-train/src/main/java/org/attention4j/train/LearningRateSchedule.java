package org.attention4j.train;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.attention4j.train.internal.Tensors;
import org.apiguardian.api.API;

/**
 * The learning rate of each optimiser step, by the number of steps taken before it ({@code t = 0}
 * for the first). Pure functions of {@code t}; cosine uses {@link StrictMath}, so the rates are the
 * same bit for bit on every JVM.
 *
 * <ul>
 *   <li>{@link #constant}: {@code lr}.</li>
 *   <li>{@link #cosine}: {@code floor + (peak − floor)·(1 + cos(π·min(t, T)/T))/2} — from
 *       {@code peak} at t = 0 down to {@code floor} at t = T, then {@code floor}.</li>
 *   <li>{@link #step}: {@code lr·γ^⌊t / every⌋}.</li>
 *   <li>{@link #withWarmup}: a linear warm-up of W steps, {@code s(0)·(t + 1)/W} for t &lt; W, then the
 *       schedule shifted by W, {@code s(t − W)}: a cosine over T steps after a warm-up of W takes
 *       W + T steps in all.</li>
 * </ul>
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
@FunctionalInterface
public interface LearningRateSchedule {
  /** The learning rate of the step taken after {@code step} steps (≥ 0). */
  double at(long step);

  /** The same rate at every step (finite, ≥ 0). */
  static LearningRateSchedule constant(double lr) {
    Tensors.requireIn(lr, "learningRate", 0, Double.MAX_VALUE, "a finite number >= 0");
    return t -> lr;
  }

  /**
   * Cosine decay from {@code peak} to {@code floor} over {@code totalSteps} steps, then {@code floor}.
   *
   * @param peak the first rate (finite, ≥ 0)
   * @param totalSteps T ≥ 1
   * @param floor the last rate (finite, 0 ≤ floor ≤ peak)
   */
  static LearningRateSchedule cosine(double peak, long totalSteps, double floor) {
    Tensors.requireIn(peak, "peak", 0, Double.MAX_VALUE, "a finite number >= 0");
    Tensors.requireIn(floor, "floor", 0, peak, "a finite number in [0, peak = " + peak + "]");
    if (totalSteps < 1) throw new IllegalArgumentException("totalSteps: expected an integer >= 1, got " + totalSteps);
    return t -> {
      double progress = (double) Math.min(Math.max(t, 0), totalSteps) / totalSteps;
      return floor + (peak - floor) * 0.5 * (1 + StrictMath.cos(Math.PI * progress));
    };
  }

  /**
   * Step decay: {@code lr·gamma^⌊t / every⌋}.
   *
   * @param lr the first rate (finite, ≥ 0)
   * @param every steps between decays (≥ 1)
   * @param gamma the factor (finite, &gt; 0)
   */
  static LearningRateSchedule step(double lr, long every, double gamma) {
    Tensors.requireIn(lr, "learningRate", 0, Double.MAX_VALUE, "a finite number >= 0");
    if (every < 1) throw new IllegalArgumentException("every: expected an integer >= 1, got " + every);
    if (!(gamma > 0) || !Double.isFinite(gamma)) throw new IllegalArgumentException("gamma: expected a finite number > 0, got " + gamma);
    return t -> lr * StrictMath.pow(gamma, Math.max(t, 0) / every);
  }

  /** This schedule after a linear warm-up of {@code warmupSteps} (≥ 0; 0 = none) steps (see the class comment). */
  default LearningRateSchedule withWarmup(long warmupSteps) {
    if (warmupSteps < 0) throw new IllegalArgumentException("warmupSteps: expected an integer >= 0, got " + warmupSteps);
    if (warmupSteps == 0) return this;
    LearningRateSchedule base = this;
    return t -> t < warmupSteps ? base.at(0) * (double) (t + 1) / warmupSteps : base.at(t - warmupSteps);
  }
}
