package org.example.cosine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.AttentionResult;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.Mask;
import org.attention4j.api.ParameterSet;
import org.attention4j.api.Settings;
import org.attention4j.api.facade.Attention;
import org.attention4j.api.registry.ProviderDescriptor;
import org.attention4j.api.registry.Registry;
import org.attention4j.api.spi.NormalizerProvider;
import org.attention4j.api.spi.ProviderConfig;
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
 * The {@code cosine} plugin against a float64 reference, with the api's testkit.
 *
 * <p>Tolerances: forward |a − b| ≤ 1e-5 + 1e-5·|b| (|s| ≤ 1/τ; one float32 rounding of a float64
 * expression, plus float32 accumulation in fast matmul kernels). Gradients against central
 * differences of the float64 reference with the testkit's defaults, |a − b| ≤ 1e-3 + 1e-2·|b|,
 * step 1e-3 relative: cosine is not linear in q and k, so the differences carry an O(h²) truncation
 * error, and the analytic side is float32.
 */
@WithRootAllocator
class CosineScorerTest {
  private static final Registry REGISTRY = Registry.load(List.of());
  private static final int[] AWKWARD = {1, 3, 17, 64, 100};
  private static final GradientCheck GRADIENTS = GradientCheck.defaults();

  private static ProviderConfig config(BufferAllocator allocator, Map<String, String> settings, ParameterSet parameters) {
    ScorerProvider p = REGISTRY.require(ScorerProvider.class, "cosine");
    return new ProviderConfig(Settings.resolve("cosine", p.parameters(), settings, List.of()), 1, allocator,
        Optional.ofNullable(parameters), REGISTRY.kernels(), REGISTRY);
  }

  private static Scorer cosine(BufferAllocator allocator, double tau, int d) {
    return REGISTRY.require(ScorerProvider.class, "cosine").create(config(allocator, Map.of("tau", Double.toString(tau)), null),
        d, d);
  }

  private static float[] gaussian(int n, long seed) {
    Random r = new Random(seed);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) x[i] = (float) r.nextGaussian();
    return x;
  }

  /** The float64 reference: s_ij = (q_i · k_j) / (‖q_i‖ ‖k_j‖ exp(θ)). */
  static double[] oracle(double[] q, double[] k, int nq, int nk, int d, double logTau) {
    double[] s = Float64Oracles.dotScores(q, k, nq, nk, d);
    double[] nqs = norms(q, nq, d), nks = norms(k, nk, d);
    for (int i = 0; i < nq; i++) for (int j = 0; j < nk; j++) s[i * nk + j] /= nqs[i] * nks[j] * Math.exp(logTau);
    return s;
  }

  private static double[] norms(double[] x, int rows, int d) {
    double[] n = new double[rows];
    for (int i = 0; i < rows; i++) {
      double sq = 0;
      for (int p = 0; p < d; p++) sq += x[i * d + p] * x[i * d + p];
      n[i] = Math.sqrt(sq);
    }
    return n;
  }

  private static double[] pairOracle(double[] q, double[] k, int[] src, int[] dst, int nq, int nk, int d, double logTau) {
    double[] all = oracle(q, k, nq, nk, d, logTau), s = new double[src.length];
    for (int e = 0; e < src.length; e++) s[e] = all[src[e] * nk + dst[e]];
    return s;
  }

  @ParameterizedTest @ValueSource(doubles = {1, 0.25})
  void forwardMatchesFloat64OnAwkwardSizes(double tau, BufferAllocator allocator) {
    for (int d : AWKWARD) {
      try (Scorer s = cosine(allocator, tau, d)) {
        for (int nq : AWKWARD) {
          for (int nk : new int[] {1, 17, 100}) {
            float[] q = gaussian(nq * d, 7L * nq + d), k = gaussian(nk * d, 5L * nk + d);
            try (FixedSizeListVector qv = DenseMatrices.of(allocator, "query", nq, d, q);
                 FixedSizeListVector kv = DenseMatrices.of(allocator, "keys", nk, d, k);
                 FixedSizeListVector sv = s.score(qv, kv, allocator)) {
              Tolerances.assertClose(sv, oracle(Float64Oracles.toDouble(q), Float64Oracles.toDouble(k), nq, nk, d, Math.log(tau)),
                  1e-5, 1e-5, "cosine [" + nq + " x " + nk + "], d = " + d + ", tau = " + tau);
            }
          }
        }
      }
    }
  }

  @Test void scoresAreBoundedByOneOverTauAndIgnoreVectorLength(BufferAllocator allocator) {
    float[] q = {3, 4}, k = {6, 8, -1, 0};                             // same direction, then 126.87° away
    try (Scorer s = cosine(allocator, 0.5, 2);
         FixedSizeListVector qv = DenseMatrices.of(allocator, "query", 1, 2, q);
         FixedSizeListVector kv = DenseMatrices.of(allocator, "keys", 2, 2, k);
         FixedSizeListVector sv = s.score(qv, kv, allocator)) {
      assertEquals(2.0, DenseMatrices.get(sv, 0, 0), 1e-6);               // cos = 1, τ = 0.5
      assertEquals(-1.2, DenseMatrices.get(sv, 0, 1), 1e-6);              // cos = −3/5
    }
  }

  @ParameterizedTest @ValueSource(doubles = {1, 0.25})
  void backwardMatchesCentralDifferences(double tau, BufferAllocator allocator) {
    int[][] shapes = {{1, 1, 1}, {1, 1, 3}, {3, 17, 5}, {17, 3, 4}, {2, 7, 64}};     // {n_q, n_k, d}
    for (int[] shape : shapes) {
      int nq = shape[0], nk = shape[1], d = shape[2];
      float[] q = gaussian(nq * d, 3), k = gaussian(nk * d, 4), g = gaussian(nq * nk, 5);
      double[] qd = Float64Oracles.toDouble(q), kd = Float64Oracles.toDouble(k), gd = Float64Oracles.toDouble(g);
      double theta = (float) Math.log(tau);                           // the value stored in float32
      try (Scorer s = cosine(allocator, tau, d);
           FixedSizeListVector qv = DenseMatrices.of(allocator, "query", nq, d, q);
           FixedSizeListVector kv = DenseMatrices.of(allocator, "keys", nk, d, k);
           FixedSizeListVector gv = DenseMatrices.of(allocator, "dScores", nq, nk, g);
           Scorer.Gradients grads = s.backward(qv, kv, gv, allocator)) {
        String at = "[" + nq + " x " + nk + "], d = " + d + ", tau = " + tau;
        GRADIENTS.checkVjp("dQuery " + at, DenseMatrices.toArray(grads.dQueries()),
            x -> oracle(x, kd, nq, nk, d, theta), qd, gd, d);
        GRADIENTS.checkVjp("dKeys " + at, DenseMatrices.toArray(grads.dKeys()),
            x -> oracle(qd, x, nq, nk, d, theta), kd, gd, d);
        GRADIENTS.checkVjp("dlog_tau " + at, DenseMatrices.toArray(grads.dParameters().get("log_tau")),
            x -> oracle(qd, kd, nq, nk, d, x[0]), new double[] {theta}, gd);
        assertArrayEquals(new int[] {1}, DenseMatrices.shape(grads.dParameters().get("log_tau")), "d log_tau has shape [1]");
      }
    }
  }

  @Test void pairsMatchTheMatrixAndTheirGradientsMatchCentralDifferences(BufferAllocator allocator) {
    int nq = 5, nk = 7, d = 17;
    int[] src = {0, 0, 1, 4, 4, 4, 2, 0}, dst = {0, 6, 1, 2, 2, 4, 6, 1};
    float[] q = gaussian(nq * d, 6), k = gaussian(nk * d, 7), g = gaussian(src.length, 8);
    double[] qd = Float64Oracles.toDouble(q), kd = Float64Oracles.toDouble(k), gd = Float64Oracles.toDouble(g);
    double theta = (float) Math.log(0.5);
    try (Scorer s = cosine(allocator, 0.5, d);
         FixedSizeListVector qv = DenseMatrices.of(allocator, "query", nq, d, q);
         FixedSizeListVector kv = DenseMatrices.of(allocator, "keys", nk, d, k);
         FixedSizeListVector gv = DenseMatrices.of(allocator, "dScores", src.length, 1, g);
         FixedSizeListVector all = s.score(qv, kv, allocator);
         FixedSizeListVector pairs = s.scorePairs(qv, kv, src, dst, allocator);
         Scorer.Gradients grads = s.backwardPairs(qv, kv, src, dst, gv, allocator)) {
      double[] fromMatrix = new double[src.length];
      for (int e = 0; e < src.length; e++) fromMatrix[e] = DenseMatrices.get(all, src[e], dst[e]);
      Tolerances.assertClose(pairs, fromMatrix, 1e-6, 1e-6, "pair scores vs matrix");
      GRADIENTS.checkVjp("dQuery (pairs)", DenseMatrices.toArray(grads.dQueries()),
          x -> pairOracle(x, kd, src, dst, nq, nk, d, theta), qd, gd, d);
      GRADIENTS.checkVjp("dKeys (pairs)", DenseMatrices.toArray(grads.dKeys()),
          x -> pairOracle(qd, x, src, dst, nq, nk, d, theta), kd, gd, d);
      GRADIENTS.checkVjp("dlog_tau (pairs)", DenseMatrices.toArray(grads.dParameters().get("log_tau")),
          x -> pairOracle(qd, kd, src, dst, nq, nk, d, x[0]), new double[] {theta}, gd);
    }
  }

  @Test void learnsThroughTheAttentionFacade(BufferAllocator allocator) {
    int nq = 4, nk = 6, d = 5, dv = 3;
    float[] q = gaussian(nq * d, 21), k = gaussian(nk * d, 22), v = gaussian(nk * dv, 23), g = gaussian(nq * dv, 24);
    double[] qd = Float64Oracles.toDouble(q), kd = Float64Oracles.toDouble(k), vd = Float64Oracles.toDouble(v);
    double theta = (float) Math.log(0.3);
    Mask mask = Mask.causal();
    try (Scorer s = cosine(allocator, 0.3, d);
         FixedSizeListVector qv = DenseMatrices.of(allocator, "query", nq, d, q);
         FixedSizeListVector kv = DenseMatrices.of(allocator, "keys", nk, d, k);
         FixedSizeListVector vv = DenseMatrices.of(allocator, "values", nk, dv, v);
         FixedSizeListVector gv = DenseMatrices.of(allocator, "dOutput", nq, dv, g)) {
      ProviderConfig c = config(allocator, Map.of(), null);
      Attention att = Attention.builder(s, REGISTRY.require(NormalizerProvider.class, "softmax").create(c), REGISTRY.kernels())
          .mask(mask).build();
      assertFalse(att.fused(), "cosine is not a dot product: no fused kernel");
      Float64Oracles.Forward expected = Float64Oracles.attention(oracle(qd, kd, nq, nk, d, theta), vd, nq, nk, dv, 1, mask);
      try (AttentionResult r = att.attend(qv, kv, vv, true, allocator);
           Attention.AttentionGradients grads = att.backward(qv, kv, vv, gv, allocator)) {
        Tolerances.assertClose(r.output(), expected.output(), 1e-5, 1e-5, "output");
        Tolerances.assertClose(r.weights().orElseThrow(), expected.weights(), 1e-5, 1e-5, "weights");
        GRADIENTS.checkVjp("dlog_tau through attention", DenseMatrices.toArray(grads.dParameters().get("log_tau")),
            x -> Float64Oracles.attention(oracle(qd, kd, nq, nk, d, x[0]), vd, nq, nk, dv, 1, mask).output(),
            new double[] {theta}, Float64Oracles.toDouble(g));
        GRADIENTS.checkVjp("dQuery through attention", DenseMatrices.toArray(grads.dQuery()),
            x -> Float64Oracles.attention(oracle(x, kd, nq, nk, d, theta), vd, nq, nk, dv, 1, mask).output(),
            qd, Float64Oracles.toDouble(g), d);
      }
    }
  }

  // --- parameters and settings

  @Test void parametersFromTheConfigAreCheckedAndCopied(BufferAllocator allocator) {
    FixedSizeListVector logTau = DenseMatrices.allocateShaped(allocator, "log_tau", 1);
    DenseMatrices.set(logTau, 0, 0, (float) Math.log(2));
    try (ParameterSet given = new ParameterSet().put("log_tau", logTau);
         Scorer s = REGISTRY.require(ScorerProvider.class, "cosine").create(config(allocator, Map.of("tau", "5"), given), 2, 2);
         FixedSizeListVector q = DenseMatrices.of(allocator, "query", 1, 2, new float[] {1, 0});
         FixedSizeListVector sv = s.score(q, q, allocator)) {
      assertEquals(0.5, DenseMatrices.get(sv, 0, 0), 1e-6, "τ = exp(log_tau) = 2 from the parameters, not the setting");
      assertTrue(s.parameters().get("log_tau") != logTau, "the scorer keeps its own copy");
    }
  }

  @Test void defaultTemperatureIsOne(BufferAllocator allocator) {
    try (Scorer s = REGISTRY.require(ScorerProvider.class, "cosine").create(config(allocator, Map.of(), null), 3, 3)) {
      assertEquals(0f, DenseMatrices.get(s.parameters().get("log_tau"), 0, 0));
      assertEquals(List.of("log_tau"), List.copyOf(s.parameters().names()));
    }
  }

  @Test void badParametersAndSettingsAreRefusedByName(BufferAllocator allocator) {
    ScorerProvider p = REGISTRY.require(ScorerProvider.class, "cosine");
    try (ParameterSet wrongShape = new ParameterSet().put("log_tau", DenseMatrices.allocateShaped(allocator, "log_tau", 2))) {
      assertEquals("log_tau: expected shape [1], got [2]", assertThrows(IllegalArgumentException.class,
          () -> p.create(config(allocator, Map.of(), wrongShape), 2, 2)).getMessage());
    }
    try (ParameterSet unknown = new ParameterSet().put("w", DenseMatrices.allocate(allocator, "w", 1, 1))) {
      assertEquals("parameters: unknown tensor 'w'; expected log_tau [1]", assertThrows(IllegalArgumentException.class,
          () -> p.create(config(allocator, Map.of(), unknown), 2, 2)).getMessage());
    }
    assertEquals("tau: expected a number > 0, got 0.0", assertThrows(IllegalArgumentException.class,
        () -> p.create(config(allocator, Map.of("tau", "0"), null), 2, 2)).getMessage());
    assertEquals("keyDim: expected 4 (= queryDim; cosine needs queries and keys of equal width), got 3",
        assertThrows(IllegalArgumentException.class, () -> p.create(config(allocator, Map.of(), null), 4, 3)).getMessage());
  }

  @Test void zeroVectorsAreRefusedNamingArgumentAndRow(BufferAllocator allocator) {
    float[] keys = {1, 2, 0, 0, 3, 4};
    try (Scorer s = cosine(allocator, 1, 2);
         FixedSizeListVector q = DenseMatrices.of(allocator, "query", 1, 2, new float[] {1, 1});
         FixedSizeListVector k = DenseMatrices.of(allocator, "keys", 3, 2, keys);
         FixedSizeListVector zero = DenseMatrices.allocate(allocator, "query", 1, 2);
         FixedSizeListVector g = DenseMatrices.allocate(allocator, "dScores", 1, 3)) {
      String expected = "keys: expected non-zero rows (cosine is undefined for a zero vector), got a zero vector at row 1";
      assertEquals(expected, assertThrows(IllegalArgumentException.class, () -> s.score(q, k, allocator)).getMessage());
      assertEquals(expected, assertThrows(IllegalArgumentException.class, () -> s.backward(q, k, g, allocator)).getMessage());
      assertEquals("query: expected non-zero rows (cosine is undefined for a zero vector), got a zero vector at row 0",
          assertThrows(IllegalArgumentException.class, () -> s.score(zero, k, allocator)).getMessage());
    }
  }

  @Test void shapeErrorsNameTheArgument(BufferAllocator allocator) {
    try (Scorer s = cosine(allocator, 1, 16);
         FixedSizeListVector q8 = DenseMatrices.of(allocator, "query", 1, 8, gaussian(8, 1));
         FixedSizeListVector k = DenseMatrices.of(allocator, "keys", 1, 16, gaussian(16, 2))) {
      assertEquals("query: expected 16 columns, got 8",
          assertThrows(IllegalArgumentException.class, () -> s.score(q8, k, allocator)).getMessage());
      assertEquals("src: expected indices in [0, 1) (query rows), got 2 at edge 0",
          assertThrows(IllegalArgumentException.class, () -> s.scorePairs(k, k, new int[] {2}, new int[] {0}, allocator))
              .getMessage());
    }
  }

  @Test void foundByTheRegistryAsAPlugin() {
    ScorerProvider p = REGISTRY.require(ScorerProvider.class, "cosine");
    ProviderDescriptor d = REGISTRY.descriptorOf(p).orElseThrow();
    assertEquals("org.example.cosine", d.module());
    assertEquals(ProviderDescriptor.Status.ACTIVE, d.status());
    assertEquals("0.1.0", d.version());
    assertEquals("1", p.parameters().get(0).defaultValue());
  }
}
