package org.attention4j.additive.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.ParameterSet;
import org.attention4j.api.Settings;
import org.attention4j.api.registry.Registry;
import org.attention4j.api.spi.Normalizer;
import org.attention4j.api.spi.NormalizerProvider;
import org.attention4j.api.spi.ProviderConfig;
import org.attention4j.api.spi.Scorer;
import org.attention4j.api.spi.ScorerProvider;

/** Shared test setup: the registry (as an application finds the scorer), configs and random data. */
final class Fixtures {
  /** Every provider on the test paths: this module's scorer, softmax, and (test scope) sparsemax and entmax15. */
  static final Registry REGISTRY = Registry.load(List.of());

  private Fixtures() {}

  static ScorerProvider provider() { return REGISTRY.require(ScorerProvider.class, AdditiveScorerProvider.ID); }

  static ProviderConfig config(BufferAllocator allocator, Map<String, String> settings, long seed,
      Optional<ParameterSet> parameters) {
    Settings resolved = Settings.resolve(AdditiveScorerProvider.ID, provider().parameters(), settings, List.of());
    return new ProviderConfig(resolved, seed, allocator, parameters, REGISTRY.kernels(), REGISTRY);
  }

  /** An additive scorer with hidden size h, initialised from {@code seed}. */
  static Scorer scorer(BufferAllocator allocator, int dq, int dk, int h, long seed) {
    return provider().create(config(allocator, Map.of("h", Integer.toString(h)), seed, Optional.empty()), dq, dk);
  }

  static Normalizer normalizer(String id, BufferAllocator allocator) {
    ProviderConfig c = new ProviderConfig(Settings.of(id, Map.of()), 0, allocator, Optional.empty(), REGISTRY.kernels(),
        REGISTRY);
    return REGISTRY.require(NormalizerProvider.class, id).create(c);
  }

  static float[] gaussian(int n, double sd, long seed) {
    Random r = new Random(seed);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) x[i] = (float) (r.nextGaussian() * sd);
    return x;
  }

  /** A tensor of the given shape holding {@code values} (row-major). */
  static FixedSizeListVector tensor(BufferAllocator allocator, String name, float[] values, int... shape) {
    FixedSizeListVector t = DenseMatrices.allocateShaped(allocator, name, shape);
    MemorySegment.copy(values, 0, DenseMatrices.segment(t), ValueLayout.JAVA_FLOAT_UNALIGNED, 0, values.length);
    return t;
  }

  /** A parameter set of W_q [h, dq], W_k [h, dk], v [h] and, if {@code b != null}, b [h]. */
  static ParameterSet parameters(BufferAllocator allocator, int h, int dq, int dk, float[] wq, float[] wk, float[] v, float[] b) {
    ParameterSet p = new ParameterSet();
    p.put("W_q", tensor(allocator, "W_q", wq, h, dq));
    p.put("W_k", tensor(allocator, "W_k", wk, h, dk));
    p.put("v", tensor(allocator, "v", v, h));
    if (b != null) p.put("b", tensor(allocator, "b", b, h));
    return p;
  }
}
