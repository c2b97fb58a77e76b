package org.attention4j.sparse.internal;

import org.attention4j.api.spi.NormalizerProvider;
import org.attention4j.testkit.BaseNormalizerConformanceTest;

/** {@code entmax15} passes the plugin conformance suite. */
class Entmax15ConformanceTest extends BaseNormalizerConformanceTest {
  @Override protected NormalizerProvider provider() { return new Entmax15NormalizerProvider(); }
}
