package org.attention4j.multihead.internal;

import java.util.Map;
import org.attention4j.api.spi.AttentionLayerProvider;
import org.attention4j.testkit.BaseLayerConformanceTest;
import org.junit.jupiter.api.Nested;

/** The testkit's layer conformance suite, for scaled-dot, additive and bilinear + entmax15 heads (kdim ≠ vdim ≠ E). */
class MultiHeadConformanceTest {
  @Nested class ScaledDotHeads extends BaseLayerConformanceTest {
    @Override protected AttentionLayerProvider provider() { return new MultiHeadLayerProvider(); }

    @Override protected Map<String, String> settings() { return Map.of("heads", "2", "scorer", "scaled-dot"); }
  }

  @Nested class AdditiveHeads extends BaseLayerConformanceTest {
    @Override protected AttentionLayerProvider provider() { return new MultiHeadLayerProvider(); }

    @Override protected Map<String, String> settings() { return Map.of("heads", "2", "scorer", "additive", "h", "3"); }
  }

  @Nested class BilinearEntmaxHeads extends BaseLayerConformanceTest {
    @Override protected AttentionLayerProvider provider() { return new MultiHeadLayerProvider(); }

    @Override protected Map<String, String> settings() {
      return Map.of("heads", "4", "scorer", "bilinear", "normalizer", "entmax15");
    }
  }
}
