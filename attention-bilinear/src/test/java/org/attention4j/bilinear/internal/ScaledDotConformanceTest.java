package org.attention4j.bilinear.internal;

import org.attention4j.api.spi.ScorerProvider;
import org.attention4j.testkit.BaseScorerConformanceTest;

/** {@code scaled-dot} passes the plugin conformance suite. */
class ScaledDotConformanceTest extends BaseScorerConformanceTest {
  @Override protected ScorerProvider provider() { return new ScaledDotScorerProvider(); }

  @Override protected boolean requiresEqualWidths() { return true; }
}
