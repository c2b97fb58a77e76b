package org.attention4j.bilinear.internal;

import org.attention4j.api.spi.ScorerProvider;
import org.attention4j.testkit.BaseScorerConformanceTest;

/** {@code bilinear} (qᵀ W k, d_q ≠ d_k allowed, with a parameter tensor W) passes the plugin conformance suite. */
class BilinearConformanceTest extends BaseScorerConformanceTest {
  @Override protected ScorerProvider provider() { return new BilinearScorerProvider(); }
}
