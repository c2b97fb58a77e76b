package org.attention4j.api.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.AttentionResult;
import org.attention4j.api.Mask;
import org.attention4j.api.ParameterSet;
import org.apiguardian.api.API;

/**
 * A whole attention layer: {@code forward(Q, K, V) → (O, optional A)}. Owns its parameters.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public interface AttentionLayer extends AutoCloseable {
  /** Output [n_q, d_out] and, when {@code withWeights}, weights (multi-head: [H, n_q, n_k]). */
  AttentionResult forward(FixedSizeListVector queries, FixedSizeListVector keys, FixedSizeListVector values, Mask mask,
      float temperature, boolean withWeights, BufferAllocator allocator);

  /** The parameters, named as in the parameter file. */
  ParameterSet parameters();

  @Override void close();
}
