package org.attention4j.api.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.Mask;
import org.apiguardian.api.API;

/**
 * Row-wise map from scores to weights over the allowed keys of each row: {@code A = N(S / T)}. A
 * row with no allowed key gives all-zero weights (never NaN); disallowed keys get exactly zero.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public interface Normalizer {
  /** Weights [n_q, n_k] of scores [n_q, n_k] at temperature T &gt; 0 (scores are divided by T). */
  FixedSizeListVector normalize(FixedSizeListVector scores, Mask mask, float temperature, BufferAllocator allocator);

  /**
   * Vector–Jacobian product: given the weights {@code A} this normalizer produced and dL/dA, returns
   * dL/dS (zero on disallowed keys and on empty rows).
   */
  FixedSizeListVector backward(FixedSizeListVector weights, FixedSizeListVector dWeights, Mask mask, float temperature,
      BufferAllocator allocator);

  /** True when this is the plain softmax (lets the facade use fused softmax kernels). */
  default boolean isSoftmax() { return false; }
}
