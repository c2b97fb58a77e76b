package org.attention4j.testkit;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.Mask;
import org.attention4j.api.registry.ProviderKind;
import org.attention4j.api.spi.Normalizer;
import org.attention4j.api.spi.NormalizerProvider;
import org.attention4j.api.spi.ProviderConfig;
import org.apiguardian.api.API;
import org.junit.jupiter.api.Test;

/**
 * The conformance suite for {@link NormalizerProvider}s: extend it in the plugin's tests and return
 * the provider from {@link #provider()}.
 * <pre>{@code
 * class SparsemaxConformanceTest extends BaseNormalizerConformanceTest {
 *   @Override protected NormalizerProvider provider() { return new SparsemaxNormalizerProvider(); }
 * }
 * }</pre>
 *
 * <p>Checked, each failure naming the provider, the shape, the mask and the breaking entry: the
 * descriptor and discovery as in {@link BaseScorerConformanceTest}; mask semantics (disallowed keys
 * get exactly 0, a row with no allowed key is all zeros, weights are finite and non-negative and sum
 * to 1 over the allowed keys of every other row) for no mask, causal, key padding and an explicit
 * mask with a fully masked row; shift invariance (adding a constant to a row changes nothing) unless
 * {@link #shiftInvariant()} says otherwise; temperature ({@code normalize(S, T) = normalize(S / T, 1)});
 * {@code backward} against central differences, masked and unmasked; wrong shapes and bad
 * temperatures refused naming the argument; non-finite scores (NaN, ±∞) refused naming {@code scores}
 * at allowed positions and ignored at masked ones; identical weights from two normalizers created with the
 * same seed; identical results from 4 threads × 50 calls on one shared normalizer. Every test runs
 * under {@link WithRootAllocator}, so a leaked buffer fails it.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
@WithRootAllocator
public abstract class BaseNormalizerConformanceTest {
  private static final int THREADS = 4;
  private static final int CALLS_PER_THREAD = 50;
  /** Row sums over the allowed keys: |Σ a − 1| ≤ this (float32 weights, at most a few dozen keys). */
  private static final double SUM_TOLERANCE = 1e-5;
  private static final int[][] SHAPES = {{1, 1}, {3, 5}, {4, 7}};

  /** The provider under test. */
  protected abstract NormalizerProvider provider();

  /** True (the default) when adding a constant to a row of scores leaves its weights unchanged (softmax, sparsemax, entmax). */
  protected boolean shiftInvariant() { return true; }

  /** Settings to create the normalizer with; default none. */
  protected Map<String, String> settings() { return Map.of(); }

  /** The seed passed to the provider and used for generated scores. */
  protected long seed() { return 20240601L; }

  /** The gradient tolerance; default {@link GradientCheck#defaults()}. */
  protected GradientCheck gradientCheck() { return GradientCheck.defaults(); }

  /** Tolerance {atol, rtol} for comparisons of weights (shift, temperature); default {1e-6, 1e-4}. */
  protected double[] weightTolerance() { return new double[] {1e-6, 1e-4}; }

  /** The provider's built jar for the plugin-folder check; empty (the default) skips it. */
  protected Optional<Path> pluginJar() { return Optional.empty(); }

  /** The config a normalizer is created with. */
  protected ProviderConfig config(BufferAllocator allocator, long seed) {
    return Conformance.config(provider(), settings(), seed, allocator);
  }

  private String who(int nq, int nk, Mask mask, float t) {
    return "normalizer '" + provider().id() + "' [scores " + nq + " x " + nk + ", mask " + mask + ", T=" + t + "]";
  }

  private Normalizer create(BufferAllocator allocator, long seed) {
    Normalizer n = provider().create(config(allocator, seed));
    assertNotNull(n, "normalizer '" + provider().id() + "': create: expected a normalizer, got null");
    return n;
  }

  private static float[] weights(Normalizer n, float[] s, int nq, int nk, Mask mask, float t, BufferAllocator allocator) {
    try (FixedSizeListVector sv = DenseMatrices.of(allocator, "scores", nq, nk, s);
         FixedSizeListVector out = n.normalize(sv, mask, t, allocator)) {
      DenseMatrices.require(out, "weights", nq, nk);
      return DenseMatrices.toArray(out);
    }
  }

  /** Masks to test on [nq, nk]: all, causal, key padding (last key padded), explicit with row 0 fully masked. */
  private static List<Mask> masks(int nq, int nk, long seed) {
    List<Mask> out = new ArrayList<>(List.of(Mask.all(), Mask.causal()));
    boolean[] real = new boolean[nk];
    Arrays.fill(real, true);
    if (nk > 1) real[nk - 1] = false;
    out.add(Mask.keyPadding(real));
    Random r = new Random(seed);
    boolean[] explicit = new boolean[nq * nk];
    for (int i = 0; i < explicit.length; i++) explicit[i] = i >= nk && r.nextDouble() < 0.6;   // row 0: nothing allowed
    out.add(Mask.explicit(nq, nk, explicit));
    return out;
  }

  /** Gaussian scores (standard deviation 2) from the seed and a salt per check. */
  private float[] scoresFor(int nq, int nk, long salt) {
    return Conformance.gaussian(nq * nk, seed() + salt, 2);
  }

  @Test public void descriptorIsValid() { Conformance.checkDescriptor(provider()); }

  @Test public void serviceLoaderListsTheProvider() {
    Conformance.checkServiceLoader(NormalizerProvider.class, provider());
  }

  @Test public void loadsFromAPluginFolder() {
    Optional<Path> jar = pluginJar();
    assumeTrue(jar.isPresent(), "no plugin jar given (override pluginJar() to check loading from a plugin folder)");
    Conformance.checkPluginFolder(ProviderKind.NORMALIZER, provider(), jar.get());
  }

  @Test public void masksGiveExactZerosAndAllowedKeysSumToOne(BufferAllocator allocator) {
    Normalizer n = create(allocator, seed());
    for (int[] shape : SHAPES) {
      int nq = shape[0], nk = shape[1];
      float[] s = scoresFor(nq, nk, 1);
      for (float t : new float[] {1f, 0.5f}) {
        for (Mask mask : masks(nq, nk, seed())) {
          String who = who(nq, nk, mask, t) + " on scores " + Arrays.toString(s);
          float[] a = weights(n, s, nq, nk, mask, t, allocator);
          checkRows(a, nq, nk, mask, who);
        }
      }
      boolean[] none = new boolean[nq * nk];
      Mask nothing = Mask.explicit(nq, nk, none);
      checkRows(weights(n, s, nq, nk, nothing, 1f, allocator), nq, nk, nothing, who(nq, nk, nothing, 1f) + " (every key masked)");
    }
  }

  private static void checkRows(float[] a, int nq, int nk, Mask mask, String who) {
    for (int i = 0; i < nq; i++) {
      double sum = 0;
      int allowed = 0;
      for (int j = 0; j < nk; j++) {
        float x = a[i * nk + j];
        if (!mask.allows(i, j, nq, nk)) {
          if (x != 0f) fail(who + ": weight at masked (row " + i + ", col " + j + "): expected exactly 0, got " + x);
          continue;
        }
        allowed++;
        if (!Float.isFinite(x) || x < 0) {
          fail(who + ": weight at (row " + i + ", col " + j + "): expected a finite number >= 0, got " + x);
        }
        sum += x;
      }
      if (allowed == 0) {
        continue;                                           // all zero: checked entry by entry above
      }
      if (!(Math.abs(sum - 1) <= SUM_TOLERANCE)) {
        fail(who + ": row " + i + " sum over its " + allowed + " allowed keys: expected 1 ± " + SUM_TOLERANCE + ", got " + sum);
      }
    }
  }

  @Test public void fullyMaskedRowsGiveZeroWeightsAndZeroGradients(BufferAllocator allocator) {
    Normalizer n = create(allocator, seed());
    int nq = 3, nk = 4;
    boolean[] allowed = new boolean[nq * nk];
    for (int j = 0; j < nk; j++) allowed[2 * nk + j] = true;   // rows 0 and 1 attend nothing
    Mask mask = Mask.explicit(nq, nk, allowed);
    float[] s = scoresFor(nq, nk, 2);
    String who = who(nq, nk, mask, 1f) + " on scores " + Arrays.toString(s);
    try (FixedSizeListVector sv = DenseMatrices.of(allocator, "scores", nq, nk, s);
         FixedSizeListVector a = n.normalize(sv, mask, 1f, allocator);
         FixedSizeListVector g = DenseMatrices.of(allocator, "dWeights", nq, nk, Conformance.gaussian(nq * nk, 3, 1));
         FixedSizeListVector ds = n.backward(a, g, mask, 1f, allocator)) {
      float[] w = DenseMatrices.toArray(a), d = DenseMatrices.toArray(ds);
      for (int i = 0; i < 2; i++) {
        for (int j = 0; j < nk; j++) {
          if (w[i * nk + j] != 0f) fail(who + ": weight at (row " + i + ", col " + j + ") of a fully masked row: expected 0, got "
              + w[i * nk + j]);
          if (d[i * nk + j] != 0f) fail(who + ": dScores at (row " + i + ", col " + j + ") of a fully masked row: expected 0, got "
              + d[i * nk + j]);
        }
      }
      for (float x : d) if (!Float.isFinite(x)) fail(who + ": dScores: expected finite values, got " + Arrays.toString(d));
    }
  }

  @Test public void addingAConstantToARowChangesNothing(BufferAllocator allocator) {
    assumeTrue(shiftInvariant(), "the provider declares it is not shift-invariant");
    Normalizer n = create(allocator, seed());
    double[] tol = weightTolerance();
    for (int[] shape : SHAPES) {
      int nq = shape[0], nk = shape[1];
      float[] s = scoresFor(nq, nk, 4);
      float[] shifted = s.clone();
      float[] c = new float[nq];
      for (int i = 0; i < nq; i++) {
        c[i] = 3.5f * (i + 1) * (i % 2 == 0 ? 1 : -1);      // adding it rounds once per entry: compare with a tolerance
        for (int j = 0; j < nk; j++) shifted[i * nk + j] = s[i * nk + j] + c[i];
      }
      for (Mask mask : masks(nq, nk, seed())) {
        float[] a = weights(n, s, nq, nk, mask, 1f, allocator);
        float[] b = weights(n, shifted, nq, nk, mask, 1f, allocator);
        Tolerances.assertClose(b, Float64Oracles.toDouble(a), tol[0], tol[1], who(nq, nk, mask, 1f)
            + ": weights of S + c (c per row = " + Arrays.toString(c) + ") against weights of S = " + Arrays.toString(s));
      }
    }
  }

  @Test public void temperatureDividesTheScores(BufferAllocator allocator) {
    Normalizer n = create(allocator, seed());
    double[] tol = weightTolerance();
    for (int[] shape : SHAPES) {
      int nq = shape[0], nk = shape[1];
      float[] s = scoresFor(nq, nk, 5);
      for (float t : new float[] {0.25f, 0.5f, 2f, 5f}) {
        float[] divided = new float[s.length];
        for (int i = 0; i < s.length; i++) divided[i] = s[i] / t;
        for (Mask mask : masks(nq, nk, seed())) {
          float[] a = weights(n, s, nq, nk, mask, t, allocator);
          float[] b = weights(n, divided, nq, nk, mask, 1f, allocator);
          Tolerances.assertClose(a, Float64Oracles.toDouble(b), tol[0], tol[1], who(nq, nk, mask, t)
              + ": normalize(S, T) against normalize(S / T, 1) for S = " + Arrays.toString(s));
        }
      }
    }
  }

  @Test public void backwardMatchesCentralDifferences(BufferAllocator allocator) {
    Normalizer n = create(allocator, seed());
    int nq = 3, nk = 5;
    GradientCheck check = gradientCheck();
    boolean[] allowed = new boolean[nq * nk];
    Arrays.fill(allowed, true);
    allowed[1] = false;
    allowed[nk + 3] = false;
    for (int j = 0; j < nk; j++) allowed[2 * nk + j] = false;       // row 2 attends nothing
    for (Mask mask : List.of(Mask.all(), Mask.explicit(nq, nk, allowed))) {
      for (float t : new float[] {1f, 0.7f}) {
        float[] s = scoresFor(nq, nk, 6);
        float[] g = Conformance.gaussian(nq * nk, 7, 1);
        String who = who(nq, nk, mask, t) + " at S = " + Arrays.toString(s) + ", dWeights = " + Arrays.toString(g);
        try (FixedSizeListVector sv = DenseMatrices.of(allocator, "scores", nq, nk, s);
             FixedSizeListVector a = n.normalize(sv, mask, t, allocator);
             FixedSizeListVector gv = DenseMatrices.of(allocator, "dWeights", nq, nk, g);
             FixedSizeListVector ds = n.backward(a, gv, mask, t, allocator)) {
          DenseMatrices.require(ds, who + ": dScores", nq, nk);
          check.checkVjp(who + ": dScores", DenseMatrices.toArray(ds),
              x -> Float64Oracles.toDouble(weights(n, Float64Oracles.toFloat(x), nq, nk, mask, t, allocator)),
              Float64Oracles.toDouble(s), Float64Oracles.toDouble(g), nk);
        }
      }
    }
  }

  @Test public void wrongShapesAndTemperaturesAreRefusedNamingTheArgument(BufferAllocator allocator) {
    Normalizer n = create(allocator, seed());
    int nq = 2, nk = 3;
    float[] s = scoresFor(nq, nk, 8);
    String who = "normalizer '" + provider().id() + "' [scores " + nq + " x " + nk + "]";
    try (FixedSizeListVector sv = DenseMatrices.of(allocator, "scores", nq, nk, s);
         FixedSizeListVector a = n.normalize(sv, Mask.all(), 1f, allocator);
         FixedSizeListVector wrongDw = DenseMatrices.allocate(allocator, "dWeights", nq, nk + 1)) {
      Conformance.assertNamesArgument(who + ": backward(weights, dWeights [" + nq + ", " + (nk + 1) + "])",
          () -> BaseScorerConformanceTest.thrown(() -> n.backward(a, wrongDw, Mask.all(), 1f, allocator)), "dWeights");
      Mask wrong = Mask.explicit(nq, nk + 1, new boolean[nq * (nk + 1)]);
      Conformance.assertNamesArgument(who + ": normalize(scores, mask [" + nq + ", " + (nk + 1) + "])",
          () -> BaseScorerConformanceTest.thrown(() -> n.normalize(sv, wrong, 1f, allocator)), "mask");
      for (float t : new float[] {0f, -1f, Float.NaN, Float.POSITIVE_INFINITY}) {
        Conformance.assertNamesArgument(who + ": normalize(scores, temperature " + t + ")",
            () -> BaseScorerConformanceTest.thrown(() -> n.normalize(sv, Mask.all(), t, allocator)), "temperature");
      }
    }
  }

  @Test public void nonFiniteScoresAreRefusedWhereAllowedAndIgnoredWhereMasked(BufferAllocator allocator) {
    Normalizer n = create(allocator, seed());
    int nq = 2, nk = 4;
    float[] s = scoresFor(nq, nk, 10);
    boolean[] allowed = {true, true, false, true, true, true, true, true};     // (row 0, col 2) masked
    Mask mask = Mask.explicit(nq, nk, allowed);
    float[] reference = weights(n, s, nq, nk, mask, 1f, allocator);
    for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
      float[] atAllowed = s.clone();
      atAllowed[nk + 1] = bad;                                              // (row 1, col 1), allowed
      Conformance.assertNamesArgument(who(nq, nk, mask, 1f) + ": normalize(scores with " + bad + " at (row 1, col 1))",
          () -> BaseScorerConformanceTest.thrown(() -> {
            try (FixedSizeListVector sv = DenseMatrices.of(allocator, "scores", nq, nk, atAllowed)) {
              return n.normalize(sv, mask, 1f, allocator);
            }
          }), "scores");
      float[] atMasked = s.clone();
      atMasked[2] = bad;                                                    // (row 0, col 2), masked out
      BaseScorerConformanceTest.assertIdentical(weights(n, atMasked, nq, nk, mask, 1f, allocator), reference, nk,
          who(nq, nk, mask, 1f) + ": scores with " + bad + " at the masked (row 0, col 2), against the same scores with "
              + s[2] + " there (a masked entry must not matter)");
    }
  }

  @Test public void sameSeedGivesIdenticalWeights(BufferAllocator allocator) {
    int nq = 3, nk = 5;
    float[] s = scoresFor(nq, nk, 9);
    Mask mask = Mask.causal();
    float[] a = weights(create(allocator, seed()), s, nq, nk, mask, 1f, allocator);
    float[] b = weights(create(allocator, seed()), s, nq, nk, mask, 1f, allocator);
    BaseScorerConformanceTest.assertIdentical(a, b, nk, who(nq, nk, mask, 1f) + ": two normalizers created with seed "
        + seed() + " on S = " + Arrays.toString(s));
  }

  @Test public void concurrentCallsOnASharedNormalizerAgree(BufferAllocator allocator) {
    Normalizer n = create(allocator, seed());
    int nq = 4, nk = 7;
    Mask mask = Mask.causal();
    float[][] ss = new float[THREADS][], expected = new float[THREADS][];
    for (int t = 0; t < THREADS; t++) {
      ss[t] = scoresFor(nq, nk, 300 + t);
      expected[t] = weights(n, ss[t], nq, nk, mask, 1f, allocator);
    }
    BufferAllocator[] own = new BufferAllocator[THREADS];
    for (int t = 0; t < THREADS; t++) own[t] = allocator.newChildAllocator("conformance-thread-" + t, 0, Long.MAX_VALUE);
    try {
      List<List<float[]>> results = Conformance.concurrently(THREADS, CALLS_PER_THREAD,
          (t, rep) -> weights(n, ss[t], nq, nk, mask, 1f, own[t]));
      for (int t = 0; t < THREADS; t++) {
        for (int rep = 0; rep < CALLS_PER_THREAD; rep++) {
          BaseScorerConformanceTest.assertIdentical(results.get(t).get(rep), expected[t], nk, who(nq, nk, mask, 1f)
              + ": thread " + t + " of " + THREADS + ", call " + rep + " on a shared normalizer, against the same scores on one thread");
        }
      }
    } finally {
      for (BufferAllocator a : own) a.close();
    }
  }
}
