package org.attention4j.api.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * Creates {@link AttentionLayer}s: mechanisms that are more than a scorer (e.g. multi-head attention
 * with input and output projections and per-head scorers found through {@link ProviderLookup}).
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public interface AttentionLayerProvider extends Provider {
  /**
   * A layer for queries of width {@code queryDim}, keys of width {@code keyDim} and values of width
   * {@code valueDim}; the scorer and normalizer ids are in the settings.
   */
  AttentionLayer create(ProviderConfig config, int queryDim, int keyDim, int valueDim);
}
