package org.attention4j.testkit;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.ParameterSet;
import org.attention4j.api.facade.Attention;
import org.attention4j.api.registry.ProviderKind;
import org.attention4j.api.spi.NormalizerProvider;
import org.attention4j.api.spi.ProviderConfig;
import org.attention4j.api.spi.Scorer;
import org.attention4j.api.spi.ScorerProvider;
import org.apiguardian.api.API;
import org.junit.jupiter.api.Test;

/**
 * The conformance suite for {@link ScorerProvider}s: extend it in the plugin's tests and return the
 * provider from {@link #provider()}.
 * <pre>{@code
 * class CosineConformanceTest extends BaseScorerConformanceTest {
 *   @Override protected ScorerProvider provider() { return new CosineScorerProvider(); }
 *   @Override protected boolean requiresEqualWidths() { return true; }
 * }
 * }</pre>
 *
 * <p>Checked, each failure naming the provider, the widths and the breaking input: the descriptor
 * (id syntax, non-blank version and description, an SPI range that parses and contains this
 * attention-api's version); discovery by {@link java.util.ServiceLoader} in the provider's own layer,
 * and from a plugin folder in its own module layer when {@link #pluginJar()} names the jar; widths
 * reported and wrong widths refused with an {@link IllegalArgumentException} naming the argument;
 * non-finite input refused naming the argument (by the scorer and through the {@link Attention}
 * facade); {@code scorePairs} agreeing with {@code score}; {@code backward} and {@code backwardPairs} (with a
 * repeated edge, whose gradients must add up) against central differences for dQ, dK and every parameter; identical scores from two scorers created with the
 * same seed; identical results from 4 threads × 50 calls on one shared scorer, each thread with its
 * own child allocator. Every test runs under {@link WithRootAllocator}, so a leaked buffer fails it.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
@WithRootAllocator
public abstract class BaseScorerConformanceTest {
  private static final int THREADS = 4;
  private static final int CALLS_PER_THREAD = 50;

  /** The provider under test (a new instance or the one ServiceLoader gives; both work). */
  protected abstract ScorerProvider provider();

  /** True when the scorer only works for d_q = d_k (dot products, cosine); then only equal widths are tested. */
  protected boolean requiresEqualWidths() { return false; }

  /**
   * The widths {d_q, d_k} to test; by default {1, 1}, {3, 5} and {8, 4}, or {1, 1}, {3, 3} and {8, 8}
   * when {@link #requiresEqualWidths()}. The gradient check uses the second pair.
   */
  protected List<int[]> widths() {
    return requiresEqualWidths()
        ? List.of(new int[] {1, 1}, new int[] {3, 3}, new int[] {8, 8})
        : List.of(new int[] {1, 1}, new int[] {3, 5}, new int[] {8, 4});
  }

  /** Settings to create the scorer with ({@code --set} keys of {@link ScorerProvider#parameters()}); default none. */
  protected Map<String, String> settings() { return Map.of(); }

  /** The seed for the scorer's parameters and the generated inputs. */
  protected long seed() { return 20240601L; }

  /** The gradient tolerance; default {@link GradientCheck#defaults()}. */
  protected GradientCheck gradientCheck() { return GradientCheck.defaults(); }

  /**
   * The provider's built jar, for the plugin-folder check; empty (the default) skips that check
   * with an assumption.
   */
  protected Optional<Path> pluginJar() { return Optional.empty(); }

  /** The config a scorer is created with (settings, seed, allocator, the test registry's kernels). */
  protected ProviderConfig config(BufferAllocator allocator, long seed) {
    return Conformance.config(provider(), settings(), seed, allocator);
  }

  private String who(int dq, int dk) { return "scorer '" + provider().id() + "' [d_q=" + dq + ", d_k=" + dk + "]"; }

  private Scorer create(BufferAllocator allocator, long seed, int dq, int dk) {
    Scorer s = provider().create(config(allocator, seed), dq, dk);
    assertNotNull(s, who(dq, dk) + ": create: expected a scorer, got null");
    return s;
  }

  private static float[] scores(Scorer s, float[] q, float[] k, int nq, int nk, BufferAllocator allocator) {
    try (FixedSizeListVector qv = DenseMatrices.of(allocator, "query", nq, s.queryDim(), q);
         FixedSizeListVector kv = DenseMatrices.of(allocator, "keys", nk, s.keyDim(), k);
         FixedSizeListVector out = s.score(qv, kv, allocator)) {
      DenseMatrices.require(out, "scores", nq, nk);
      return DenseMatrices.toArray(out);
    }
  }

  @Test public void descriptorIsValid() { Conformance.checkDescriptor(provider()); }

  @Test public void serviceLoaderListsTheProvider() {
    Conformance.checkServiceLoader(ScorerProvider.class, provider());
  }

  @Test public void loadsFromAPluginFolder() {
    Optional<Path> jar = pluginJar();
    assumeTrue(jar.isPresent(), "no plugin jar given (override pluginJar() to check loading from a plugin folder)");
    Conformance.checkPluginFolder(ProviderKind.SCORER, provider(), jar.get());
  }

  @Test public void wrongWidthsAreRefusedNamingTheArgument(BufferAllocator allocator) {
    for (int[] w : widths()) {
      int dq = w[0], dk = w[1], nq = 2, nk = 3;
      try (Scorer s = create(allocator, seed(), dq, dk)) {
        assertEquals(dq, s.queryDim(), who(dq, dk) + ": queryDim(): expected " + dq + ", got " + s.queryDim());
        assertEquals(dk, s.keyDim(), who(dq, dk) + ": keyDim(): expected " + dk + ", got " + s.keyDim());
        try (FixedSizeListVector q = DenseMatrices.of(allocator, "query", nq, dq, Conformance.gaussian(nq * dq, 1, 1));
             FixedSizeListVector k = DenseMatrices.of(allocator, "keys", nk, dk, Conformance.gaussian(nk * dk, 2, 1));
             FixedSizeListVector wideQ = DenseMatrices.allocate(allocator, "query", nq, dq + 1);
             FixedSizeListVector wideK = DenseMatrices.allocate(allocator, "keys", nk, dk + 1);
             FixedSizeListVector badDs = DenseMatrices.allocate(allocator, "dScores", nq, nk + 1)) {
          Conformance.assertNamesArgument(who(dq, dk) + ": score(query [" + nq + ", " + (dq + 1) + "], keys)",
              () -> thrown(() -> s.score(wideQ, k, allocator)), "query", "queries");
          Conformance.assertNamesArgument(who(dq, dk) + ": score(query, keys [" + nk + ", " + (dk + 1) + "])",
              () -> thrown(() -> s.score(q, wideK, allocator)), "keys", "key");
          Conformance.assertNamesArgument(who(dq, dk) + ": backward(query, keys, dScores [" + nq + ", " + (nk + 1) + "])",
              () -> thrown(() -> s.backward(q, k, badDs, allocator)), "dScores");
        }
      }
    }
  }

  @Test public void nonFiniteInputIsRefusedNamingTheArgument(BufferAllocator allocator) {
    int[] w = widths().get(widths().size() > 1 ? 1 : 0);
    int dq = w[0], dk = w[1], nq = 2, nk = 3;
    float[] qd = Conformance.gaussian(nq * dq, 1, 1), kd = Conformance.gaussian(nk * dk, 2, 1);
    float[] qNaN = qd.clone(), kInf = kd.clone();
    qNaN[dq] = Float.NaN;                                  // (row 1, col 0)
    kInf[0] = Float.POSITIVE_INFINITY;
    NormalizerProvider softmax = Conformance.registry().require(NormalizerProvider.class, "softmax");
    try (Scorer s = create(allocator, seed(), dq, dk);
         FixedSizeListVector q = DenseMatrices.of(allocator, "query", nq, dq, qd);
         FixedSizeListVector k = DenseMatrices.of(allocator, "keys", nk, dk, kd);
         FixedSizeListVector v = DenseMatrices.of(allocator, "values", nk, 2, Conformance.gaussian(nk * 2, 3, 1));
         FixedSizeListVector badQ = DenseMatrices.of(allocator, "query", nq, dq, qNaN);
         FixedSizeListVector badK = DenseMatrices.of(allocator, "keys", nk, dk, kInf)) {
      Conformance.assertNamesArgument(who(dq, dk) + ": score(query with NaN at (row 1, col 0), keys)",
          () -> thrown(() -> s.score(badQ, k, allocator)), "query", "queries");
      Conformance.assertNamesArgument(who(dq, dk) + ": score(query, keys with Infinity at (row 0, col 0))",
          () -> thrown(() -> s.score(q, badK, allocator)), "keys", "key");
      Attention attention = Attention.builder(s, softmax.create(config(allocator, seed())), Conformance.registry().kernels())
          .build();
      Conformance.assertNamesArgument(who(dq, dk) + ": Attention.attend(query with NaN at (row 1, col 0), keys, values)",
          () -> thrown(() -> attention.attend(badQ, k, v, false, allocator)), "query", "queries");
    }
  }

  @Test public void scorePairsAgreesWithScore(BufferAllocator allocator) {
    int[] w = widths().get(widths().size() > 1 ? 1 : 0);
    int dq = w[0], dk = w[1], nq = 3, nk = 4;
    float[] qd = Conformance.gaussian(nq * dq, 11, 1), kd = Conformance.gaussian(nk * dk, 12, 1);
    int[] src = {0, 2, 1, 2, 0}, dst = {3, 0, 1, 2, 0};
    try (Scorer s = create(allocator, seed(), dq, dk);
         FixedSizeListVector q = DenseMatrices.of(allocator, "query", nq, dq, qd);
         FixedSizeListVector k = DenseMatrices.of(allocator, "keys", nk, dk, kd);
         FixedSizeListVector pairs = s.scorePairs(q, k, src, dst, allocator)) {
      DenseMatrices.require(pairs, "scorePairs", src.length, 1);
      float[] full = scores(s, qd, kd, nq, nk, allocator);
      double[] expected = new double[src.length];
      for (int e = 0; e < src.length; e++) expected[e] = full[src[e] * nk + dst[e]];
      Tolerances.assertClose(pairs, expected, 1e-6, 1e-5, who(dq, dk) + ": scorePairs(src=" + java.util.Arrays.toString(src)
          + ", dst=" + java.util.Arrays.toString(dst) + ") against score()[src, dst]");
    }
  }

  @Test public void backwardMatchesCentralDifferences(BufferAllocator allocator) {
    int[] w = widths().get(widths().size() > 1 ? 1 : 0);
    int dq = w[0], dk = w[1], nq = 3, nk = 4;
    float[] qd = Conformance.gaussian(nq * dq, 21, 1), kd = Conformance.gaussian(nk * dk, 22, 1);
    float[] g = Conformance.gaussian(nq * nk, 23, 1);
    double[] cot = Float64Oracles.toDouble(g);
    GradientCheck check = gradientCheck();
    try (Scorer s = create(allocator, seed(), dq, dk);
         FixedSizeListVector q = DenseMatrices.of(allocator, "query", nq, dq, qd);
         FixedSizeListVector k = DenseMatrices.of(allocator, "keys", nk, dk, kd);
         FixedSizeListVector dS = DenseMatrices.of(allocator, "dScores", nq, nk, g);
         Scorer.Gradients grads = s.backward(q, k, dS, allocator)) {
      String who = who(dq, dk) + " at Q, K from seeds 21, 22 and dScores from seed 23";
      DenseMatrices.require(grads.dQueries(), who + ": dQuery", nq, dq);
      DenseMatrices.require(grads.dKeys(), who + ": dKeys", nk, dk);
      check.checkVjp(who + ": dQuery", DenseMatrices.toArray(grads.dQueries()),
          x -> Float64Oracles.toDouble(scores(s, Float64Oracles.toFloat(x), kd, nq, nk, allocator)),
          Float64Oracles.toDouble(qd), cot, dq);
      check.checkVjp(who + ": dKeys", DenseMatrices.toArray(grads.dKeys()),
          x -> Float64Oracles.toDouble(scores(s, qd, Float64Oracles.toFloat(x), nq, nk, allocator)),
          Float64Oracles.toDouble(kd), cot, dk);
      ParameterSet params = s.parameters();
      for (String name : params.names()) {
        if (!grads.dParameters().contains(name)) {
          fail(who + ": dParameters: expected a gradient for every parameter " + params.names() + ", got "
              + grads.dParameters().names() + " (missing '" + name + "')");
        }
        FixedSizeListVector p = params.get(name), dp = grads.dParameters().get(name);
        float[] pd = DenseMatrices.toArray(p);
        float[] dpd = DenseMatrices.toArray(dp);
        if (dpd.length != pd.length) {
          fail(who + ": d" + name + ": expected " + pd.length + " values (= " + name + " " + java.util.Arrays.toString(
              DenseMatrices.shape(p)) + "), got " + dpd.length);
        }
        check.checkVjp(who + ": d" + name, dpd,
            x -> Float64Oracles.toDouble(scoresWith(params, name, Float64Oracles.toFloat(x), qd, kd, nq, nk, dq, dk,
                allocator)),
            Float64Oracles.toDouble(pd), cot, DenseMatrices.cols(p));
      }
    }
  }

  @Test public void backwardPairsMatchesCentralDifferences(BufferAllocator allocator) {
    int[] w = widths().get(widths().size() > 1 ? 1 : 0);
    int dq = w[0], dk = w[1], nq = 3, nk = 4;
    int[] src = {0, 2, 1, 2, 0, 0}, dst = {3, 0, 1, 2, 0, 3};      // (0, 3) twice: gradients must add up
    float[] qd = Conformance.gaussian(nq * dq, 41, 1), kd = Conformance.gaussian(nk * dk, 42, 1);
    float[] g = Conformance.gaussian(src.length, 43, 1);
    double[] cot = Float64Oracles.toDouble(g);
    GradientCheck check = gradientCheck();
    try (Scorer s = create(allocator, seed(), dq, dk);
         FixedSizeListVector q = DenseMatrices.of(allocator, "query", nq, dq, qd);
         FixedSizeListVector k = DenseMatrices.of(allocator, "keys", nk, dk, kd);
         FixedSizeListVector dS = DenseMatrices.of(allocator, "dScores", src.length, 1, g);
         Scorer.Gradients grads = s.backwardPairs(q, k, src, dst, dS, allocator)) {
      String who = who(dq, dk) + ": backwardPairs(src=" + java.util.Arrays.toString(src) + ", dst="
          + java.util.Arrays.toString(dst) + ") at Q, K from seeds 41, 42 and dScores from seed 43";
      DenseMatrices.require(grads.dQueries(), who + ": dQuery", nq, dq);
      DenseMatrices.require(grads.dKeys(), who + ": dKeys", nk, dk);
      check.checkVjp(who + ": dQuery", DenseMatrices.toArray(grads.dQueries()),
          x -> Float64Oracles.toDouble(pairScores(s, Float64Oracles.toFloat(x), kd, nq, nk, src, dst, allocator)),
          Float64Oracles.toDouble(qd), cot, dq);
      check.checkVjp(who + ": dKeys", DenseMatrices.toArray(grads.dKeys()),
          x -> Float64Oracles.toDouble(pairScores(s, qd, Float64Oracles.toFloat(x), nq, nk, src, dst, allocator)),
          Float64Oracles.toDouble(kd), cot, dk);
      ParameterSet params = s.parameters();
      for (String name : params.names()) {
        if (!grads.dParameters().contains(name)) {
          fail(who + ": dParameters: expected a gradient for every parameter " + params.names() + ", got "
              + grads.dParameters().names() + " (missing '" + name + "')");
        }
        FixedSizeListVector p = params.get(name);
        float[] pd = DenseMatrices.toArray(p), dpd = DenseMatrices.toArray(grads.dParameters().get(name));
        if (dpd.length != pd.length) {
          fail(who + ": d" + name + ": expected " + pd.length + " values (= " + name + " " + java.util.Arrays.toString(
              DenseMatrices.shape(p)) + "), got " + dpd.length);
        }
        check.checkVjp(who + ": d" + name, dpd,
            x -> Float64Oracles.toDouble(withParameter(params, name, Float64Oracles.toFloat(x), dq, dk, allocator,
                t -> pairScores(t, qd, kd, nq, nk, src, dst, allocator))),
            Float64Oracles.toDouble(pd), cot, DenseMatrices.cols(p));
      }
    }
  }

  private static float[] pairScores(Scorer s, float[] q, float[] k, int nq, int nk, int[] src, int[] dst,
      BufferAllocator allocator) {
    try (FixedSizeListVector qv = DenseMatrices.of(allocator, "query", nq, s.queryDim(), q);
         FixedSizeListVector kv = DenseMatrices.of(allocator, "keys", nk, s.keyDim(), k);
         FixedSizeListVector out = s.scorePairs(qv, kv, src, dst, allocator)) {
      DenseMatrices.require(out, "scorePairs", src.length, 1);
      return DenseMatrices.toArray(out);
    }
  }

  /** Scores of a scorer created from {@code params} with tensor {@code name} replaced by {@code values}. */
  private float[] scoresWith(ParameterSet params, String name, float[] values, float[] q, float[] k, int nq, int nk,
      int dq, int dk, BufferAllocator allocator) {
    return withParameter(params, name, values, dq, dk, allocator, s -> scores(s, q, k, nq, nk, allocator));
  }

  /** {@code use} applied to a scorer created from {@code params} with tensor {@code name} replaced by {@code values}. */
  private float[] withParameter(ParameterSet params, String name, float[] values, int dq, int dk,
      BufferAllocator allocator, java.util.function.Function<Scorer, float[]> use) {
    try (ParameterSet copy = new ParameterSet()) {
      for (Map.Entry<String, FixedSizeListVector> e : params.asMap().entrySet()) {
        FixedSizeListVector t = DenseMatrices.allocateShaped(allocator, e.getKey(), DenseMatrices.shape(e.getValue()));
        copy.put(e.getKey(), t);
        float[] data = e.getKey().equals(name) ? values : DenseMatrices.toArray(e.getValue());
        java.lang.foreign.MemorySegment.copy(data, 0, DenseMatrices.segment(t),
            java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, 0, data.length);
      }
      try (Scorer s = provider().create(config(allocator, seed()).withParameters(Optional.of(copy)), dq, dk)) {
        return use.apply(s);
      }
    }
  }

  @Test public void sameSeedGivesIdenticalScores(BufferAllocator allocator) {
    for (int[] w : widths()) {
      int dq = w[0], dk = w[1], nq = 3, nk = 5;
      float[] qd = Conformance.gaussian(nq * dq, 31, 1), kd = Conformance.gaussian(nk * dk, 32, 1);
      float[] a, b;
      try (Scorer s = create(allocator, seed(), dq, dk)) { a = scores(s, qd, kd, nq, nk, allocator); }
      try (Scorer s = create(allocator, seed(), dq, dk)) { b = scores(s, qd, kd, nq, nk, allocator); }
      assertIdentical(a, b, nk, who(dq, dk) + ": two scorers created with seed " + seed() + " on the same Q, K");
    }
  }

  @Test public void concurrentCallsOnASharedScorerAgree(BufferAllocator allocator) throws Exception {
    int[] w = widths().get(widths().size() - 1);
    int dq = w[0], dk = w[1], nq = 4, nk = 6;
    float[][] qs = new float[THREADS][], ks = new float[THREADS][], expected = new float[THREADS][];
    try (Scorer s = create(allocator, seed(), dq, dk)) {
      for (int t = 0; t < THREADS; t++) {                 // each thread its own input, so a shared scratch shows
        qs[t] = Conformance.gaussian(nq * dq, 100 + t, 1);
        ks[t] = Conformance.gaussian(nk * dk, 200 + t, 1);
        expected[t] = scores(s, qs[t], ks[t], nq, nk, allocator);
      }
      BufferAllocator[] own = new BufferAllocator[THREADS];
      for (int t = 0; t < THREADS; t++) own[t] = allocator.newChildAllocator("conformance-thread-" + t, 0, Long.MAX_VALUE);
      try {
        List<List<float[]>> results = Conformance.concurrently(THREADS, CALLS_PER_THREAD,
            (t, rep) -> scores(s, qs[t], ks[t], nq, nk, own[t]));
        for (int t = 0; t < THREADS; t++) {
          for (int rep = 0; rep < CALLS_PER_THREAD; rep++) {
            assertIdentical(results.get(t).get(rep), expected[t], nk, who(dq, dk) + ": thread " + t + " of " + THREADS
                + ", call " + rep + " on a shared scorer, against the same input scored on one thread");
          }
        }
      } finally {
        for (BufferAllocator a : own) a.close();             // a buffer left in a thread's allocator fails here
      }
    }
  }

  static void assertIdentical(float[] actual, float[] expected, int cols, String what) {
    if (actual.length != expected.length) {
      fail(what + ": expected " + expected.length + " values, got " + actual.length);
    }
    for (int i = 0; i < actual.length; i++) {
      if (Float.floatToIntBits(actual[i]) != Float.floatToIntBits(expected[i])) {
        fail(what + ": expected identical results, got " + actual[i] + " instead of " + expected[i] + " at "
            + Tolerances.position(i, cols));
      }
    }
  }

  /** Calls that return a closeable result: closes it when no exception was thrown. */
  static Throwable thrown(java.util.function.Supplier<? extends AutoCloseable> call) {
    try (AutoCloseable ignored = call.get()) {
      return null;
    } catch (Exception e) {
      return e;
    }
  }
}
