package org.attention4j.train;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.attention4j.api.ParameterSet;
import org.apiguardian.api.API;

/**
 * The model's side of a training step: computes the mean loss over a batch and its gradient with
 * respect to every parameter.
 *
 * <pre>{@code
 * Objective objective = (batch, gradients) -> {
 *   try (FixedSizeListVector q = batch.rows(queries); FixedSizeListVector t = batch.rows(targets);
 *        FixedSizeListVector s = scorer.score(q, keys, batch.allocator());
 *        LossResult loss = mse.compute(s, t, batch.allocator());
 *        Scorer.Gradients g = scorer.backward(q, keys, loss.gradient(), batch.allocator())) {
 *     Parameters.add(gradients, g.dParameters());
 *     return loss.value();
 *   }
 * };
 * }</pre>
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
@FunctionalInterface
public interface Objective {
  /**
   * Returns the batch's mean loss and writes (or adds) its gradient into {@code gradients}, which
   * has the names and shapes of the trained parameters and is all zeros on entry. Must not keep
   * {@code gradients}, and must close what it allocates from {@link Batch#allocator()}.
   */
  double compute(Batch batch, ParameterSet gradients);
}
