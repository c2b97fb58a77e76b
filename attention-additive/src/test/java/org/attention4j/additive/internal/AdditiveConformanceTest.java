package org.attention4j.additive.internal;

import java.util.Map;
import org.attention4j.api.spi.ScorerProvider;
import org.attention4j.testkit.BaseScorerConformanceTest;

/** {@code additive} passes the plugin conformance suite, with d_q ≠ d_k and a small hidden layer. */
class AdditiveConformanceTest extends BaseScorerConformanceTest {
  @Override protected ScorerProvider provider() { return new AdditiveScorerProvider(); }

  /** h = 8 keeps the parameter gradient check (one creation per perturbed entry) quick. */
  @Override protected Map<String, String> settings() { return Map.of("h", "8"); }
}
