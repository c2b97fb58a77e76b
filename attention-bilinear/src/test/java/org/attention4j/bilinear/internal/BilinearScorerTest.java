package org.attention4j.bilinear.internal;

import static org.attention4j.bilinear.internal.Fixtures.gaussian;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.ParameterSet;
import org.attention4j.api.ParameterSet.TensorSpec;
import org.attention4j.api.registry.ProviderDescriptor;
import org.attention4j.api.spi.ProviderConfig;
import org.attention4j.api.spi.Scorer;
import org.attention4j.api.spi.ScorerProvider;
import org.attention4j.testkit.Float64Oracles;
import org.attention4j.testkit.GradientCheck;
import org.attention4j.testkit.Tolerances;
import org.attention4j.testkit.WithRootAllocator;
import org.junit.jupiter.api.Test;

/**
 * {@code bilinear}, s(q, k) = qᵀ W k, against the testkit's float64 references.
 *
 * <p>Tolerances: forward |a − b| ≤ 1e-5 + 1e-5·|b| ({@link Tolerances#FLOAT32_ATOL}/{@code RTOL}):
 * two chained float32 products (Q W, then · Kᵀ) of at most 64 terms each, with unit-variance
 * inputs and a Glorot W, so scores stay within about ±30 and the float32 rounding well below the
 * allowance. Backward (dQ, dK and dW) against central differences with |a − b| ≤ 1e-4 + 1e-4·|b|:
 * the scores are linear in each of Q, K and W, so the differences are exact up to float64
 * rounding; what remains is the float32 rounding of the analytic sums.
 */
@WithRootAllocator
class BilinearScorerTest {
  private static final GradientCheck GRADIENTS = GradientCheck.defaults().tolerance(1e-4, 1e-4);
  private static final int[] WIDTHS = {1, 3, 17, 64};
  private static final int[] ROWS = {1, 3, 17, 100};

  private static double[] w(Scorer s) { return Float64Oracles.toDouble(s.parameters().get("W")); }

  @Test void forwardMatchesFloat64OnAwkwardSizesWithUnequalWidths(BufferAllocator allocator) {
    for (int dq : WIDTHS) {
      for (int dk : WIDTHS) {
        try (Scorer s = Fixtures.bilinear(allocator, dq, dk)) {
          double[] w = w(s);
          for (int nq : ROWS) {
            for (int nk : ROWS) {
              float[] q = gaussian(nq * dq, 1, 31L * nq + dq), k = gaussian(nk * dk, 1, 17L * nk + dk);
              try (FixedSizeListVector qv = DenseMatrices.of(allocator, "query", nq, dq, q);
                   FixedSizeListVector kv = DenseMatrices.of(allocator, "keys", nk, dk, k);
                   FixedSizeListVector sv = s.score(qv, kv, allocator)) {
                double[] expected = Float64Oracles.bilinearScores(Float64Oracles.toDouble(q), w, Float64Oracles.toDouble(k),
                    nq, nk, dq, dk);
                Tolerances.assertClose(sv, expected, Tolerances.FLOAT32_ATOL, Tolerances.FLOAT32_RTOL,
                    "bilinear scores [" + nq + " x " + nk + "], d_q = " + dq + ", d_k = " + dk);
              }
            }
          }
        }
      }
    }
  }

  @Test void givenParametersAreCopiedAndUsed(BufferAllocator allocator) {
    int dq = 3, dk = 2;
    float[] w = {1, 2, 0, -1, 0.5f, 0};                       // W [3, 2]
    try (ParameterSet given = new ParameterSet().put("W", DenseMatrices.of(allocator, "W", dq, dk, w))) {
      ScorerProvider p = Fixtures.REGISTRY.require(ScorerProvider.class, "bilinear");
      try (Scorer s = p.create(Fixtures.config("bilinear", allocator, Optional.of(given)), dq, dk);
           FixedSizeListVector q = DenseMatrices.of(allocator, "query", 1, dq, new float[] {1, 1, 2});
           FixedSizeListVector k = DenseMatrices.of(allocator, "keys", 2, dk, new float[] {1, 0, 0, 1})) {
        DenseMatrices.set(given.get("W"), 0, 0, 100f);       // the scorer holds a copy, not a view
        assertArrayEquals(w, DenseMatrices.toArray(s.parameters().get("W")));
        assertArrayEquals(new int[] {dq, dk}, DenseMatrices.shape(s.parameters().get("W")));
        try (FixedSizeListVector sv = s.score(q, k, allocator)) {
          // qᵀW = [1 + 0 + 1, 2 - 1 + 0] = [2, 1]; scores against e_0 and e_1
          assertArrayEquals(new float[] {2, 1}, DenseMatrices.toArray(sv));
        }
        DenseMatrices.set(s.parameters().get("W"), 0, 0, 3f);  // updating the scorer's own W changes its scores
        try (FixedSizeListVector sv = s.score(q, k, allocator)) {
          assertArrayEquals(new float[] {4, 1}, DenseMatrices.toArray(sv));
        }
      }
    }
  }

  @Test void initialisationIsSeededGlorotUniform(BufferAllocator allocator) {
    int dq = 7, dk = 5;
    ScorerProvider p = Fixtures.REGISTRY.require(ScorerProvider.class, "bilinear");
    try (Scorer a = p.create(Fixtures.config("bilinear", allocator, Optional.empty()), dq, dk);
         Scorer b = p.create(Fixtures.config("bilinear", allocator, Optional.empty()), dq, dk)) {
      float[] wa = DenseMatrices.toArray(a.parameters().get("W")), wb = DenseMatrices.toArray(b.parameters().get("W"));
      assertArrayEquals(wa, wb, "same seed, same W");
      assertEquals(dq * dk, wa.length);
      double limit = Math.sqrt(6.0 / (dq + dk));
      double max = 0;
      for (float x : wa) max = Math.max(max, Math.abs(x));
      assertTrue(max <= limit, "Glorot bound " + limit + ", got " + max);
      assertTrue(max > limit / 2, "spread over the range, got max " + max);
      // the documented algorithm: row-major draws (2u − 1)·limit from java.util.Random(seed)
      Random r = new Random(42);
      for (int i = 0; i < wa.length; i++) assertEquals((float) ((2 * r.nextDouble() - 1) * limit), wa[i], "W[" + i + "]");
    }
    ProviderConfig other = new ProviderConfig(Fixtures.config("bilinear", allocator, Optional.empty()).settings(),
        43, allocator, Optional.empty(), Fixtures.REGISTRY.kernels(), Fixtures.REGISTRY);
    try (Scorer a = p.create(Fixtures.config("bilinear", allocator, Optional.empty()), dq, dk);
         Scorer d = p.create(other, dq, dk)) {
      assertFalse(Arrays.equals(DenseMatrices.toArray(a.parameters().get("W")),
          DenseMatrices.toArray(d.parameters().get("W"))), "another seed, another W");
    }
  }

  @Test void declaresItsTensorAndNoScale(BufferAllocator allocator) {
    ScorerProvider p = Fixtures.REGISTRY.require(ScorerProvider.class, "bilinear");
    List<TensorSpec> specs = p.tensors(Fixtures.config("bilinear", allocator, Optional.empty()), 4, 6);
    assertEquals(1, specs.size());
    assertEquals("W [4, 6]", specs.get(0).toString());
    try (Scorer s = Fixtures.bilinear(allocator, 4, 6)) {
      assertTrue(s.dotProductScale().isEmpty(), "no constant scale: never the fused dot kernel");
      assertEquals(4, s.queryDim());
      assertEquals(6, s.keyDim());
      assertEquals(List.of("W"), List.copyOf(s.parameters().names()));
    }
  }

  @Test void scorePairsEqualsTheScoreMatrixEntries(BufferAllocator allocator) {
    int nq = 17, nk = 64, dq = 33, dk = 7, edges = 300;
    Random r = new Random(5);
    int[] src = new int[edges], dst = new int[edges];
    for (int e = 0; e < edges; e++) { src[e] = r.nextInt(nq); dst[e] = r.nextInt(nk); }
    try (Scorer s = Fixtures.bilinear(allocator, dq, dk);
         FixedSizeListVector q = DenseMatrices.of(allocator, "query", nq, dq, gaussian(nq * dq, 1, 1));
         FixedSizeListVector k = DenseMatrices.of(allocator, "keys", nk, dk, gaussian(nk * dk, 1, 2));
         FixedSizeListVector all = s.score(q, k, allocator);
         FixedSizeListVector pairs = s.scorePairs(q, k, src, dst, allocator)) {
      assertEquals(edges, DenseMatrices.rows(pairs));
      assertEquals(1, DenseMatrices.cols(pairs));
      double[] expected = new double[edges];
      for (int e = 0; e < edges; e++) expected[e] = DenseMatrices.get(all, src[e], dst[e]);
      Tolerances.assertClose(pairs, expected, Tolerances.FLOAT32_ATOL, Tolerances.FLOAT32_RTOL, "bilinear pair scores");
    }
  }

  @Test void backwardMatchesCentralDifferencesForQueriesKeysAndW(BufferAllocator allocator) {
    int[][] shapes = {{1, 1, 1, 1}, {3, 17, 5, 2}, {17, 3, 4, 9}, {2, 7, 64, 33}};          // {n_q, n_k, d_q, d_k}
    for (int[] shape : shapes) {
      int nq = shape[0], nk = shape[1], dq = shape[2], dk = shape[3];
      float[] q = gaussian(nq * dq, 1, 3), k = gaussian(nk * dk, 1, 4), g = gaussian(nq * nk, 1, 5);
      double[] qd = Float64Oracles.toDouble(q), kd = Float64Oracles.toDouble(k), gd = Float64Oracles.toDouble(g);
      try (Scorer s = Fixtures.bilinear(allocator, dq, dk);
           FixedSizeListVector qv = DenseMatrices.of(allocator, "query", nq, dq, q);
           FixedSizeListVector kv = DenseMatrices.of(allocator, "keys", nk, dk, k);
           FixedSizeListVector gv = DenseMatrices.of(allocator, "dScores", nq, nk, g);
           Scorer.Gradients grads = s.backward(qv, kv, gv, allocator)) {
        double[] wd = w(s);
        String at = "[" + nq + " x " + nk + "], d_q = " + dq + ", d_k = " + dk;
        GRADIENTS.checkVjp("dQuery " + at, DenseMatrices.toArray(grads.dQueries()),
            x -> Float64Oracles.bilinearScores(x, wd, kd, nq, nk, dq, dk), qd, gd, dq);
        GRADIENTS.checkVjp("dKeys " + at, DenseMatrices.toArray(grads.dKeys()),
            x -> Float64Oracles.bilinearScores(qd, wd, x, nq, nk, dq, dk), kd, gd, dk);
        FixedSizeListVector dW = grads.dParameters().get("W");
        assertArrayEquals(new int[] {dq, dk}, DenseMatrices.shape(dW));
        assertEquals(List.of("W"), List.copyOf(grads.dParameters().names()));
        GRADIENTS.checkVjp("dW " + at, DenseMatrices.toArray(dW),
            x -> Float64Oracles.bilinearScores(qd, x, kd, nq, nk, dq, dk), wd, gd, dk);
      }
    }
  }

  /** s_e = q_src[e]ᵀ W k_dst[e], in float64. */
  private static double[] pairOracle(double[] q, double[] w, double[] k, int[] src, int[] dst, int dq, int dk) {
    double[] s = new double[src.length];
    for (int e = 0; e < src.length; e++) {
      double acc = 0;
      for (int a = 0; a < dq; a++) for (int b = 0; b < dk; b++) acc += q[src[e] * dq + a] * w[a * dk + b] * k[dst[e] * dk + b];
      s[e] = acc;
    }
    return s;
  }

  @Test void backwardPairsMatchesCentralDifferencesAndTheDenseBackward(BufferAllocator allocator) {
    int nq = 5, nk = 7, dq = 17, dk = 6;
    int[] src = {0, 0, 1, 4, 4, 4, 2, 0};                   // repeated edges and untouched rows (query 3; keys 3, 5)
    int[] dst = {0, 6, 1, 2, 2, 4, 6, 1};
    float[] q = gaussian(nq * dq, 1, 6), k = gaussian(nk * dk, 1, 7), g = gaussian(src.length, 1, 8);
    double[] qd = Float64Oracles.toDouble(q), kd = Float64Oracles.toDouble(k), gd = Float64Oracles.toDouble(g);
    float[] dense = new float[nq * nk];                      // the same gradient, scattered into dS
    for (int e = 0; e < src.length; e++) dense[src[e] * nk + dst[e]] += g[e];
    try (Scorer s = Fixtures.bilinear(allocator, dq, dk);
         FixedSizeListVector qv = DenseMatrices.of(allocator, "query", nq, dq, q);
         FixedSizeListVector kv = DenseMatrices.of(allocator, "keys", nk, dk, k);
         FixedSizeListVector gv = DenseMatrices.of(allocator, "dScores", src.length, 1, g);
         FixedSizeListVector dv = DenseMatrices.of(allocator, "dScores", nq, nk, dense);
         Scorer.Gradients pairs = s.backwardPairs(qv, kv, src, dst, gv, allocator);
         Scorer.Gradients full = s.backward(qv, kv, dv, allocator)) {
      double[] wd = w(s);
      GRADIENTS.checkVjp("dQuery (pairs)", DenseMatrices.toArray(pairs.dQueries()),
          x -> pairOracle(x, wd, kd, src, dst, dq, dk), qd, gd, dq);
      GRADIENTS.checkVjp("dKeys (pairs)", DenseMatrices.toArray(pairs.dKeys()),
          x -> pairOracle(qd, wd, x, src, dst, dq, dk), kd, gd, dk);
      GRADIENTS.checkVjp("dW (pairs)", DenseMatrices.toArray(pairs.dParameters().get("W")),
          x -> pairOracle(qd, x, kd, src, dst, dq, dk), wd, gd, dk);
      Tolerances.assertClose(pairs.dQueries(), Float64Oracles.toDouble(full.dQueries()), 1e-5, 1e-5, "dQuery pairs vs dense");
      Tolerances.assertClose(pairs.dKeys(), Float64Oracles.toDouble(full.dKeys()), 1e-5, 1e-5, "dKeys pairs vs dense");
      Tolerances.assertClose(pairs.dParameters().get("W"), Float64Oracles.toDouble(full.dParameters().get("W")), 1e-5, 1e-5,
          "dW pairs vs dense");
      for (int p = 0; p < dq; p++) assertEquals(0f, DenseMatrices.get(pairs.dQueries(), 3, p), "query 3 has no edge");
      for (int p = 0; p < dk; p++) assertEquals(0f, DenseMatrices.get(pairs.dKeys(), 5, p), "key 5 has no edge");
    }
  }

  @Test void emptyInputsGiveEmptyOutputsAndZeroGradients(BufferAllocator allocator) {
    try (Scorer s = Fixtures.bilinear(allocator, 4, 3);
         FixedSizeListVector q = DenseMatrices.allocate(allocator, "query", 0, 4);
         FixedSizeListVector k = DenseMatrices.of(allocator, "keys", 2, 3, gaussian(6, 1, 9));
         FixedSizeListVector sv = s.score(q, k, allocator);
         FixedSizeListVector pv = s.scorePairs(q, k, new int[0], new int[0], allocator);
         FixedSizeListVector g = DenseMatrices.allocate(allocator, "dScores", 0, 2);
         Scorer.Gradients grads = s.backward(q, k, g, allocator)) {
      assertEquals(0, DenseMatrices.rows(sv));
      assertEquals(2, DenseMatrices.cols(sv));
      assertEquals(0, DenseMatrices.rows(pv));
      assertArrayEquals(new float[6], DenseMatrices.toArray(grads.dKeys()));
      assertArrayEquals(new float[12], DenseMatrices.toArray(grads.dParameters().get("W")));
    }
  }

  // --- errors name the tensor or argument, the expected and the actual value

  private static IllegalArgumentException createError(BufferAllocator allocator, ParameterSet given, int dq, int dk) {
    ScorerProvider p = Fixtures.REGISTRY.require(ScorerProvider.class, "bilinear");
    return assertThrows(IllegalArgumentException.class,
        () -> p.create(Fixtures.config("bilinear", allocator, Optional.ofNullable(given)), dq, dk));
  }

  @Test void aWrongShapeNamesTheTensorTheExpectedAndTheActualShape(BufferAllocator allocator) {
    try (ParameterSet given = new ParameterSet().put("W", DenseMatrices.allocate(allocator, "W", 6, 4))) {
      assertEquals("W: expected shape [4, 6], got [6, 4]", createError(allocator, given, 4, 6).getMessage());
    }
    try (ParameterSet given = new ParameterSet().put("W", DenseMatrices.allocateShaped(allocator, "W", 24))) {
      assertEquals("W: expected shape [4, 6], got [24]", createError(allocator, given, 4, 6).getMessage());
    }
  }

  @Test void aMissingOrUnknownTensorListsTheExpectedNames(BufferAllocator allocator) {
    try (ParameterSet empty = new ParameterSet()) {
      assertEquals("parameters: missing tensor 'W'; expected W [4, 6]", createError(allocator, empty, 4, 6).getMessage());
    }
    try (ParameterSet lower = new ParameterSet().put("w", DenseMatrices.allocate(allocator, "w", 4, 6))) {
      assertEquals("parameters: unknown tensor 'w'; expected W [4, 6]", createError(allocator, lower, 4, 6).getMessage());
    }
    try (ParameterSet extra = new ParameterSet().put("W", DenseMatrices.allocate(allocator, "W", 4, 6))
        .put("b", DenseMatrices.allocateShaped(allocator, "b", 6))) {
      assertEquals("parameters: unknown tensor 'b'; expected W [4, 6]", createError(allocator, extra, 4, 6).getMessage());
    }
  }

  @Test void nonFiniteParametersAndBadWidthsAreRefused(BufferAllocator allocator) {
    float[] w = new float[6];
    w[5] = Float.POSITIVE_INFINITY;
    try (ParameterSet given = new ParameterSet().put("W", DenseMatrices.of(allocator, "W", 2, 3, w))) {
      assertEquals("W: expected finite values, got Infinity at (row 1, col 2)", createError(allocator, given, 2, 3).getMessage());
    }
    assertEquals("queryDim: expected at least 1, got 0", createError(allocator, null, 0, 3).getMessage());
    assertEquals("keyDim: expected at least 1, got 0", createError(allocator, null, 3, 0).getMessage());
  }

  @Test void inputErrorsNameTheArgument(BufferAllocator allocator) {
    float[] bad = new float[8];
    bad[3] = Float.NaN;
    try (Scorer s = Fixtures.bilinear(allocator, 4, 6);
         FixedSizeListVector q6 = DenseMatrices.allocate(allocator, "query", 2, 6);
         FixedSizeListVector q = DenseMatrices.allocate(allocator, "query", 2, 4);
         FixedSizeListVector qNaN = DenseMatrices.of(allocator, "query", 2, 4, bad);
         FixedSizeListVector k = DenseMatrices.allocate(allocator, "keys", 3, 6);
         FixedSizeListVector k4 = DenseMatrices.allocate(allocator, "keys", 3, 4);
         FixedSizeListVector g = DenseMatrices.allocate(allocator, "dScores", 3, 2)) {
      assertEquals("query: expected 4 columns, got 6",
          assertThrows(IllegalArgumentException.class, () -> s.score(q6, k, allocator)).getMessage());
      assertEquals("keys: expected 6 columns, got 4",
          assertThrows(IllegalArgumentException.class, () -> s.score(q, k4, allocator)).getMessage());
      assertEquals("query: expected finite values, got NaN at (row 0, col 3)",
          assertThrows(IllegalArgumentException.class, () -> s.score(qNaN, k, allocator)).getMessage());
      assertEquals("dScores: expected 3 columns, got 2",
          assertThrows(IllegalArgumentException.class, () -> s.backward(q, k, g, allocator)).getMessage());
      assertEquals("src: expected indices in [0, 2) (query rows), got 2 at edge 0",
          assertThrows(IllegalArgumentException.class, () -> s.scorePairs(q, k, new int[] {2}, new int[] {0}, allocator))
              .getMessage());
    }
  }

  @Test void aClosedScorerRefusesWorkAndFreesW(BufferAllocator allocator) {
    Scorer s = Fixtures.bilinear(allocator, 2, 3);
    long held = allocator.getAllocatedMemory();
    assertTrue(held > 0, "W is allocated from the config's allocator");
    s.close();
    s.close();                                              // idempotent
    assertEquals(0, allocator.getAllocatedMemory(), "W released on close");
    try (FixedSizeListVector q = DenseMatrices.allocate(allocator, "query", 1, 2);
         FixedSizeListVector k = DenseMatrices.allocate(allocator, "keys", 1, 3)) {
      assertEquals("scorer 'bilinear': expected an open scorer, got a closed one",
          assertThrows(IllegalStateException.class, () -> s.score(q, k, allocator)).getMessage());
    }
  }

  @Test void foundByTheRegistryOnTheModulePath() {
    ScorerProvider p = Fixtures.REGISTRY.require(ScorerProvider.class, "bilinear");
    ProviderDescriptor desc = Fixtures.REGISTRY.descriptorOf(p).orElseThrow();
    assertEquals("org.attention4j.bilinear", desc.module());
    assertEquals("module-path", desc.origin());
    assertEquals(ProviderDescriptor.Status.ACTIVE, desc.status());
    assertTrue(desc.version().startsWith("0.1"), desc.version());
  }
}
