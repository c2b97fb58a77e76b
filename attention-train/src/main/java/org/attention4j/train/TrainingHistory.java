package org.attention4j.train;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.List;
import org.apiguardian.api.API;

/**
 * What a {@link Trainer#fit} did, epoch by epoch.
 *
 * @param loss the mean training loss of each completed epoch (batch losses weighted by batch size)
 * @param validation the validation metric after each completed epoch; empty without a metric
 * @param bestEpoch the epoch (from 0) with the best watched metric, or −1 when nothing was watched
 * @param bestMetric the best watched metric (validation, else the training loss under early
 *     stopping), or NaN when nothing was watched
 * @param stopReason why training ended
 * @param detail one line on the stop, e.g. {@code no improvement > 1e-4 in validation for 5 epochs
 *     after epoch 12}
 * @param steps the optimiser steps taken
 * @param restoredBest whether the parameters were set back to those of {@code bestEpoch}
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record TrainingHistory(List<Double> loss, List<Double> validation, int bestEpoch, double bestMetric,
    StopReason stopReason, String detail, long steps, boolean restoredBest) {
  public TrainingHistory {
    loss = List.copyOf(loss);
    validation = List.copyOf(validation);
  }

  /** The number of completed epochs. */
  public int epochs() { return loss.size(); }

  /** The last completed epoch's training loss, or NaN when none completed. */
  public double finalLoss() { return loss.isEmpty() ? Double.NaN : loss.get(loss.size() - 1); }
}
