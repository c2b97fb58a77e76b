package org.attention4j.bilinear.internal;

import org.attention4j.api.spi.ProviderConfig;
import org.attention4j.api.spi.Scorer;
import org.attention4j.api.spi.ScorerProvider;

/** {@code dot}: {@code s(q, k) = qᵀk}, parameter-free; d_q must equal d_k. */
public final class DotScorerProvider implements ScorerProvider {
  /** Called by {@link java.util.ServiceLoader}. */
  public DotScorerProvider() {}

  @Override public String id() { return "dot"; }

  @Override public String description() { return "dot product s = qᵀk (parameter-free, fused with softmax)"; }

  @Override public Scorer create(ProviderConfig config, int queryDim, int keyDim) {
    return DotProductScorer.create(id(), config, queryDim, keyDim, 1.0);
  }
}
