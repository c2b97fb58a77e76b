package org.attention4j.train;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * Whether a smaller or a larger validation metric is better.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public enum MetricGoal {
  /** Smaller is better (a loss, an error). */
  MINIMIZE,
  /** Larger is better (an accuracy, a recall). */
  MAXIMIZE;

  /** Is {@code candidate} better than {@code best} by more than {@code minDelta}? */
  public boolean improves(double candidate, double best, double minDelta) {
    return this == MINIMIZE ? candidate < best - minDelta : candidate > best + minDelta;
  }
}
