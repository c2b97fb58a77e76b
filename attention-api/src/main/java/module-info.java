/**
 * Attention4J's API and SPI: dense float32 matrices over Apache Arrow, masks, the provider SPI
 * (scorers, normalizers, layers, kernels, scenarios), the softmax normalizer, the scalar reference
 * kernels and the registry that finds providers on the module path, the class path and in plugin
 * folders.
 *
 * @provides org.attention4j.api.spi.KernelProvider the scalar reference kernels ({@code scalar})
 * @provides org.attention4j.api.spi.NormalizerProvider {@code softmax}
 * @uses org.attention4j.api.spi.ScorerProvider
 * @uses org.attention4j.api.spi.NormalizerProvider
 * @uses org.attention4j.api.spi.AttentionLayerProvider
 * @uses org.attention4j.api.spi.KernelProvider
 * @uses org.attention4j.api.spi.ScenarioProvider
 */
module org.attention4j.api {
  requires transitive org.apache.arrow.vector;
  requires transitive org.apache.arrow.memory.core;
  requires org.apache.arrow.memory.unsafe;      // the default allocation manager must be in the layer
  requires static transitive org.apiguardian.api;

  exports org.attention4j.api;
  exports org.attention4j.api.spi;
  exports org.attention4j.api.figure;
  exports org.attention4j.api.registry;
  exports org.attention4j.api.facade;

  uses org.attention4j.api.spi.ScorerProvider;
  uses org.attention4j.api.spi.NormalizerProvider;
  uses org.attention4j.api.spi.AttentionLayerProvider;
  uses org.attention4j.api.spi.KernelProvider;
  uses org.attention4j.api.spi.ScenarioProvider;

  provides org.attention4j.api.spi.KernelProvider with org.attention4j.api.internal.ScalarKernelProvider;
  provides org.attention4j.api.spi.NormalizerProvider with org.attention4j.api.internal.SoftmaxNormalizerProvider;
}
