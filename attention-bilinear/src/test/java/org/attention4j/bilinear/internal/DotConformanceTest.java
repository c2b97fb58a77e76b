package org.attention4j.bilinear.internal;

import org.attention4j.api.spi.ScorerProvider;
import org.attention4j.testkit.BaseScorerConformanceTest;

/** {@code dot} passes the plugin conformance suite. */
class DotConformanceTest extends BaseScorerConformanceTest {
  @Override protected ScorerProvider provider() { return new DotScorerProvider(); }

  @Override protected boolean requiresEqualWidths() { return true; }
}
