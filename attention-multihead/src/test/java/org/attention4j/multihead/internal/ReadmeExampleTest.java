package org.attention4j.multihead.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.AttentionResult;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.Mask;
import org.attention4j.api.ParameterSet;
import org.attention4j.api.Settings;
import org.attention4j.api.io.MatrixFiles;
import org.attention4j.api.registry.Registry;
import org.attention4j.api.spi.AttentionLayer;
import org.attention4j.api.spi.AttentionLayerProvider;
import org.attention4j.api.spi.ProviderConfig;
import org.attention4j.testkit.WithRootAllocator;
import org.junit.jupiter.api.Test;

/** The README's example, compiled and run: a PyTorch state dict loaded and run with a key-padding mask. */
@WithRootAllocator
class ReadmeExampleTest {
  @Test void example(BufferAllocator allocator) {
    Path stateDict = Fixtures.fixture("mha-kvdim.params.safetensors");   // torch.nn.MultiheadAttention(8, 4, kdim=5, vdim=3)
    try (FixedSizeListVector q = Fixtures.matrix(allocator, "query", 4, 8, 1);
         FixedSizeListVector k = Fixtures.matrix(allocator, "keys", 6, 5, 2);
         FixedSizeListVector v = Fixtures.matrix(allocator, "values", 6, 3, 3)) {
      // --- README example
      Registry registry = Registry.load(List.of());                   // finds multihead, scaled-dot and softmax by id
      AttentionLayerProvider multihead = registry.require(AttentionLayerProvider.class, "multihead");
      Settings settings = Settings.resolve("multihead", multihead.parameters(),
          Map.of("heads", "4", "scorer", "scaled-dot"), List.of());
      try (ParameterSet torch = MatrixFiles.readParameters(stateDict, allocator)) {  // in_proj_bias, q_proj_weight, ...
        ProviderConfig config = new ProviderConfig(settings, 0, allocator, Optional.of(torch), registry.kernels(), registry);
        try (AttentionLayer layer = multihead.create(config, 8, 5, 3);          // embed_dim 8, kdim 5, vdim 3
             AttentionResult r = layer.forward(q, k, v, Mask.keyPadding(new boolean[] {true, true, true, true, true, false}),
                 1f, true, allocator)) {
          FixedSizeListVector output = r.output();                            // [4, 8], as PyTorch's attn_output
          FixedSizeListVector weights = r.weights().orElseThrow();            // [4 heads, 4, 6], average_attn_weights=False
          // --- end of README example
          assertArrayEquals(new int[] {4, 8}, DenseMatrices.shape(output));
          assertArrayEquals(new int[] {4, 4, 6}, DenseMatrices.shape(weights));
        }
      }
    }
  }
}
