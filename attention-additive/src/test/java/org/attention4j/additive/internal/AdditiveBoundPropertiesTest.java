package org.attention4j.additive.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.ParameterSet;
import org.attention4j.api.spi.Scorer;

/**
 * SEED-DIGEST 1.1: the additive score is bounded, {@code |s(q, k)| ≤ ‖v‖₁}, whatever q and k are,
 * because |tanh| ≤ 1. Checked for random shapes, seeds and parameters (initialised from the seed,
 * or loaded with W and b up to 1e30 and v up to 1e30 per entry) on adversarial inputs: rows of
 * norm 1 up to 1e30 and up to {@link Float#MAX_VALUE} per entry, mixed with ordinary rows, and
 * for both {@code score} and {@code scorePairs}. Allowance: ‖v‖₁·(1 + 1e-6) — the score is one
 * float64 sum rounded to float32 (relative error ≤ 2⁻²⁴ ≈ 6e-8), and ‖v‖₁ is summed in float64
 * from the same float32 v.
 *
 * <p>jqwik runs outside JUnit Jupiter's extension model, so {@code @WithRootAllocator} cannot
 * inject here: each try opens its own {@link RootAllocator}, whose {@code close()} throws on any
 * buffer still open, failing the property.
 */
class AdditiveBoundPropertiesTest {
  @Provide Arbitrary<Double> norms() {
    return Arbitraries.of(0.0, 1e-3, 1.0, 1e3, 1e10, 1e30, (double) Float.MAX_VALUE);
  }

  @Provide Arbitrary<Double> parameterScales() {
    return Arbitraries.of(0.0, 1.0, 1e3, 1e30);       // 0: not from a file, initialised from the seed
  }

  @Property
  void everyScoreIsWithinTheL1NormOfV(@ForAll @IntRange(min = 1, max = 6) int nq, @ForAll @IntRange(min = 1, max = 6) int nk,
      @ForAll @IntRange(min = 1, max = 5) int dq, @ForAll @IntRange(min = 1, max = 5) int dk,
      @ForAll @IntRange(min = 1, max = 9) int h, @ForAll long seed, @ForAll("norms") double queryNorm,
      @ForAll("norms") double keyNorm, @ForAll("parameterScales") double weightScale,
      @ForAll("parameterScales") double vScale) {
    Random r = new Random(seed);
    try (BufferAllocator allocator = new RootAllocator()) {
      ParameterSet file = weightScale == 0 ? null : Fixtures.parameters(allocator, h, dq, dk, draw(r, h * dq, weightScale),
          draw(r, h * dk, weightScale), draw(r, h, Math.max(vScale, 1)), draw(r, h, weightScale));
      try (ParameterSet ignored = file;
           Scorer s = Fixtures.provider().create(Fixtures.config(allocator, Map.of("h", Integer.toString(h)), seed,
               Optional.ofNullable(file)), dq, dk);
           FixedSizeListVector q = DenseMatrices.of(allocator, "queries", nq, dq, rows(r, nq, dq, queryNorm));
           FixedSizeListVector k = DenseMatrices.of(allocator, "keys", nk, dk, rows(r, nk, dk, keyNorm));
           FixedSizeListVector scores = s.score(q, k, allocator)) {
        double bound = AdditiveReference.of(s.parameters(), dq, dk).vNorm1() * (1 + 1e-6);
        int[] src = r.ints(2L * nq * nk, 0, nq).toArray(), dst = r.ints(src.length, 0, nk).toArray();
        try (FixedSizeListVector pairs = s.scorePairs(q, k, src, dst, allocator)) {
          for (float x : DenseMatrices.toArray(scores)) assertTrue(Math.abs(x) <= bound, "score " + x + ", bound " + bound);
          for (float x : DenseMatrices.toArray(pairs)) assertTrue(Math.abs(x) <= bound, "pair score " + x + ", bound " + bound);
        }
      }
    }
  }

  /** Gaussian entries times {@code scale}, kept finite in float32. */
  private static float[] draw(Random r, int n, double scale) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) x[i] = clamp(r.nextGaussian() * scale);
    return x;
  }

  /** Rows of norm about {@code norm} (entries clamped to the float32 range), every third row ordinary. */
  private static float[] rows(Random r, int n, int d, double norm) {
    float[] x = new float[n * d];
    for (int i = 0; i < n; i++) {
      double rowNorm = i % 3 == 2 ? 1 : norm;
      for (int j = 0; j < d; j++) x[i * d + j] = clamp(r.nextGaussian() * rowNorm / Math.sqrt(d) * 2);
    }
    return x;
  }

  private static float clamp(double v) {
    return (float) Math.max(-Float.MAX_VALUE, Math.min(Float.MAX_VALUE, v));
  }
}
