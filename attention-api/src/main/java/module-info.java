/**
 * Attention4J's API and SPI: dense float32 matrices over Apache Arrow, masks, the provider SPI
 * (scorers, normalizers, layers, kernels, scenarios), the softmax normalizer, the scalar reference
 * kernels, the registry that finds providers on the module path, the class path and in plugin
 * folders, and readers and writers for .npy, CSV, Arrow IPC and safetensors files.
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
  requires com.fasterxml.jackson.databind;        // JSON headers of safetensors files and shape metadata

  exports org.attention4j.api;
  exports org.attention4j.api.spi;
  exports org.attention4j.api.figure;
  exports org.attention4j.api.registry;
  exports org.attention4j.api.facade;
  exports org.attention4j.api.io;

  uses org.attention4j.api.spi.ScorerProvider;
  uses org.attention4j.api.spi.NormalizerProvider;
  uses org.attention4j.api.spi.AttentionLayerProvider;
  uses org.attention4j.api.spi.KernelProvider;
  uses org.attention4j.api.spi.ScenarioProvider;

  provides org.attention4j.api.spi.KernelProvider with org.attention4j.api.internal.ScalarKernelProvider;
  provides org.attention4j.api.spi.NormalizerProvider with org.attention4j.api.internal.SoftmaxNormalizerProvider;
}
