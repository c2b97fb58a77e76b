package org.attention4j.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Optional;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apiguardian.api.API;

/**
 * The result of one attention: output [n_q, d_v] and, on request, the weights [n_q, n_k]
 * (multi-head: [H, n_q, n_k]). The caller owns and closes it.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record AttentionResult(FixedSizeListVector output, Optional<FixedSizeListVector> weights) implements AutoCloseable {
  @Override public void close() {
    try {
      output.close();
    } finally {
      weights.ifPresent(FixedSizeListVector::close);
    }
  }
}
