package org.attention4j.additive.internal;

import static org.attention4j.additive.internal.Fixtures.config;
import static org.attention4j.additive.internal.Fixtures.gaussian;
import static org.attention4j.additive.internal.Fixtures.parameters;
import static org.attention4j.additive.internal.Fixtures.provider;
import static org.attention4j.additive.internal.Fixtures.scorer;
import static org.attention4j.additive.internal.Fixtures.tensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.ParameterSet;
import org.attention4j.api.ParameterSet.TensorSpec;
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
 * The additive scorer against {@link AdditiveReference} (float64, straight from the definition).
 *
 * <p>Tolerances: scores |a − b| ≤ 1e-5 + 1e-5·|b| ({@link Tolerances#FLOAT32_ATOL}/{@code RTOL}:
 * float32 projections, a float64 tanh-reduce, one rounding). Gradients — dQ, dK and every parameter
 * (W_q, W_k, v, b) — against central differences of ⟨G, S(x)⟩ on the float64 reference (testkit
 * default step 1e-3·max(1, |x|)), |a − b| ≤ 1e-4 + 1e-3·|b|: tanh is smooth, so the differences
 * carry an O(h²) truncation error near 1e-6, and the analytic side is float32.
 */
@WithRootAllocator
class AdditiveScorerTest {
  private static final GradientCheck GRADIENTS = GradientCheck.defaults().tolerance(1e-4, 1e-3);
  private static final int[] SIZES = {1, 3, 17, 64};

  @Test void forwardMatchesFloat64OnAwkwardSizes(BufferAllocator allocator) {
    for (int h : new int[] {1, 7, 64}) {
      int dq = 5, dk = 3;
      try (Scorer s = scorer(allocator, dq, dk, h, h)) {
        AdditiveReference ref = AdditiveReference.of(s.parameters(), dq, dk);
        for (int nq : SIZES) {
          for (int nk : SIZES) {
            float[] q = gaussian(nq * dq, 1, 31L * nq + h), k = gaussian(nk * dk, 1, 17L * nk + h);
            try (FixedSizeListVector qv = DenseMatrices.of(allocator, "queries", nq, dq, q);
                 FixedSizeListVector kv = DenseMatrices.of(allocator, "keys", nk, dk, k);
                 FixedSizeListVector sv = s.score(qv, kv, allocator)) {
              double[] expected = ref.scores(Float64Oracles.toDouble(q), Float64Oracles.toDouble(k), nq, nk);
              Tolerances.assertClose(sv, expected, Tolerances.FLOAT32_ATOL, Tolerances.FLOAT32_RTOL,
                  "scores [" + nq + " x " + nk + "], h = " + h);
            }
          }
        }
      }
    }
  }

  @Test void biasEntersEveryScore(BufferAllocator allocator) {
    int h = 4, dq = 2, dk = 3, nq = 3, nk = 2;
    float[] wq = gaussian(h * dq, 1, 1), wk = gaussian(h * dk, 1, 2), v = gaussian(h, 1, 3), b = gaussian(h, 1, 4);
    try (ParameterSet p = parameters(allocator, h, dq, dk, wq, wk, v, b);
         Scorer s = provider().create(config(allocator, Map.of(), 0, Optional.of(p)), dq, dk);
         FixedSizeListVector q = DenseMatrices.of(allocator, "queries", nq, dq, gaussian(nq * dq, 1, 5));
         FixedSizeListVector k = DenseMatrices.of(allocator, "keys", nk, dk, gaussian(nk * dk, 1, 6));
         FixedSizeListVector sv = s.score(q, k, allocator)) {
      AdditiveReference ref = AdditiveReference.of(s.parameters(), dq, dk);
      assertArrayEquals(Float64Oracles.toDouble(b), ref.b(), "the scorer keeps the file's b");
      Tolerances.assertClose(sv, ref.scores(Float64Oracles.toDouble(q), Float64Oracles.toDouble(k), nq, nk),
          Tolerances.FLOAT32_ATOL, Tolerances.FLOAT32_RTOL, "scores with a bias");
    }
  }

  @Test void scorePairsEqualsTheScoreMatrixEntries(BufferAllocator allocator) {
    int nq = 5, nk = 7, dq = 4, dk = 6;
    int[] src = {0, 4, 2, 2, 0, 3, 4}, dst = {6, 0, 3, 3, 1, 5, 6};        // with a repeated edge
    try (Scorer s = scorer(allocator, dq, dk, 9, 3);
         FixedSizeListVector q = DenseMatrices.of(allocator, "queries", nq, dq, gaussian(nq * dq, 1, 1));
         FixedSizeListVector k = DenseMatrices.of(allocator, "keys", nk, dk, gaussian(nk * dk, 1, 2));
         FixedSizeListVector full = s.score(q, k, allocator);
         FixedSizeListVector pairs = s.scorePairs(q, k, src, dst, allocator);
         FixedSizeListVector none = s.scorePairs(q, k, new int[0], new int[0], allocator)) {
      assertArrayEquals(new int[] {src.length, 1}, DenseMatrices.shape(pairs));
      for (int e = 0; e < src.length; e++) {
        assertEquals(DenseMatrices.get(full, src[e], dst[e]), DenseMatrices.get(pairs, e, 0), "edge " + e);
      }
      assertEquals(0, DenseMatrices.rows(none));
    }
  }

  @Test void scorePairsChecksEveryIndex(BufferAllocator allocator) {
    try (Scorer s = scorer(allocator, 2, 2, 3, 0);
         FixedSizeListVector q = DenseMatrices.of(allocator, "queries", 3, 2, new float[6]);
         FixedSizeListVector k = DenseMatrices.of(allocator, "keys", 4, 2, new float[8]);
         FixedSizeListVector g = DenseMatrices.of(allocator, "dScores", 2, 1, new float[2])) {
      assertEquals("src: expected indices in [0, 3) (query rows), got 3 at edge 1", assertThrows(IllegalArgumentException.class,
          () -> s.scorePairs(q, k, new int[] {0, 3}, new int[] {0, 0}, allocator)).getMessage());
      assertEquals("dst: expected indices in [0, 4) (keys rows), got -1 at edge 0", assertThrows(IllegalArgumentException.class,
          () -> s.scorePairs(q, k, new int[] {0, 1}, new int[] {-1, 0}, allocator)).getMessage());
      assertEquals("dst: expected 2 indices (= src length), got 1", assertThrows(IllegalArgumentException.class,
          () -> s.scorePairs(q, k, new int[] {0, 1}, new int[] {0}, allocator)).getMessage());
      assertEquals("src: expected indices in [0, 3) (query rows), got 5 at edge 0", assertThrows(IllegalArgumentException.class,
          () -> s.backwardPairs(q, k, new int[] {5, 1}, new int[] {0, 0}, g, allocator)).getMessage());
      assertEquals("dScores: expected 3 rows, got 2", assertThrows(IllegalArgumentException.class,
          () -> s.backwardPairs(q, k, new int[] {0, 1, 2}, new int[] {0, 0, 0}, g, allocator)).getMessage());
    }
  }

  /** dQ, dK and every parameter gradient against central differences of ⟨G, S⟩. */
  @ParameterizedTest @ValueSource(booleans = {false, true})
  void backwardMatchesCentralDifferencesForInputsAndEveryParameter(boolean pairs, BufferAllocator allocator) {
    int nq = 4, nk = 6, dq = 5, dk = 3, h = 7;
    int[] src = {0, 3, 1, 1, 2, 0, 3, 3}, dst = {5, 0, 2, 2, 4, 1, 1, 3};
    float[] qf = gaussian(nq * dq, 1, 11), kf = gaussian(nk * dk, 1, 12);
    float[] gf = gaussian(pairs ? src.length : nq * nk, 1, 13);
    float[] b = gaussian(h, 0.5, 14);
    try (Scorer init = scorer(allocator, dq, dk, h, 5);
         ParameterSet p = parameters(allocator, h, dq, dk, DenseMatrices.toArray(init.parameters().get("W_q")),
             DenseMatrices.toArray(init.parameters().get("W_k")), DenseMatrices.toArray(init.parameters().get("v")), b);
         Scorer s = provider().create(config(allocator, Map.of(), 0, Optional.of(p)), dq, dk);
         FixedSizeListVector q = DenseMatrices.of(allocator, "queries", nq, dq, qf);
         FixedSizeListVector k = DenseMatrices.of(allocator, "keys", nk, dk, kf);
         FixedSizeListVector g = DenseMatrices.of(allocator, "dScores", pairs ? src.length : nq, pairs ? 1 : nk, gf);
         Scorer.Gradients grads = pairs ? s.backwardPairs(q, k, src, dst, g, allocator) : s.backward(q, k, g, allocator)) {
      AdditiveReference ref = AdditiveReference.of(s.parameters(), dq, dk);
      double[] q64 = Float64Oracles.toDouble(qf), k64 = Float64Oracles.toDouble(kf), g64 = Float64Oracles.toDouble(gf);
      Function<AdditiveReference, double[]> at = pairs
          ? r -> r.pairs(q64, k64, src, dst)
          : r -> r.scores(q64, k64, nq, nk);
      String how = pairs ? "backwardPairs " : "backward ";
      GRADIENTS.checkVjp(how + "dQueries", DenseMatrices.toArray(grads.dQueries()),
          x -> pairs ? ref.pairs(x, k64, src, dst) : ref.scores(x, k64, nq, nk), q64, g64, dq);
      GRADIENTS.checkVjp(how + "dKeys", DenseMatrices.toArray(grads.dKeys()),
          x -> pairs ? ref.pairs(q64, x, src, dst) : ref.scores(q64, x, nq, nk), k64, g64, dk);
      ParameterSet d = grads.dParameters();
      assertEquals(List.of("W_q", "W_k", "v", "b"), List.copyOf(d.names()), "gradients are named like the parameters");
      for (String name : d.names()) {
        assertArrayEquals(DenseMatrices.shape(s.parameters().get(name)), DenseMatrices.shape(d.get(name)), name + " shape");
      }
      GRADIENTS.checkVjp(how + "dW_q", DenseMatrices.toArray(d.get("W_q")), x -> at.apply(ref.withWq(x)), ref.wq(), g64, dq);
      GRADIENTS.checkVjp(how + "dW_k", DenseMatrices.toArray(d.get("W_k")), x -> at.apply(ref.withWk(x)), ref.wk(), g64, dk);
      GRADIENTS.checkVjp(how + "dv", DenseMatrices.toArray(d.get("v")), x -> at.apply(ref.withV(x)), ref.v(), g64);
      GRADIENTS.checkVjp(how + "db", DenseMatrices.toArray(d.get("b")), x -> at.apply(ref.withB(x)), ref.b(), g64);
    }
  }

  @Test void initialisationIsDeterministicPerSeedAndWithinItsBounds(BufferAllocator allocator) {
    int dq = 6, dk = 4, h = 10;
    try (Scorer a = scorer(allocator, dq, dk, h, 42);
         Scorer b = scorer(allocator, dq, dk, h, 42);
         Scorer c = scorer(allocator, dq, dk, h, 43)) {
      for (String name : List.of("W_q", "W_k", "v", "b")) {
        assertArrayEquals(DenseMatrices.toArray(a.parameters().get(name)), DenseMatrices.toArray(b.parameters().get(name)),
            name + ": the same seed gives the same parameters");
      }
      for (String name : List.of("W_q", "W_k", "v")) {
        assertFalse(Arrays.equals(DenseMatrices.toArray(a.parameters().get(name)), DenseMatrices.toArray(c.parameters().get(name))),
            name + ": another seed gives other parameters");
      }
      assertArrayEquals(new int[] {h, dq}, DenseMatrices.shape(a.parameters().get("W_q")));
      assertArrayEquals(new int[] {h, dk}, DenseMatrices.shape(a.parameters().get("W_k")));
      assertArrayEquals(new int[] {h}, DenseMatrices.shape(a.parameters().get("v")));
      assertArrayEquals(new int[] {h}, DenseMatrices.shape(a.parameters().get("b")));
      assertWithin(a.parameters().get("W_q"), Math.sqrt(6.0 / (dq + h)), "W_q (Glorot)");
      assertWithin(a.parameters().get("W_k"), Math.sqrt(6.0 / (dk + h)), "W_k (Glorot)");
      assertWithin(a.parameters().get("v"), 1 / Math.sqrt(h), "v");
      assertArrayEquals(new float[h], DenseMatrices.toArray(a.parameters().get("b")), "b starts at zero");
    }
  }

  private static void assertWithin(FixedSizeListVector t, double limit, String what) {
    float[] x = DenseMatrices.toArray(t);
    double max = 0;
    for (float f : x) {
      assertTrue(Math.abs(f) <= limit, what + ": expected |x| <= " + limit + ", got " + f);
      max = Math.max(max, Math.abs(f));
    }
    assertTrue(max > limit / 2, what + ": expected values spread over ±" + limit + ", got max |x| " + max);
  }

  @Test void hiddenSizeComesFromTheSettingOrDefaultsTo64(BufferAllocator allocator) {
    try (Scorer s = provider().create(config(allocator, Map.of(), 0, Optional.empty()), 3, 2);
         Scorer t = provider().create(config(allocator, Map.of("h", "5"), 0, Optional.empty()), 3, 2)) {
      assertArrayEquals(new int[] {64, 3}, DenseMatrices.shape(s.parameters().get("W_q")));
      assertArrayEquals(new int[] {5, 2}, DenseMatrices.shape(t.parameters().get("W_k")));
    }
    assertEquals("additive h: expected an integer >= 1, got 0", assertThrows(IllegalArgumentException.class,
        () -> provider().create(config(allocator, Map.of("h", "0"), 0, Optional.empty()), 3, 2)).getMessage());
    assertEquals("additive h: expected an integer >= 1, got 'wide'", assertThrows(IllegalArgumentException.class,
        () -> provider().create(config(allocator, Map.of("h", "wide"), 0, Optional.empty()), 3, 2)).getMessage());
    assertEquals("queryDim: expected an integer >= 1, got 0", assertThrows(IllegalArgumentException.class,
        () -> provider().create(config(allocator, Map.of(), 0, Optional.empty()), 0, 2)).getMessage());
  }

  @Test void parametersFromAFileAreCheckedCopiedAndBDefaultsToZero(BufferAllocator allocator) {
    int h = 3, dq = 2, dk = 4;
    float[] wq = gaussian(h * dq, 1, 1), wk = gaussian(h * dk, 1, 2), v = gaussian(h, 1, 3);
    try (ParameterSet file = parameters(allocator, h, dq, dk, wq, wk, v, null)) {
      // the file's h (3) wins over the setting's default (64)
      List<TensorSpec> specs = provider().tensors(config(allocator, Map.of(), 0, Optional.of(file)), dq, dk);
      assertEquals("[W_q [3, 2], W_k [3, 4], v [3], b [3] (optional)]", specs.toString());
      try (Scorer s = provider().create(config(allocator, Map.of(), 0, Optional.of(file)), dq, dk)) {
        assertArrayEquals(new float[h], DenseMatrices.toArray(s.parameters().get("b")), "no b in the file: b = 0");
        assertArrayEquals(wq, DenseMatrices.toArray(s.parameters().get("W_q")));
        DenseMatrices.set(file.get("W_q"), 0, 0, 99f);           // the scorer copied what it keeps
        assertEquals(wq[0], DenseMatrices.get(s.parameters().get("W_q"), 0, 0));
        assertTrue(s.parameters().get("W_q") != file.get("W_q"));
      }
    }
  }

  @Test void parameterErrorsNameTheTensorAndTheExpectedShapes(BufferAllocator allocator) {
    int h = 3, dq = 2, dk = 4;
    float[] wq = gaussian(h * dq, 1, 1), wk = gaussian(h * dk, 1, 2), v = gaussian(h, 1, 3);
    String listing = "W_q [3, 2], W_k [3, 4], v [3], b [3] (optional)";
    try (ParameterSet wrongShape = parameters(allocator, h, dq, 5, wq, gaussian(h * 5, 1, 2), v, null)) {
      assertEquals("W_k: expected shape [3, 4], got [3, 5]", createError(allocator, wrongShape, dq, dk));
    }
    try (ParameterSet wrongBias = parameters(allocator, h, dq, dk, wq, wk, v, null)) {
      wrongBias.put("b", tensor(allocator, "b", new float[4], 4));
      assertEquals("b: expected shape [3], got [4]", createError(allocator, wrongBias, dq, dk));
    }
    try (ParameterSet missing = new ParameterSet()) {
      missing.put("W_q", tensor(allocator, "W_q", wq, h, dq));
      missing.put("W_k", tensor(allocator, "W_k", wk, h, dk));
      assertEquals("parameters: missing tensor 'v'; expected " + listing, createError(allocator, missing, dq, dk));
    }
    try (ParameterSet unknown = parameters(allocator, h, dq, dk, wq, wk, v, null)) {
      unknown.put("W_v", tensor(allocator, "W_v", new float[1], 1));
      assertEquals("parameters: unknown tensor 'W_v'; expected " + listing, createError(allocator, unknown, dq, dk));
    }
    try (ParameterSet nan = parameters(allocator, h, dq, dk, wq, wk, new float[] {0, Float.NaN, 0}, null)) {
      assertEquals("v: expected finite values, got NaN at (row 1, col 0)", createError(allocator, nan, dq, dk));
    }
  }

  private static String createError(BufferAllocator allocator, ParameterSet p, int dq, int dk) {
    return assertThrows(IllegalArgumentException.class,
        () -> provider().create(config(allocator, Map.of(), 0, Optional.of(p)), dq, dk)).getMessage();
  }

  @Test void refusesWrongWidthsNonFiniteInputsAndUseAfterClose(BufferAllocator allocator) {
    Scorer s = scorer(allocator, 3, 2, 4, 0);
    try (FixedSizeListVector q = DenseMatrices.of(allocator, "queries", 2, 3, new float[] {0, 1, 2, 3, Float.NaN, 5});
         FixedSizeListVector good = DenseMatrices.of(allocator, "queries", 2, 3, new float[6]);
         FixedSizeListVector k = DenseMatrices.of(allocator, "keys", 2, 2, new float[4]);
         FixedSizeListVector wide = DenseMatrices.of(allocator, "keys", 2, 3, new float[6])) {
      assertEquals("queries: expected finite values, got NaN at (row 1, col 1)",
          assertThrows(IllegalArgumentException.class, () -> s.score(q, k, allocator)).getMessage());
      assertEquals("keys: expected 2 columns, got 3",
          assertThrows(IllegalArgumentException.class, () -> s.score(good, wide, allocator)).getMessage());
      assertEquals("dScores: expected 2 rows, got 1", assertThrows(IllegalArgumentException.class, () -> {
        try (FixedSizeListVector g = DenseMatrices.of(allocator, "dScores", 1, 2, new float[2])) {
          s.backward(good, k, g, allocator);
        }
      }).getMessage());
      s.close();
      s.close();                                                 // idempotent
      assertEquals("additive scorer: expected an open scorer, got a closed one",
          assertThrows(IllegalStateException.class, () -> s.score(good, k, allocator)).getMessage());
    }
  }

  @Test void hugeInputsSaturateAndStayWithinTheBound(BufferAllocator allocator) {
    float m = Float.MAX_VALUE;
    try (Scorer s = scorer(allocator, 2, 2, 6, 1);
         FixedSizeListVector q = DenseMatrices.of(allocator, "queries", 2, 2, new float[] {m, m, -m, 1e30f});
         FixedSizeListVector k = DenseMatrices.of(allocator, "keys", 3, 2, new float[] {-m, -m, m, m, 0, 0});
         FixedSizeListVector sv = s.score(q, k, allocator)) {
      double bound = AdditiveReference.of(s.parameters(), 2, 2).vNorm1();
      for (float x : DenseMatrices.toArray(sv)) {
        assertTrue(Float.isFinite(x) && Math.abs(x) <= bound * (1 + 1e-6), "|s| = " + x + " <= ||v||_1 = " + bound);
      }
    }
  }

  @Test void emptyInputsGiveEmptyScores(BufferAllocator allocator) {
    try (Scorer s = scorer(allocator, 3, 2, 4, 0);
         FixedSizeListVector q = DenseMatrices.allocate(allocator, "queries", 0, 3);
         FixedSizeListVector k = DenseMatrices.of(allocator, "keys", 2, 2, new float[4]);
         FixedSizeListVector sv = s.score(q, k, allocator);
         Scorer.Gradients g = s.backward(q, k, sv, allocator)) {
      assertArrayEquals(new int[] {0, 2}, DenseMatrices.shape(sv));
      assertArrayEquals(new float[4], DenseMatrices.toArray(g.dKeys()));
      assertArrayEquals(new float[4], DenseMatrices.toArray(g.dParameters().get("b")));
    }
  }

  @Test void theRegistryFindsItByIdFromThisModule() {
    ScorerProvider p = Fixtures.REGISTRY.require(ScorerProvider.class, "additive");
    assertInstanceOf(AdditiveScorerProvider.class, p);
    ProviderDescriptor d = Fixtures.REGISTRY.descriptorOf(p).orElseThrow();
    assertEquals("org.attention4j.additive", d.module());
    assertEquals("0.1.0", d.version());
    assertEquals(ProviderDescriptor.Status.ACTIVE, d.status());
    assertEquals("h", p.parameters().get(0).name());
    assertEquals("64", p.parameters().get(0).defaultValue());
  }
}
