package org.attention4j.bilinear.internal;

import org.attention4j.api.spi.ProviderConfig;
import org.attention4j.api.spi.Scorer;
import org.attention4j.api.spi.ScorerProvider;

/** {@code scaled-dot}: {@code s(q, k) = qᵀk / √d}, parameter-free; d_q must equal d_k (= d). */
public final class ScaledDotScorerProvider implements ScorerProvider {
  /** Called by {@link java.util.ServiceLoader}. */
  public ScaledDotScorerProvider() {}

  @Override public String id() { return "scaled-dot"; }

  @Override public String description() { return "scaled dot product s = qᵀk/√d (parameter-free, fused with softmax)"; }

  @Override public Scorer create(ProviderConfig config, int queryDim, int keyDim) {
    return DotProductScorer.create(id(), config, queryDim, keyDim, 1 / Math.sqrt(queryDim));
  }
}
