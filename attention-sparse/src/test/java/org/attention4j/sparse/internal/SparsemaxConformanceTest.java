package org.attention4j.sparse.internal;

import org.attention4j.api.spi.NormalizerProvider;
import org.attention4j.testkit.BaseNormalizerConformanceTest;

/** {@code sparsemax} passes the plugin conformance suite. */
class SparsemaxConformanceTest extends BaseNormalizerConformanceTest {
  @Override protected NormalizerProvider provider() { return new SparsemaxNormalizerProvider(); }
}
