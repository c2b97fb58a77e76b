/**
 * Attention4J's test kit, for this project's modules and for plugin authors: {@code @WithRootAllocator}
 * (a JUnit 5 extension that hands each test an Arrow allocator and fails the test when a buffer
 * leaks), a central-difference gradient checker, float64 reference implementations of softmax,
 * scores and attention, tolerance assertions that name the worst entry, and the plugin conformance
 * suite ({@code BaseScorerConformanceTest}, {@code BaseNormalizerConformanceTest},
 * {@code BaseLayerConformanceTest}) that a plugin's
 * tests extend.
 *
 * <p>Use it in test scope only. It depends on the api, JUnit Jupiter's API and Arrow, nothing else.
 *
 * @uses org.attention4j.api.spi.ScorerProvider the suite checks a scorer is listed by ServiceLoader in its layer
 * @uses org.attention4j.api.spi.NormalizerProvider the same for normalizers
 * @uses org.attention4j.api.spi.AttentionLayerProvider the same for layers ({@code BaseLayerConformanceTest})
 */
module org.attention4j.testkit {
  requires transitive org.attention4j.api;          // Mask in the oracles' signatures
  requires transitive org.junit.jupiter.api;        // the extension implements Jupiter's interfaces
  requires static transitive org.apiguardian.api;

  exports org.attention4j.testkit;

  uses org.attention4j.api.spi.ScorerProvider;
  uses org.attention4j.api.spi.NormalizerProvider;
  uses org.attention4j.api.spi.AttentionLayerProvider;
}
