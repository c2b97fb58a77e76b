package org.attention4j.train;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apiguardian.api.API;

/**
 * A loss value and its gradient with respect to the loss's input (predictions, logits or scores),
 * of the input's shape. The caller owns the gradient: close the result.
 *
 * @param value the loss (float64, finite for finite inputs)
 * @param gradient dL/d(input), float32, allocated from the allocator given to the loss
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record LossResult(double value, FixedSizeListVector gradient) implements AutoCloseable {
  @Override public void close() { gradient.close(); }
}
