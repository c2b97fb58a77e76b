package org.attention4j.api.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.List;
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

  /**
   * Batched forward: queries [B, n_q, d_q], keys [B, n_k, d_k], values [B, n_k, d_v] (full shapes in
   * the Arrow shape metadata), with one mask per batch item ({@code masks.size() == B}) or one mask for
   * every item ({@code masks.size() == 1}). Output [B, n_q, d_out]; weights [B, ...] of the per-item
   * weights' shape (multi-head: [B, H, n_q, n_k]). Layers without a batched path may rely on this
   * default, which runs {@link #forward} item by item.
   *
   * @since 0.1
   */
  default AttentionResult forwardBatch(FixedSizeListVector queries, FixedSizeListVector keys, FixedSizeListVector values,
      List<Mask> masks, float temperature, boolean withWeights, BufferAllocator allocator) {
    return LayerBatches.forward(this, queries, keys, values, masks, temperature, withWeights, allocator);
  }

  /**
   * Vector–Jacobian product of {@link #forward} (same inputs, mask and temperature) for a scalar loss
   * L, given dL/dO: dL/dQ, dL/dK, dL/dV and one gradient per parameter, named as in
   * {@link #parameters()}. Layers that cannot differentiate throw {@link UnsupportedOperationException}
   * (this default).
   *
   * @since 0.1
   */
  default Gradients backward(FixedSizeListVector queries, FixedSizeListVector keys, FixedSizeListVector values, Mask mask,
      float temperature, FixedSizeListVector dOutput, BufferAllocator allocator) {
    throw new UnsupportedOperationException(getClass().getName() + ": backward is not implemented by this layer");
  }

  /** The parameters, named as in the parameter file. */
  ParameterSet parameters();

  @Override void close();

  /**
   * Gradients of a layer: dQ, dK, dV (shaped like the inputs) and one tensor per parameter. Owned by
   * the caller.
   *
   * @since 0.1
   */
  record Gradients(FixedSizeListVector dQueries, FixedSizeListVector dKeys, FixedSizeListVector dValues,
      ParameterSet dParameters) implements AutoCloseable {
    @Override public void close() {
      try {
        dQueries.close();
        dKeys.close();
        dValues.close();
      } finally {
        dParameters.close();
      }
    }
  }
}
