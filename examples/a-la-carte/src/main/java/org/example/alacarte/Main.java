package org.example.alacarte;

import java.lang.module.ResolvedModule;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.AttentionResult;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.Mask;
import org.attention4j.api.Settings;
import org.attention4j.api.facade.Attention;
import org.attention4j.api.registry.Registry;
import org.attention4j.api.spi.Normalizer;
import org.attention4j.api.spi.NormalizerProvider;
import org.attention4j.api.spi.ProviderConfig;
import org.attention4j.api.spi.Scorer;
import org.attention4j.api.spi.ScorerProvider;

/**
 * A causal scaled-dot attention over 3 queries and 3 keys of width 4, printed; then the boot layer's
 * Attention4J modules, which must be exactly attention-api and attention-bilinear (exit 1 otherwise).
 */
public final class Main {
  private static final Set<String> EXPECTED = Set.of("org.attention4j.api", "org.attention4j.bilinear");

  private Main() {}

  public static void main(String[] args) {
    try (BufferAllocator allocator = new RootAllocator()) {
      Registry registry = Registry.load(List.of());              // module path: finds scaled-dot by id
      ProviderConfig config = new ProviderConfig(Settings.of("scaled-dot", Map.of()), 0, allocator,
          Optional.empty(), registry.kernels(), registry);
      try (Scorer scorer = registry.require(ScorerProvider.class, "scaled-dot").create(config, 4, 4);
           FixedSizeListVector q = DenseMatrices.of(allocator, "query", 3, 4, new float[] {
               1, 0, 0, 0,  0, 1, 0, 0,  1, 1, 0, 0});
           FixedSizeListVector k = DenseMatrices.of(allocator, "keys", 3, 4, new float[] {
               2, 0, 0, 0,  0, 2, 0, 0,  0, 0, 2, 0});
           FixedSizeListVector v = DenseMatrices.of(allocator, "values", 3, 2, new float[] {1, 0, 0, 1, 1, 1})) {
        Normalizer softmax = registry.require(NormalizerProvider.class, "softmax").create(config);
        Attention attention = Attention.builder(scorer, softmax, registry.kernels()).mask(Mask.causal()).build();
        try (AttentionResult r = attention.attend(q, k, v, true, allocator)) {
          System.out.println("scorer: scaled-dot, kernels: " + registry.kernels().id() + ", fused: " + attention.fused());
          print("output [3x2]", DenseMatrices.toArray(r.output()), 2);
          print("weights [3x3]", DenseMatrices.toArray(r.weights().orElseThrow()), 3);
        }
      }
    }

    ModuleLayer boot = ModuleLayer.boot();
    Set<String> onModulePath = boot.configuration().modules().stream()
        .filter(m -> m.reference().location().map(u -> "file".equals(u.getScheme())).orElse(false))
        .map(ResolvedModule::name).collect(Collectors.toCollection(TreeSet::new));
    Set<String> attention4j = onModulePath.stream().filter(n -> n.startsWith("org.attention4j."))
        .collect(Collectors.toCollection(TreeSet::new));
    System.out.println("module path modules: " + onModulePath);
    System.out.println("Attention4J modules: " + attention4j);
    if (!attention4j.equals(EXPECTED)) {
      System.err.println("a-la-carte: expected exactly " + new TreeSet<>(EXPECTED) + " on the module path, got " + attention4j);
      System.exit(1);
    }
    System.out.println("a-la-carte: ok (exactly the api and one scorer module)");
  }

  private static void print(String title, float[] values, int cols) {
    System.out.println(title);
    for (int i = 0; i < values.length; i += cols) {
      float[] row = Arrays.copyOfRange(values, i, i + cols);
      StringBuilder s = new StringBuilder("  ");
      for (float x : row) s.append(String.format(java.util.Locale.ROOT, "%8.4f", x));
      System.out.println(s);
    }
  }
}
