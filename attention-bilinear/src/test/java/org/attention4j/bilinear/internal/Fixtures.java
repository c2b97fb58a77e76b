package org.attention4j.bilinear.internal;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.attention4j.api.ParameterSet;
import org.attention4j.api.Settings;
import org.attention4j.api.registry.Registry;
import org.attention4j.api.spi.Normalizer;
import org.attention4j.api.spi.NormalizerProvider;
import org.attention4j.api.spi.ProviderConfig;
import org.attention4j.api.spi.Scorer;
import org.attention4j.api.spi.ScorerProvider;

/** Shared test setup: the registry (as an application would find the scorers), configs and random data. */
final class Fixtures {
  /** Every provider on the test module path, this module's scorers included; the best usable kernels. */
  static final Registry REGISTRY = Registry.load(List.of());

  /** Sizes that miss every vector width: 1, 3, 17 and 100, with 64 as the even case. */
  static final int[] AWKWARD = {1, 3, 17, 64, 100};

  private Fixtures() {}

  static ProviderConfig config(String id, BufferAllocator allocator, Optional<ParameterSet> parameters) {
    ScorerProvider p = REGISTRY.require(ScorerProvider.class, id);
    Settings settings = Settings.resolve(id, p.parameters(), Map.of(), List.of());
    return new ProviderConfig(settings, 42, allocator, parameters, REGISTRY.kernels(), REGISTRY);
  }

  static Scorer scorer(String id, BufferAllocator allocator, int d) {
    return REGISTRY.require(ScorerProvider.class, id).create(config(id, allocator, Optional.empty()), d, d);
  }

  /** A {@code bilinear} scorer for queries of width dq and keys of width dk, W initialised from seed 42. */
  static Scorer bilinear(BufferAllocator allocator, int dq, int dk) {
    return REGISTRY.require(ScorerProvider.class, "bilinear").create(config("bilinear", allocator, Optional.empty()), dq, dk);
  }

  static Normalizer softmax(BufferAllocator allocator) {
    ProviderConfig c = new ProviderConfig(Settings.of("softmax", Map.of()), 42, allocator, Optional.empty(),
        REGISTRY.kernels(), REGISTRY);
    return REGISTRY.require(NormalizerProvider.class, "softmax").create(c);
  }

  /** c of s = c · qᵀk. */
  static double scale(String id, int d) { return id.equals("dot") ? 1 : 1 / Math.sqrt(d); }

  static float[] gaussian(int n, double sd, long seed) {
    Random r = new Random(seed);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) x[i] = (float) (r.nextGaussian() * sd);
    return x;
  }
}
