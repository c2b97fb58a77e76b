package org.attention4j.train;

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
import org.attention4j.api.ParameterSet.TensorSpec;
import org.attention4j.api.Settings;
import org.attention4j.api.registry.Registry;
import org.attention4j.api.spi.ProviderConfig;
import org.attention4j.api.spi.Scorer;
import org.attention4j.api.spi.ScorerProvider;

/** Shared test setup: the registry (scorers found by id, as an application finds them), data, small linear algebra. */
final class Fixtures {
  static final Registry REGISTRY = Registry.load(List.of());
  static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

  private Fixtures() {}

  /** The scorer {@code id} with settings {@code settings}, parameters from {@code seed}. */
  static Scorer scorer(String id, Map<String, String> settings, long seed, BufferAllocator allocator, int dq, int dk) {
    return scorer(id, settings, Optional.empty(), seed, allocator, dq, dk);
  }

  /** The scorer {@code id} with the given parameters (copied by the provider) or, when empty, from the seed. */
  static Scorer scorer(String id, Map<String, String> settings, Optional<ParameterSet> parameters, long seed,
      BufferAllocator allocator, int dq, int dk) {
    ScorerProvider p = REGISTRY.require(ScorerProvider.class, id);
    ProviderConfig config = new ProviderConfig(Settings.resolve(id, p.parameters(), settings, List.of()), seed, allocator,
        parameters, REGISTRY.kernels(), REGISTRY);
    return p.create(config, dq, dk);
  }

  static float[] gaussian(int n, double sd, long seed) {
    Random r = new Random(seed);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) x[i] = (float) (r.nextGaussian() * sd);
    return x;
  }

  static TensorSpec spec(String name, int... shape) { return new TensorSpec(name, shape, false); }

  /** A parameter set holding copies of the given arrays, shaped as given ([n] or [r, c]). */
  static ParameterSet set(BufferAllocator allocator, Object... nameShapeValues) {
    ParameterSet s = new ParameterSet();
    for (int i = 0; i < nameShapeValues.length; i += 3) {
      String name = (String) nameShapeValues[i];
      int[] shape = (int[]) nameShapeValues[i + 1];
      float[] values = (float[]) nameShapeValues[i + 2];
      FixedSizeListVector v = DenseMatrices.allocateShaped(allocator, name, shape);
      MemorySegment.copy(values, 0, DenseMatrices.segment(v), F, 0, values.length);
      s.put(name, v);
    }
    return s;
  }

  static float[] values(ParameterSet s, String name) { return DenseMatrices.toArray(s.get(name)); }

  /** C [m, n] = A [m, k] · B [k, n] (or Bᵀ when B is stored [n, k]), float64 sums, as a new matrix. */
  static FixedSizeListVector matmul(BufferAllocator allocator, String name, FixedSizeListVector a, FixedSizeListVector b,
      boolean transA, boolean transB) {
    int ar = DenseMatrices.rows(a), ac = DenseMatrices.cols(a), br = DenseMatrices.rows(b), bc = DenseMatrices.cols(b);
    int m = transA ? ac : ar, k = transA ? ar : ac, n = transB ? br : bc;
    float[] x = DenseMatrices.toArray(a), y = DenseMatrices.toArray(b), out = new float[m * n];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double acc = 0;
        for (int p = 0; p < k; p++) {
          double xa = transA ? x[p * ac + i] : x[i * ac + p];
          double yb = transB ? y[j * bc + p] : y[p * bc + j];
          acc += xa * yb;
        }
        out[i * n + j] = (float) acc;
      }
    }
    return DenseMatrices.of(allocator, name, m, n, out);
  }
}
