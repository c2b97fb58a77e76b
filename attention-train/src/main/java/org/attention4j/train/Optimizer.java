package org.attention4j.train;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.attention4j.api.ParameterSet;
import org.apiguardian.api.API;

/**
 * Updates parameter tensors in place from gradients with the same names and shapes. An optimiser
 * keeps per-tensor state (momentum, moment estimates) in Arrow buffers from the allocator it was
 * built with, created on the first step for that step's names and shapes; close it to release
 * them. Not thread-safe.
 *
 * <p>Errors: gradients that miss a tensor, have an extra one or another shape are refused before
 * anything changes ({@code gradients 'W_q': expected shape [16, 8] (as in parameters), got [8, 16]}),
 * and so are non-finite gradients ({@code gradients 'v': expected finite values, got NaN at (row 3,
 * col 0)}). An optimiser with state refuses parameters whose layout differs from its first step's.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public interface Optimizer extends AutoCloseable {
  /**
   * One update of {@code parameters} (in place) from {@code gradients}, at the rate
   * {@code schedule().at(steps())}; then {@link #steps()} grows by one.
   */
  void step(ParameterSet parameters, ParameterSet gradients);

  /** The number of steps taken. */
  long steps();

  /** The learning-rate schedule. */
  LearningRateSchedule schedule();

  /** The rate the next step will use: {@code schedule().at(steps())}. */
  default double learningRate() { return schedule().at(steps()); }

  /** Releases the state buffers; the optimiser cannot step afterwards. */
  @Override void close();
}
