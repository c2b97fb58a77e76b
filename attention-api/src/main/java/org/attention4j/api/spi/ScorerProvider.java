package org.attention4j.api.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.List;
import org.attention4j.api.ParameterSet.TensorSpec;
import org.apiguardian.api.API;

/**
 * Creates {@link Scorer}s: {@code s(q, k)} for every query–key pair.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public interface ScorerProvider extends Provider {
  /**
   * A scorer for queries of width {@code queryDim} and keys of width {@code keyDim}. Parameters come
   * from {@code config.parameters()} when present (checked against {@link #tensors}), else are
   * initialised from {@code config.seed()}.
   */
  Scorer create(ProviderConfig config, int queryDim, int keyDim);

  /** The parameter tensors (names and shapes) for these widths and settings; empty if none. */
  default List<TensorSpec> tensors(ProviderConfig config, int queryDim, int keyDim) { return List.of(); }
}
