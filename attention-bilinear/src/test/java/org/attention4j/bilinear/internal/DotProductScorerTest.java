package org.attention4j.bilinear.internal;

import static org.attention4j.bilinear.internal.Fixtures.AWKWARD;
import static org.attention4j.bilinear.internal.Fixtures.gaussian;
import static org.attention4j.bilinear.internal.Fixtures.scale;
import static org.attention4j.bilinear.internal.Fixtures.scorer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.ParameterSet;
import org.attention4j.api.registry.ProviderDescriptor;
import org.attention4j.api.spi.Scorer;
import org.attention4j.api.spi.ScorerProvider;
import org.attention4j.testkit.Float64Oracles;
import org.attention4j.testkit.GradientCheck;
import org.attention4j.testkit.Tolerances;
import org.attention4j.testkit.WithRootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code dot} and {@code scaled-dot} against float64 references.
 *
 * <p>Tolerances: forward |a − b| ≤ 1e-5 + 1e-5·|b| ({@link Tolerances#FLOAT32_ATOL}/{@code RTOL}: one
 * rounded sum of float32 products per score). Backward against central differences with
 * |a − b| ≤ 1e-4 + 1e-4·|b|: the scores are linear in Q and in K, so the differences are exact up
 * to float64 rounding (≈ 1e-13 relative at the default step); what remains is float32 rounding of
 * the analytic sums (at most a few hundred terms here), with a margin for float32-accumulating
 * kernels.
 */
@WithRootAllocator
class DotProductScorerTest {
  private static final GradientCheck GRADIENTS = GradientCheck.defaults().tolerance(1e-4, 1e-4);

  @ParameterizedTest @ValueSource(strings = {"dot", "scaled-dot"})
  void forwardMatchesFloat64OnAwkwardSizes(String id, BufferAllocator allocator) {
    for (int d : AWKWARD) {
      try (Scorer s = scorer(id, allocator, d)) {
        for (int nq : AWKWARD) {
          for (int nk : AWKWARD) {
            float[] q = gaussian(nq * d, 1, 31L * nq + d), k = gaussian(nk * d, 1, 17L * nk + d);
            try (FixedSizeListVector qv = DenseMatrices.of(allocator, "query", nq, d, q);
                 FixedSizeListVector kv = DenseMatrices.of(allocator, "keys", nk, d, k);
                 FixedSizeListVector sv = s.score(qv, kv, allocator)) {
              double[] expected = Float64Oracles.scale(
                  Float64Oracles.dotScores(Float64Oracles.toDouble(q), Float64Oracles.toDouble(k), nq, nk, d), scale(id, d));
              Tolerances.assertClose(sv, expected, Tolerances.FLOAT32_ATOL, Tolerances.FLOAT32_RTOL,
                  id + " scores [" + nq + " x " + nk + "], d = " + d);
            }
          }
        }
      }
    }
  }

  @ParameterizedTest @ValueSource(strings = {"dot", "scaled-dot"})
  void reportsItsScaleForTheFusedKernel(String id, BufferAllocator allocator) {
    try (Scorer s = scorer(id, allocator, 16)) {
      assertEquals(scale(id, 16), s.dotProductScale().orElseThrow(), 1e-15);
      assertTrue(s.parameters().names().isEmpty());
      assertEquals(16, s.queryDim());
      assertEquals(16, s.keyDim());
    }
  }

  @ParameterizedTest @ValueSource(strings = {"dot", "scaled-dot"})
  void scorePairsEqualsTheScoreMatrixEntries(String id, BufferAllocator allocator) {
    int nq = 17, nk = 64, d = 33, edges = 300;
    Random r = new Random(5);
    int[] src = new int[edges], dst = new int[edges];
    for (int e = 0; e < edges; e++) { src[e] = r.nextInt(nq); dst[e] = r.nextInt(nk); }
    try (Scorer s = scorer(id, allocator, d);
         FixedSizeListVector q = DenseMatrices.of(allocator, "query", nq, d, gaussian(nq * d, 1, 1));
         FixedSizeListVector k = DenseMatrices.of(allocator, "keys", nk, d, gaussian(nk * d, 1, 2));
         FixedSizeListVector all = s.score(q, k, allocator);
         FixedSizeListVector pairs = s.scorePairs(q, k, src, dst, allocator)) {
      assertEquals(edges, DenseMatrices.rows(pairs));
      assertEquals(1, DenseMatrices.cols(pairs));
      double[] expected = new double[edges];
      for (int e = 0; e < edges; e++) expected[e] = DenseMatrices.get(all, src[e], dst[e]);
      Tolerances.assertClose(pairs, expected, Tolerances.FLOAT32_ATOL, Tolerances.FLOAT32_RTOL, id + " pair scores");
    }
  }

  @ParameterizedTest @ValueSource(strings = {"dot", "scaled-dot"})
  void backwardMatchesCentralDifferences(String id, BufferAllocator allocator) {
    int[][] shapes = {{1, 1, 1}, {3, 17, 5}, {17, 3, 4}, {2, 7, 64}};          // {n_q, n_k, d}
    for (int[] shape : shapes) {
      int nq = shape[0], nk = shape[1], d = shape[2];
      float[] q = gaussian(nq * d, 1, 3), k = gaussian(nk * d, 1, 4), g = gaussian(nq * nk, 1, 5);
      double[] qd = Float64Oracles.toDouble(q), kd = Float64Oracles.toDouble(k), gd = Float64Oracles.toDouble(g);
      double c = scale(id, d);
      try (Scorer s = scorer(id, allocator, d);
           FixedSizeListVector qv = DenseMatrices.of(allocator, "query", nq, d, q);
           FixedSizeListVector kv = DenseMatrices.of(allocator, "keys", nk, d, k);
           FixedSizeListVector gv = DenseMatrices.of(allocator, "dScores", nq, nk, g);
           Scorer.Gradients grads = s.backward(qv, kv, gv, allocator)) {
        String at = id + " [" + nq + " x " + nk + "], d = " + d;
        GRADIENTS.checkVjp("dQuery " + at, DenseMatrices.toArray(grads.dQueries()),
            x -> Float64Oracles.scale(Float64Oracles.dotScores(x, kd, nq, nk, d), c), qd, gd, d);
        GRADIENTS.checkVjp("dKeys " + at, DenseMatrices.toArray(grads.dKeys()),
            x -> Float64Oracles.scale(Float64Oracles.dotScores(qd, x, nq, nk, d), c), kd, gd, d);
        assertTrue(grads.dParameters().names().isEmpty(), "no parameters, no parameter gradients");
      }
    }
  }

  /** s_e = c · q_src[e]ᵀ k_dst[e], in float64. */
  private static double[] pairOracle(double[] q, double[] k, int[] src, int[] dst, int d, double c) {
    double[] s = new double[src.length];
    for (int e = 0; e < src.length; e++) {
      double acc = 0;
      for (int p = 0; p < d; p++) acc += q[src[e] * d + p] * k[dst[e] * d + p];
      s[e] = c * acc;
    }
    return s;
  }

  @ParameterizedTest @ValueSource(strings = {"dot", "scaled-dot"})
  void backwardPairsMatchesCentralDifferencesAndTheDenseBackward(String id, BufferAllocator allocator) {
    int nq = 5, nk = 7, d = 17;
    int[] src = {0, 0, 1, 4, 4, 4, 2, 0};                   // repeated edges and untouched rows (3; keys 3, 5)
    int[] dst = {0, 6, 1, 2, 2, 4, 6, 1};
    float[] q = gaussian(nq * d, 1, 6), k = gaussian(nk * d, 1, 7), g = gaussian(src.length, 1, 8);
    double[] qd = Float64Oracles.toDouble(q), kd = Float64Oracles.toDouble(k), gd = Float64Oracles.toDouble(g);
    double c = scale(id, d);
    float[] dense = new float[nq * nk];                      // the same gradient, scattered into dS
    for (int e = 0; e < src.length; e++) dense[src[e] * nk + dst[e]] += g[e];
    try (Scorer s = scorer(id, allocator, d);
         FixedSizeListVector qv = DenseMatrices.of(allocator, "query", nq, d, q);
         FixedSizeListVector kv = DenseMatrices.of(allocator, "keys", nk, d, k);
         FixedSizeListVector gv = DenseMatrices.of(allocator, "dScores", src.length, 1, g);
         FixedSizeListVector dv = DenseMatrices.of(allocator, "dScores", nq, nk, dense);
         Scorer.Gradients pairs = s.backwardPairs(qv, kv, src, dst, gv, allocator);
         Scorer.Gradients full = s.backward(qv, kv, dv, allocator)) {
      GRADIENTS.checkVjp("dQuery (pairs)", DenseMatrices.toArray(pairs.dQueries()),
          x -> pairOracle(x, kd, src, dst, d, c), qd, gd, d);
      GRADIENTS.checkVjp("dKeys (pairs)", DenseMatrices.toArray(pairs.dKeys()),
          x -> pairOracle(qd, x, src, dst, d, c), kd, gd, d);
      Tolerances.assertClose(pairs.dQueries(), Float64Oracles.toDouble(full.dQueries()), 1e-5, 1e-5, "dQuery pairs vs dense");
      Tolerances.assertClose(pairs.dKeys(), Float64Oracles.toDouble(full.dKeys()), 1e-5, 1e-5, "dKeys pairs vs dense");
      for (int p = 0; p < d; p++) assertEquals(0f, DenseMatrices.get(pairs.dQueries(), 3, p), "query 3 has no edge");
    }
  }

  @Test void emptyInputsGiveEmptyOutputs(BufferAllocator allocator) {
    try (Scorer s = scorer("dot", allocator, 4);
         FixedSizeListVector q = DenseMatrices.allocate(allocator, "query", 0, 4);
         FixedSizeListVector k = DenseMatrices.of(allocator, "keys", 2, 4, gaussian(8, 1, 9));
         FixedSizeListVector sv = s.score(q, k, allocator);
         FixedSizeListVector pv = s.scorePairs(q, k, new int[0], new int[0], allocator)) {
      assertEquals(0, DenseMatrices.rows(sv));
      assertEquals(2, DenseMatrices.cols(sv));
      assertEquals(0, DenseMatrices.rows(pv));
    }
  }

  // --- errors name the argument, the expected and the actual value

  @ParameterizedTest @ValueSource(strings = {"dot", "scaled-dot"})
  void createRefusesUnequalWidthsNamingBoth(String id, BufferAllocator allocator) {
    ScorerProvider p = Fixtures.REGISTRY.require(ScorerProvider.class, id);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> p.create(Fixtures.config(id, allocator, Optional.empty()), 16, 8));
    assertEquals("keyDim: expected 16 (= queryDim; " + id + " needs queries and keys of equal width), got 8", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> p.create(Fixtures.config(id, allocator, Optional.empty()), 0, 0));
    assertEquals("queryDim: expected at least 1, got 0", e.getMessage());
  }

  @Test void createRefusesParameterTensors(BufferAllocator allocator) {
    try (ParameterSet given = new ParameterSet().put("w", DenseMatrices.allocate(allocator, "w", 2, 2))) {
      ScorerProvider p = Fixtures.REGISTRY.require(ScorerProvider.class, "dot");
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> p.create(Fixtures.config("dot", allocator, Optional.of(given)), 2, 2));
      assertEquals("parameters: expected none (dot has no parameters), got [w]", e.getMessage());
    }
  }

  @Test void shapeErrorsNameTheArgument(BufferAllocator allocator) {
    try (Scorer s = scorer("scaled-dot", allocator, 16);
         FixedSizeListVector q8 = DenseMatrices.allocate(allocator, "query", 2, 8);
         FixedSizeListVector q = DenseMatrices.allocate(allocator, "query", 2, 16);
         FixedSizeListVector k = DenseMatrices.allocate(allocator, "keys", 3, 16);
         FixedSizeListVector k4 = DenseMatrices.allocate(allocator, "keys", 3, 4);
         FixedSizeListVector g = DenseMatrices.allocate(allocator, "dScores", 3, 2)) {
      assertEquals("query: expected 16 columns, got 8",
          assertThrows(IllegalArgumentException.class, () -> s.score(q8, k, allocator)).getMessage());
      assertEquals("keys: expected 16 columns, got 4",
          assertThrows(IllegalArgumentException.class, () -> s.score(q, k4, allocator)).getMessage());
      assertEquals("dScores: expected 3 columns, got 2",
          assertThrows(IllegalArgumentException.class, () -> s.backward(q, k, g, allocator)).getMessage());
    }
  }

  @Test void nonFiniteInputIsRefusedWithItsPosition(BufferAllocator allocator) {
    float[] data = new float[6];
    data[4] = Float.NaN;
    try (Scorer s = scorer("dot", allocator, 3);
         FixedSizeListVector q = DenseMatrices.of(allocator, "query", 2, 3, data);
         FixedSizeListVector k = DenseMatrices.allocate(allocator, "keys", 1, 3)) {
      assertEquals("query: expected finite values, got NaN at (row 1, col 1)",
          assertThrows(IllegalArgumentException.class, () -> s.score(q, k, allocator)).getMessage());
    }
  }

  @Test void edgeIndicesAreChecked(BufferAllocator allocator) {
    try (Scorer s = scorer("dot", allocator, 2);
         FixedSizeListVector q = DenseMatrices.allocate(allocator, "query", 3, 2);
         FixedSizeListVector k = DenseMatrices.allocate(allocator, "keys", 4, 2);
         FixedSizeListVector g = DenseMatrices.allocate(allocator, "dScores", 2, 1)) {
      assertEquals("src: expected indices in [0, 3) (query rows), got 3 at edge 1",
          assertThrows(IllegalArgumentException.class, () -> s.scorePairs(q, k, new int[] {0, 3}, new int[] {0, 0}, allocator))
              .getMessage());
      assertEquals("dst: expected indices in [0, 4) (keys rows), got -1 at edge 0",
          assertThrows(IllegalArgumentException.class, () -> s.backwardPairs(q, k, new int[] {0, 1}, new int[] {-1, 0}, g,
              allocator)).getMessage());
      assertEquals("dst: expected 2 indices (= src length), got 1",
          assertThrows(IllegalArgumentException.class, () -> s.scorePairs(q, k, new int[] {0, 1}, new int[] {0}, allocator))
              .getMessage());
    }
  }

  @Test void aClosedScorerRefusesWork(BufferAllocator allocator) {
    Scorer s = scorer("dot", allocator, 2);
    s.close();
    try (FixedSizeListVector q = DenseMatrices.allocate(allocator, "query", 1, 2)) {
      assertEquals("scorer 'dot': expected an open scorer, got a closed one",
          assertThrows(IllegalStateException.class, () -> s.score(q, q, allocator)).getMessage());
    }
  }

  @ParameterizedTest @ValueSource(strings = {"dot", "scaled-dot"})
  void foundByTheRegistryOnTheModulePath(String id) {
    ScorerProvider p = Fixtures.REGISTRY.require(ScorerProvider.class, id);
    ProviderDescriptor desc = Fixtures.REGISTRY.descriptorOf(p).orElseThrow();
    assertEquals("org.attention4j.bilinear", desc.module());
    assertEquals("module-path", desc.origin());
    assertEquals(ProviderDescriptor.Status.ACTIVE, desc.status());
    assertTrue(desc.version().startsWith("0.1"), desc.version());
  }
}
