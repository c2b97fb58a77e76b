package org.attention4j.api.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.OptionalDouble;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.ParameterSet;
import org.apiguardian.api.API;

/**
 * A compatibility function {@code s(q, k)}. Inputs are dense float32 matrices (queries [n_q, d_q],
 * keys [n_k, d_k]); outputs are allocated from the given allocator and owned by the caller. A scorer
 * never closes its inputs and keeps no reference to them. It owns its parameters.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public interface Scorer extends AutoCloseable {
  /** Query width d_q this scorer was created for. */
  int queryDim();

  /** Key width d_k this scorer was created for. */
  int keyDim();

  /** Scores S [n_q, n_k], S[i][j] = s(q_i, k_j). */
  FixedSizeListVector score(FixedSizeListVector queries, FixedSizeListVector keys, BufferAllocator allocator);

  /** One score per edge, [E, 1]: s(q_src[e], k_dst[e]) (for graphs). */
  FixedSizeListVector scorePairs(FixedSizeListVector queries, FixedSizeListVector keys, int[] src, int[] dst,
      BufferAllocator allocator);

  /** Vector–Jacobian product of {@link #score}: given dL/dS [n_q, n_k], dL/dQ, dL/dK and dL/dθ. */
  Gradients backward(FixedSizeListVector queries, FixedSizeListVector keys, FixedSizeListVector dScores,
      BufferAllocator allocator);

  /** Vector–Jacobian product of {@link #scorePairs}: given dL/ds [E, 1]. */
  Gradients backwardPairs(FixedSizeListVector queries, FixedSizeListVector keys, int[] src, int[] dst,
      FixedSizeListVector dScores, BufferAllocator allocator);

  /** The parameters (names as in the parameter file); empty for parameter-free scorers. */
  ParameterSet parameters();

  /**
   * When {@code s(q, k) = c · qᵀk} for a constant c, that c — so the attention facade may use a fused
   * scaled-dot kernel. Empty otherwise.
   */
  default OptionalDouble dotProductScale() { return OptionalDouble.empty(); }

  /** Releases the parameters. */
  @Override void close();

  /**
   * Gradients of a scorer: dQ [n_q, d_q], dK [n_k, d_k] and one tensor per parameter. Owned by the
   * caller.
   */
  record Gradients(FixedSizeListVector dQueries, FixedSizeListVector dKeys, ParameterSet dParameters)
      implements AutoCloseable {
    @Override public void close() {
      try {
        dQueries.close();
        dKeys.close();
      } finally {
        dParameters.close();
      }
    }
  }
}
