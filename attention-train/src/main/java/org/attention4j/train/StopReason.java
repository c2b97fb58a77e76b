package org.attention4j.train;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * Why {@link Trainer#fit} returned. (Cancellation throws {@link java.util.concurrent.CancellationException}
 * instead.)
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public enum StopReason {
  /** Every epoch ran. */
  COMPLETED,
  /** The watched metric did not improve for {@code patience} epochs. */
  EARLY_STOPPED,
  /**
   * A loss, a gradient norm or the validation metric was NaN or infinite; the step that produced it
   * was not applied ({@link TrainingHistory#detail()} says where).
   */
  NON_FINITE
}
