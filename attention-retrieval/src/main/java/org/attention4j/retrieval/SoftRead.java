package org.attention4j.retrieval;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apiguardian.api.API;

/**
 * A soft lookup: the attention read O [n_q, d_v] = softmax(S/T)·V over the whole memory, and per
 * query how sharp the weights were. The caller owns {@code output}: close the read.
 *
 * @param output the attention read [n_q, d_v] (null when the lookup was for sharpness only)
 * @param sharpness entropy and weight on the best key, per query
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record SoftRead(FixedSizeListVector output, Sharpness sharpness) implements AutoCloseable {
  @Override public void close() {
    if (output != null) output.close();
  }
}
