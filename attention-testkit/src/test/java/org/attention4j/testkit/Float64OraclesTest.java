package org.attention4j.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.Mask;
import org.attention4j.api.Settings;
import org.attention4j.api.registry.Registry;
import org.attention4j.api.spi.Normalizer;
import org.attention4j.api.spi.NormalizerProvider;
import org.attention4j.api.spi.ProviderConfig;
import org.junit.jupiter.api.Test;

/** {@link Float64Oracles}: hand-checked values, mask semantics as {@link Mask}, and agreement with the api's softmax. */
@WithRootAllocator
class Float64OraclesTest {
  private static double[] gaussian(int n, double sd, long seed) {
    Random r = new Random(seed);
    double[] x = new double[n];
    for (int i = 0; i < n; i++) x[i] = (float) (r.nextGaussian() * sd);     // float32-representable
    return x;
  }

  @Test void scoresByHand() {
    double[] q = {1, 2, 0, -1}, k = {3, 1, 1, 1, 0, 2};                  // Q [2, 2], K [3, 2]
    assertArrayEquals(new double[] {5, 3, 4, -1, -1, -2}, Float64Oracles.dotScores(q, k, 2, 3, 2));
    double r = Math.sqrt(2);
    assertArrayEquals(new double[] {5 / r, 3 / r, 4 / r, -1 / r, -1 / r, -2 / r}, Float64Oracles.scaledDotScores(q, k, 2, 3, 2),
        1e-15);
    double[] identity = {1, 0, 0, 1};
    assertArrayEquals(Float64Oracles.dotScores(q, k, 2, 3, 2), Float64Oracles.bilinearScores(q, identity, k, 2, 3, 2, 2));
    double[] w = {0, 1, 2, 0};                                             // q₀k₁ + 2 q₁k₀
    assertArrayEquals(new double[] {13, 5, 2, -6, -2, 0}, Float64Oracles.bilinearScores(q, w, k, 2, 3, 2, 2));
  }

  @Test void softmaxRowsWithTemperatureByHand() {
    double[] a = Float64Oracles.softmaxRows(new double[] {0, Math.log(3)}, 1, 2, 1, Mask.all());
    assertArrayEquals(new double[] {0.25, 0.75}, a, 1e-15);
    double[] t2 = Float64Oracles.softmaxRows(new double[] {0, 2 * Math.log(3)}, 1, 2, 2, Mask.all());
    assertArrayEquals(new double[] {0.25, 0.75}, t2, 1e-15);
  }

  @Test void maskedEntriesAreExactlyZeroAndEmptyRowsAreZero() {
    boolean[][] allowed = {{false, false, false}, {true, false, true}};
    double[] s = {1, 2, 3, 1000, -5, 1000};
    double[] a = Float64Oracles.softmaxRows(s, 2, 3, 1, Mask.explicit(allowed));
    assertArrayEquals(new double[] {0, 0, 0, 0.5, 0, 0.5}, a);
    Float64Oracles.Forward f = Float64Oracles.attention(s, new double[] {1, 2, 3, 4, 5, 6}, 2, 3, 2, 1, Mask.explicit(allowed));
    assertArrayEquals(new double[] {0, 0, 3, 4}, f.output());
  }

  @Test void causalIsBottomRightAligned() {
    int nq = 2, nk = 4;                        // query i may attend keys j ≤ i + 2
    double[] a = Float64Oracles.softmaxRows(new double[nq * nk], nq, nk, 1, Mask.causal());
    assertArrayEquals(new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0, 0, 0.25, 0.25, 0.25, 0.25}, a, 1e-15);
    double[] b = Float64Oracles.softmaxRows(new double[4 * 2], 4, 2, 1, Mask.causal());
    assertArrayEquals(new double[] {0, 0, 0, 0, 1, 0, 0.5, 0.5}, b, 1e-15);   // the first two queries see nothing
  }

  @Test void hugeLogitsStayFinite() {
    double[] a = Float64Oracles.softmaxRows(new double[] {1e300, -1e300, 1e300}, 1, 3, 1, Mask.all());
    assertArrayEquals(new double[] {0.5, 0, 0.5}, a);
  }

  @Test void agreesWithTheApiSoftmax(BufferAllocator allocator) {
    Registry registry = Registry.load(List.of());
    ProviderConfig config = new ProviderConfig(Settings.of("softmax", Map.of()), 1, allocator, Optional.empty(),
        registry.kernels(), registry);
    Normalizer softmax = registry.require(NormalizerProvider.class, "softmax").create(config);
    int rows = 17, cols = 33;
    double[] s = gaussian(rows * cols, 4, 7);
    for (Mask mask : new Mask[] {Mask.all(), Mask.causal(), Mask.band(2).and(Mask.causal())}) {
      try (FixedSizeListVector sv = DenseMatrices.of(allocator, "scores", rows, cols, Float64Oracles.toFloat(s));
           FixedSizeListVector a = softmax.normalize(sv, mask, 0.7f, allocator)) {
        Tolerances.assertClose(a, Float64Oracles.softmaxRows(s, rows, cols, 0.7f, mask), 1e-6, 1e-5, "weights " + mask);
      }
    }
  }

  @Test void refusesWrongLengthsNamingTheArgument() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Float64Oracles.dotScores(new double[6], new double[5], 2, 2, 3));
    assertEquals("keys: expected 6 values (= 2 x 3), got 5", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Float64Oracles.softmaxRows(new double[2], 1, 2, 0, Mask.all()));
    assertTrue(e.getMessage().startsWith("temperature: expected a finite number > 0"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Float64Oracles.softmaxRows(new double[4], 2, 2, 1, Mask.keyPadding(new boolean[3])));
    assertTrue(e.getMessage().startsWith("key-padding: expected [2]"), e.getMessage());
  }

  @Test void matmulAndTransposeByHand() {
    double[] a = {1, 2, 3, 4, 5, 6};                                      // [2, 3]
    assertArrayEquals(new double[] {1, 4, 2, 5, 3, 6}, Float64Oracles.transpose(a, 2, 3));
    assertArrayEquals(new double[] {14, 32, 32, 77}, Float64Oracles.matmul(a, Float64Oracles.transpose(a, 2, 3), 2, 3, 2));
    assertEquals(91, Float64Oracles.inner(a, a));
  }
}
