package org.attention4j.it;

import org.attention4j.api.internal.SoftmaxNormalizerProvider;
import org.attention4j.api.spi.NormalizerProvider;
import org.attention4j.testkit.BaseNormalizerConformanceTest;

/**
 * attention-api's own {@code softmax} passes the plugin conformance suite. It runs here, on the class
 * path, because the testkit depends on the api (the api's own tests cannot use it).
 */
class SoftmaxConformanceTest extends BaseNormalizerConformanceTest {
  @Override protected NormalizerProvider provider() { return new SoftmaxNormalizerProvider(); }
}
