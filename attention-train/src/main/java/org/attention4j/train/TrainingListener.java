package org.attention4j.train;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.OptionalDouble;
import org.apiguardian.api.API;

/**
 * Progress of a {@link Trainer#fit}, e.g. for a progress bar; called on the training thread, after
 * each optimiser step and after each epoch. Both methods do nothing by default.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public interface TrainingListener {
  /** After each optimiser step. */
  default void onStep(StepEvent event) {}

  /** After each completed epoch (and its validation). */
  default void onEpoch(EpochEvent event) {}

  /**
   * One optimiser step.
   *
   * @param epoch the epoch, from 0
   * @param epochs the number of epochs asked for
   * @param step the step within the epoch, from 0
   * @param stepsPerEpoch optimiser steps per epoch
   * @param globalStep steps since the start of this fit, from 0
   * @param loss the mean loss of the step's batches
   * @param learningRate the rate the step used
   * @param gradientNorm the global gradient norm before clipping
   * @since 0.1
   */
  @API(status = EXPERIMENTAL, since = "0.1")
  record StepEvent(int epoch, int epochs, int step, int stepsPerEpoch, long globalStep, double loss, double learningRate,
      double gradientNorm) {}

  /**
   * One completed epoch.
   *
   * @param epoch the epoch, from 0
   * @param epochs the number of epochs asked for
   * @param loss the epoch's mean training loss
   * @param validation the validation metric, when one is set
   * @param improved whether the watched metric improved (false when nothing is watched)
   * @param bestEpoch the best epoch so far, or −1 when nothing is watched
   * @since 0.1
   */
  @API(status = EXPERIMENTAL, since = "0.1")
  record EpochEvent(int epoch, int epochs, double loss, OptionalDouble validation, boolean improved, int bestEpoch) {}
}
