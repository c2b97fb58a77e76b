package org.attention4j.sparse.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.Mask;
import org.attention4j.api.Settings;
import org.attention4j.api.registry.ProviderDescriptor;
import org.attention4j.api.registry.Registry;
import org.attention4j.api.spi.Normalizer;
import org.attention4j.api.spi.NormalizerProvider;
import org.attention4j.api.spi.ProviderConfig;
import org.attention4j.testkit.SparseOracles;
import org.attention4j.testkit.Float64Oracles;
import org.attention4j.testkit.GradientCheck;
import org.attention4j.testkit.Tolerances;
import org.attention4j.testkit.WithRootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * sparsemax and entmax15, found through the registry, against {@link SparseOracles} (bisection,
 * no code shared with the implementation) and against central differences.
 *
 * <p>Tolerances: weights |a − b| ≤ 1e-6 + 1e-6·|b| (float64 inside, one float32 rounding of the
 * float32 scores' map); exact zeros wherever the reference is zero (masked keys, empty rows, and
 * keys below the threshold) and nowhere else; rows sum to 1 within 1e-6. Backward against central
 * differences of the float64 reference with step h = 1e-6·max(1, |s|) and
 * |a − b| ≤ 1e-5 + 1e-4·|b|. Both maps are not differentiable where a key sits on its row's
 * support threshold, so the test inputs are redrawn until every allowed key is at least 1e-3
 * (in units of z = s / T) away from it; a step moves z by at most 2·1e-5 here, so no difference
 * crosses a threshold, and inside a piece the maps are linear (sparsemax) or quadratic (entmax15),
 * so the differences are exact up to float64 rounding.
 */
@WithRootAllocator
class SparseNormalizerTest {
  static final Registry REGISTRY = Registry.load(List.of());
  private static final double ATOL = 1e-6, RTOL = 1e-6;
  private static final double MARGIN = 1e-3;
  private static final GradientCheck GRADIENTS = GradientCheck.defaults().step(1e-6).tolerance(1e-5, 1e-4);

  static Normalizer normalizer(String id, BufferAllocator allocator) {
    ProviderConfig config = new ProviderConfig(Settings.of(id, Map.of()), 0, allocator, Optional.empty(), REGISTRY.kernels(),
        REGISTRY);
    return REGISTRY.require(NormalizerProvider.class, id).create(config);
  }

  static SparseOracles.Kind map(String id) {
    return id.equals("sparsemax") ? SparseOracles.Kind.SPARSEMAX : SparseOracles.Kind.ENTMAX15;
  }

  /** A shape, mask and temperature. */
  record Case(String name, int rows, int cols, Mask mask, float temperature) {
    @Override public String toString() { return name; }
  }

  static List<Case> cases() {
    boolean[] explicit = new boolean[5 * 9];
    for (int i = 0; i < 5; i++) for (int j = 0; j < 9; j++) explicit[i * 9 + j] = i != 2 && (i + j) % 3 != 0;
    boolean[] real = {true, true, true, true, false, true, false, false, true};
    return List.of(
        new Case("1 x 1", 1, 1, Mask.all(), 1f),
        new Case("3 x 2 T=0.5", 3, 2, Mask.all(), 0.5f),
        new Case("7 x 17 T=2", 7, 17, Mask.all(), 2f),
        new Case("2 x 64", 2, 64, Mask.all(), 1f),
        new Case("3 x 100 T=0.5", 3, 100, Mask.all(), 0.5f),
        new Case("causal n_q < n_k", 5, 9, Mask.causal(), 1f),
        new Case("causal n_q > n_k (4 empty rows) T=2", 9, 5, Mask.causal(), 2f),
        new Case("explicit, row 2 fully masked", 5, 9, Mask.explicit(5, 9, explicit), 1f),
        new Case("key padding AND band(2) T=0.7", 5, 9, Mask.keyPadding(real).and(Mask.band(2)), 0.7f));
  }

  static Stream<Arguments> everyCase() {
    List<Arguments> out = new ArrayList<>();
    for (String id : new String[] {"sparsemax", "entmax15"}) for (Case c : cases()) out.add(Arguments.of(id, c));
    return out.stream();
  }

  static float[] gaussian(int n, double sd, long seed) {
    Random r = new Random(seed);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) x[i] = (float) (r.nextGaussian() * sd);
    return x;
  }

  /** Scores whose allowed entries all keep MARGIN from the support thresholds (redrawn until they do). */
  static float[] awayFromThresholds(String id, Case c, long seed) {
    for (long attempt = 0; attempt < 1000; attempt++) {
      float[] s = gaussian(c.rows() * c.cols(), 2, seed + 7919 * attempt);
      if (SparseOracles.margin(map(id), Float64Oracles.toDouble(s), c.rows(), c.cols(), c.temperature(), c.mask()) >= MARGIN) {
        return s;
      }
    }
    throw new IllegalStateException(c + ": no draw kept every key away from the thresholds");
  }

  @ParameterizedTest(name = "{0} {1}") @MethodSource("everyCase")
  void forwardMatchesReferenceWithExactZeros(String id, Case c, BufferAllocator allocator) {
    Normalizer n = normalizer(id, allocator);
    float[] s = gaussian(c.rows() * c.cols(), 2, c.name().hashCode());
    try (FixedSizeListVector sv = DenseMatrices.of(allocator, "scores", c.rows(), c.cols(), s);
         FixedSizeListVector a = n.normalize(sv, c.mask(), c.temperature(), allocator)) {
      double[] ref = SparseOracles.rows(map(id), Float64Oracles.toDouble(s), c.rows(), c.cols(), c.temperature(), c.mask());
      Tolerances.assertClose(a, ref, ATOL, RTOL, id + " weights, " + c);
      float[] got = DenseMatrices.toArray(a);
      int zeros = 0;
      for (int i = 0; i < c.rows(); i++) {
        double sum = 0;
        boolean any = false;
        for (int j = 0; j < c.cols(); j++) {
          int at = i * c.cols() + j;
          assertEquals(ref[at] == 0, got[at] == 0, id + " (row " + i + ", col " + j + "): zero exactly where the reference is,"
              + " got " + got[at] + ", reference " + ref[at]);
          if (got[at] == 0) zeros++;
          any |= c.mask().allows(i, j, c.rows(), c.cols());
          sum += got[at];
        }
        assertEquals(any ? 1 : 0, sum, 1e-6, id + " row " + i + " sum over allowed keys");
      }
      if (c.cols() >= 17) assertTrue(zeros > 0, id + ": expected some exact zeros on " + c);
    }
  }

  @ParameterizedTest(name = "{0} {1}") @MethodSource("everyCase")
  void backwardMatchesCentralDifferences(String id, Case c, BufferAllocator allocator) {
    Normalizer n = normalizer(id, allocator);
    float[] s = awayFromThresholds(id, c, 1000 + c.name().hashCode());
    float[] g = gaussian(c.rows() * c.cols(), 1, 77 + c.name().hashCode());
    try (FixedSizeListVector sv = DenseMatrices.of(allocator, "scores", c.rows(), c.cols(), s);
         FixedSizeListVector a = n.normalize(sv, c.mask(), c.temperature(), allocator);
         FixedSizeListVector gv = DenseMatrices.of(allocator, "dWeights", c.rows(), c.cols(), g);
         FixedSizeListVector ds = n.backward(a, gv, c.mask(), c.temperature(), allocator)) {
      GRADIENTS.checkVjp(id + " dScores, " + c, DenseMatrices.toArray(ds),
          x -> SparseOracles.rows(map(id), x, c.rows(), c.cols(), c.temperature(), c.mask()),
          Float64Oracles.toDouble(s), Float64Oracles.toDouble(g), c.cols());
      float[] w = DenseMatrices.toArray(a), d = DenseMatrices.toArray(ds);
      for (int i = 0; i < w.length; i++) {
        if (w[i] == 0) assertEquals(0f, d[i], id + ": dScores off the support must be exactly 0, at " + i);
      }
    }
  }

  @Test void knownValues(BufferAllocator allocator) {
    double tau = 0.25 - Math.sqrt(0.4375);        // entmax15([1, 0]): u = [0.5, 0], both in the support
    double[][] expected = {{0.75, 0.25}, {(0.5 - tau) * (0.5 - tau), tau * tau}};
    String[] ids = {"sparsemax", "entmax15"};
    float[][] scores = {{0.5f, 0f}, {1f, 0f}};
    for (int m = 0; m < 2; m++) {
      try (FixedSizeListVector sv = DenseMatrices.of(allocator, "scores", 1, 2, scores[m]);
           FixedSizeListVector a = normalizer(ids[m], allocator).normalize(sv, Mask.all(), 1f, allocator)) {
        Tolerances.assertClose(a, expected[m], 1e-7, 1e-7, ids[m]);
      }
    }
    try (FixedSizeListVector sv = DenseMatrices.of(allocator, "scores", 1, 3, new float[] {3, 0, 0.5f});
         FixedSizeListVector a = normalizer("sparsemax", allocator).normalize(sv, Mask.all(), 1f, allocator)) {
      assertArrayEquals(new float[] {1, 0, 0}, DenseMatrices.toArray(a), "a gap > 1 gives a one-hot row");
    }
  }

  @ParameterizedTest @ValueSource(strings = {"sparsemax", "entmax15"})
  void temperatureSharpensAndSmooths(String id, BufferAllocator allocator) {
    float[] s = {1f, 0.8f, 0.2f, -0.5f};
    Normalizer n = normalizer(id, allocator);
    int[] support = new int[3];
    float[] ts = {0.05f, 1f, 100f};
    for (int t = 0; t < ts.length; t++) {
      try (FixedSizeListVector sv = DenseMatrices.of(allocator, "scores", 1, 4, s);
           FixedSizeListVector a = n.normalize(sv, Mask.all(), ts[t], allocator)) {
        for (float w : DenseMatrices.toArray(a)) if (w > 0) support[t]++;
      }
    }
    assertEquals(1, support[0], id + ": T = 0.05 keeps only the best key");
    assertEquals(4, support[2], id + ": T = 100 keeps every key");
    assertTrue(support[1] > 1 && support[1] < 4, id + ": T = 1 keeps some keys, got " + support[1]);
  }

  @ParameterizedTest @ValueSource(strings = {"sparsemax", "entmax15"})
  void hugeLogitsStayExact(String id, BufferAllocator allocator) {
    Normalizer n = normalizer(id, allocator);
    for (float t : new float[] {0.5f, 1f, 2f}) {
      try (FixedSizeListVector sv = DenseMatrices.of(allocator, "scores", 2, 3,
               new float[] {1e30f, -1e30f, 1e30f, Float.MAX_VALUE, -Float.MAX_VALUE, 0f});
           FixedSizeListVector a = n.normalize(sv, Mask.all(), t, allocator)) {
        assertArrayEquals(new float[] {0.5f, 0f, 0.5f, 1f, 0f, 0f}, DenseMatrices.toArray(a), id + " at T = " + t);
      }
    }
  }

  @ParameterizedTest @ValueSource(strings = {"sparsemax", "entmax15"})
  void fullyMaskedRowGivesZeroWeightsAndZeroGradient(String id, BufferAllocator allocator) {
    Normalizer n = normalizer(id, allocator);
    Mask m = Mask.explicit(2, 3, new boolean[] {false, false, false, true, false, true});
    // masked positions are never read: −∞ and NaN there are fine
    float[] s = {Float.NaN, Float.NEGATIVE_INFINITY, 1f, 0.3f, Float.POSITIVE_INFINITY, 0.1f};
    try (FixedSizeListVector sv = DenseMatrices.of(allocator, "scores", 2, 3, s);
         FixedSizeListVector a = n.normalize(sv, m, 1f, allocator);
         FixedSizeListVector g = DenseMatrices.of(allocator, "dWeights", 2, 3, new float[] {1, 2, 3, 4, 5, 6});
         FixedSizeListVector ds = n.backward(a, g, m, 1f, allocator)) {
      float[] w = DenseMatrices.toArray(a), d = DenseMatrices.toArray(ds);
      assertArrayEquals(new float[] {0, 0, 0}, new float[] {w[0], w[1], w[2]}, "empty row: zero weights");
      assertArrayEquals(new float[] {0, 0, 0}, new float[] {d[0], d[1], d[2]}, "empty row: zero gradient");
      assertEquals(0f, w[4], "masked key");
      assertEquals(0f, d[4], "masked key gradient");
      assertEquals(1.0, w[3] + w[5], 1e-6);
      for (float x : d) assertTrue(Float.isFinite(x));
    }
  }

  @Test void emptyShapes(BufferAllocator allocator) {
    for (String id : new String[] {"sparsemax", "entmax15"}) {
      Normalizer n = normalizer(id, allocator);
      for (int[] shape : new int[][] {{0, 4}, {3, 0}}) {
        try (FixedSizeListVector sv = DenseMatrices.allocate(allocator, "scores", shape[0], shape[1]);
             FixedSizeListVector a = n.normalize(sv, Mask.all(), 1f, allocator);
             FixedSizeListVector ds = n.backward(a, a, Mask.all(), 1f, allocator)) {
          assertEquals(shape[0], DenseMatrices.rows(a));
          assertEquals(shape[1], DenseMatrices.cols(ds));
        }
      }
    }
  }

  @ParameterizedTest @ValueSource(strings = {"sparsemax", "entmax15"})
  void refusesBadArguments(String id, BufferAllocator allocator) {
    Normalizer n = normalizer(id, allocator);
    try (FixedSizeListVector sv = DenseMatrices.of(allocator, "scores", 2, 3, new float[] {1, 2, 3, 4, Float.NaN, 6});
         FixedSizeListVector ok = DenseMatrices.of(allocator, "scores", 2, 3, new float[6]);
         FixedSizeListVector shortG = DenseMatrices.of(allocator, "dWeights", 1, 3, new float[3])) {
      assertEquals("scores: expected finite values at allowed positions, got NaN at (row 1, col 1)",
          assertThrows(IllegalArgumentException.class, () -> n.normalize(sv, Mask.all(), 1f, allocator)).getMessage());
      for (float t : new float[] {0f, -1f, Float.NaN, Float.POSITIVE_INFINITY}) {
        assertEquals("temperature: expected a finite number > 0, got " + t,
            assertThrows(IllegalArgumentException.class, () -> n.normalize(ok, Mask.all(), t, allocator)).getMessage());
      }
      assertEquals("mask: expected [2, 3] (= [query rows, keys rows]), got [3, 3]",
          assertThrows(IllegalArgumentException.class,
              () -> n.normalize(ok, Mask.explicit(3, 3, new boolean[9]), 1f, allocator)).getMessage());
      assertEquals("dWeights: expected 2 rows, got 1",
          assertThrows(IllegalArgumentException.class, () -> n.backward(ok, shortG, Mask.all(), 1f, allocator)).getMessage());
    }
  }

  @Test void theRegistryFindsBothByIdFromThisModule() {
    assertInstanceOf(SparsemaxNormalizerProvider.class, REGISTRY.require(NormalizerProvider.class, "sparsemax"));
    assertInstanceOf(Entmax15NormalizerProvider.class, REGISTRY.require(NormalizerProvider.class, "entmax15"));
    for (String id : new String[] {"sparsemax", "entmax15"}) {
      ProviderDescriptor d = REGISTRY.descriptorOf(REGISTRY.require(NormalizerProvider.class, id)).orElseThrow();
      assertEquals("org.attention4j.sparse", d.module(), id);
      assertEquals("0.1.0", d.version(), id);
      assertEquals(ProviderDescriptor.Status.ACTIVE, d.status(), id);
    }
  }
}
