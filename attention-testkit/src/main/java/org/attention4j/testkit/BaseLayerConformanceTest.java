package org.attention4j.testkit;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.AttentionResult;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.Mask;
import org.attention4j.api.ParameterSet;
import org.attention4j.api.registry.ProviderKind;
import org.attention4j.api.spi.AttentionLayer;
import org.attention4j.api.spi.AttentionLayerProvider;
import org.attention4j.api.spi.ProviderConfig;
import org.apiguardian.api.API;
import org.junit.jupiter.api.Test;

/**
 * The conformance suite for {@link AttentionLayerProvider}s: extend it in the plugin's tests and
 * return the provider from {@link #provider()} (and the settings it needs from {@link #settings()}).
 * <pre>{@code
 * class MultiHeadConformanceTest extends BaseLayerConformanceTest {
 *   @Override protected AttentionLayerProvider provider() { return new MultiHeadLayerProvider(); }
 *   @Override protected Map<String, String> settings() { return Map.of("heads", "2"); }
 * }
 * }</pre>
 *
 * <p>Checked, each failure naming the provider, the widths and the breaking input: the descriptor
 * (as for scorers); discovery by {@link java.util.ServiceLoader} in the provider's own layer, and from
 * a plugin folder when {@link #pluginJar()} names the jar; wrong widths of query, keys, values,
 * dOutput and a mask of the wrong shape refused with an {@link IllegalArgumentException} naming the
 * argument; non-finite query, keys or values refused naming the argument; {@code backward} against
 * central differences for dQ, dK, dV and every parameter (a layer created from the parameters with
 * one tensor changed; skipped by assumption when the layer has no backward); mask semantics —
 * masked keys get exactly zero weight in every weight slab, each allowed row sums to 1 (override
 * {@link #weightsSumToOne()} for normalizers that do not), and a fully masked row has zero weights
 * and an output that does not depend on the keys or values; identical results from two layers
 * created with the same seed; identical results from 4 threads × 20 calls on one shared layer, each
 * thread with its own child allocator. Every test runs under {@link WithRootAllocator}, so a leaked
 * buffer fails it.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
@WithRootAllocator
public abstract class BaseLayerConformanceTest {
  private static final int THREADS = 4;
  private static final int CALLS_PER_THREAD = 20;
  private static final int NQ = 3, NK = 4;

  /** The provider under test. */
  protected abstract AttentionLayerProvider provider();

  /** Settings to create the layer with ({@code --set} keys of its {@link AttentionLayerProvider#parameters()}). */
  protected Map<String, String> settings() { return Map.of(); }

  /** Widths {d_q, d_k, d_v} the layer is created for; default {4, 3, 5}. */
  protected int[] widths() { return new int[] {4, 3, 5}; }

  /** The seed for the layer's parameters. */
  protected long seed() { return 20240601L; }

  /** The gradient tolerance; default {@link GradientCheck#defaults()}. */
  protected GradientCheck gradientCheck() { return GradientCheck.defaults(); }

  /** True (default) when every allowed row of every weight slab sums to 1 (softmax, sparsemax, entmax). */
  protected boolean weightsSumToOne() { return true; }

  /** The provider's built jar, for the plugin-folder check; empty (the default) skips it. */
  protected Optional<Path> pluginJar() { return Optional.empty(); }

  /** The config a layer is created with. */
  protected ProviderConfig config(BufferAllocator allocator, long seed) {
    return Conformance.config(provider(), settings(), seed, allocator);
  }

  private String who() {
    int[] w = widths();
    return "layer '" + provider().id() + "' " + settings() + " [d_q=" + w[0] + ", d_k=" + w[1] + ", d_v=" + w[2] + "]";
  }

  private AttentionLayer create(BufferAllocator allocator, ProviderConfig config) {
    int[] w = widths();
    AttentionLayer l = provider().create(config, w[0], w[1], w[2]);
    assertNotNull(l, who() + ": create: expected a layer, got null");
    return l;
  }

  /** Inputs of one call: Q [NQ, d_q], K [NK, d_k], V [NK, d_v] from seeds base, base+1, base+2. */
  private record Inputs(float[] q, float[] k, float[] v) {
    static Inputs of(int[] w, long base) {
      return new Inputs(Conformance.gaussian(NQ * w[0], base, 1), Conformance.gaussian(NK * w[1], base + 1, 1),
          Conformance.gaussian(NK * w[2], base + 2, 1));
    }
  }

  /** Output and weights (flattened; weights empty when the layer gives none). */
  private record Out(float[] output, float[] weights) {}

  private Out call(AttentionLayer layer, Inputs in, Mask mask, BufferAllocator allocator) {
    int[] w = widths();
    try (FixedSizeListVector q = DenseMatrices.of(allocator, "query", NQ, w[0], in.q());
         FixedSizeListVector k = DenseMatrices.of(allocator, "keys", NK, w[1], in.k());
         FixedSizeListVector v = DenseMatrices.of(allocator, "values", NK, w[2], in.v());
         AttentionResult r = layer.forward(q, k, v, mask, 1f, true, allocator)) {
      if (DenseMatrices.rows(r.output()) != NQ) {
        fail(who() + ": forward: expected an output of " + NQ + " rows (= query rows), got " + Arrays.toString(
            DenseMatrices.shape(r.output())));
      }
      return new Out(DenseMatrices.toArray(r.output()), r.weights().map(DenseMatrices::toArray).orElse(new float[0]));
    }
  }

  @Test public void descriptorIsValid() { Conformance.checkDescriptor(provider()); }

  @Test public void serviceLoaderListsTheProvider() {
    Conformance.checkServiceLoader(AttentionLayerProvider.class, provider());
  }

  @Test public void loadsFromAPluginFolder() {
    Optional<Path> jar = pluginJar();
    assumeTrue(jar.isPresent(), "no plugin jar given (override pluginJar() to check loading from a plugin folder)");
    Conformance.checkPluginFolder(ProviderKind.LAYER, provider(), jar.get());
  }

  @Test public void wrongShapesAreRefusedNamingTheArgument(BufferAllocator allocator) {
    int[] w = widths();
    Inputs in = Inputs.of(w, 1);
    try (AttentionLayer layer = create(allocator, config(allocator, seed()));
         FixedSizeListVector q = DenseMatrices.of(allocator, "query", NQ, w[0], in.q());
         FixedSizeListVector k = DenseMatrices.of(allocator, "keys", NK, w[1], in.k());
         FixedSizeListVector v = DenseMatrices.of(allocator, "values", NK, w[2], in.v());
         FixedSizeListVector wideQ = DenseMatrices.allocate(allocator, "query", NQ, w[0] + 1);
         FixedSizeListVector wideK = DenseMatrices.allocate(allocator, "keys", NK, w[1] + 1);
         FixedSizeListVector wideV = DenseMatrices.allocate(allocator, "values", NK, w[2] + 1);
         FixedSizeListVector shortV = DenseMatrices.allocate(allocator, "values", NK - 1, w[2])) {
      Conformance.assertNamesArgument(who() + ": forward(query [" + NQ + ", " + (w[0] + 1) + "], keys, values)",
          () -> BaseScorerConformanceTest.thrown(() -> layer.forward(wideQ, k, v, Mask.all(), 1f, false, allocator)),
          "query", "queries");
      Conformance.assertNamesArgument(who() + ": forward(query, keys [" + NK + ", " + (w[1] + 1) + "], values)",
          () -> BaseScorerConformanceTest.thrown(() -> layer.forward(q, wideK, v, Mask.all(), 1f, false, allocator)),
          "keys", "key");
      Conformance.assertNamesArgument(who() + ": forward(query, keys, values [" + NK + ", " + (w[2] + 1) + "])",
          () -> BaseScorerConformanceTest.thrown(() -> layer.forward(q, k, wideV, Mask.all(), 1f, false, allocator)),
          "values", "value");
      Conformance.assertNamesArgument(who() + ": forward(query, keys, values [" + (NK - 1) + ", " + w[2] + "])",
          () -> BaseScorerConformanceTest.thrown(() -> layer.forward(q, k, shortV, Mask.all(), 1f, false, allocator)),
          "values", "value");
      Mask wrong = Mask.explicit(NQ + 1, NK, new boolean[(NQ + 1) * NK]);
      Conformance.assertNamesArgument(who() + ": forward(query, keys, values, mask [" + (NQ + 1) + ", " + NK + "])",
          () -> BaseScorerConformanceTest.thrown(() -> layer.forward(q, k, v, wrong, 1f, false, allocator)), "mask");
      try (FixedSizeListVector badD = DenseMatrices.allocate(allocator, "dOutput", NQ + 1, 2)) {
        Throwable t = BaseScorerConformanceTest.thrown(() -> layer.backward(q, k, v, Mask.all(), 1f, badD, allocator));
        if (!(t instanceof UnsupportedOperationException)) {
          Conformance.assertNamesArgument(who() + ": backward(query, keys, values, dOutput [" + (NQ + 1) + ", 2])", () -> t,
              "dOutput");
        }
      }
    }
  }

  @Test public void nonFiniteInputIsRefusedNamingTheArgument(BufferAllocator allocator) {
    int[] w = widths();
    Inputs in = Inputs.of(w, 2);
    float[] qNaN = in.q().clone(), kInf = in.k().clone(), vNaN = in.v().clone();
    qNaN[w[0]] = Float.NaN;                                // (row 1, col 0)
    kInf[0] = Float.POSITIVE_INFINITY;
    vNaN[vNaN.length - 1] = Float.NaN;
    try (AttentionLayer layer = create(allocator, config(allocator, seed()))) {
      Conformance.assertNamesArgument(who() + ": forward(query with NaN at (row 1, col 0), keys, values)",
          () -> BaseScorerConformanceTest.thrown(() -> forward(layer, new Inputs(qNaN, in.k(), in.v()), allocator)),
          "query", "queries");
      Conformance.assertNamesArgument(who() + ": forward(query, keys with Infinity at (row 0, col 0), values)",
          () -> BaseScorerConformanceTest.thrown(() -> forward(layer, new Inputs(in.q(), kInf, in.v()), allocator)),
          "keys", "key");
      Conformance.assertNamesArgument(who() + ": forward(query, keys, values with NaN at the last entry)",
          () -> BaseScorerConformanceTest.thrown(() -> forward(layer, new Inputs(in.q(), in.k(), vNaN), allocator)),
          "values", "value");
    }
  }

  /** A forward whose inputs are closed before it returns (the result is the caller's). */
  private AttentionResult forward(AttentionLayer layer, Inputs in, BufferAllocator allocator) {
    int[] w = widths();
    try (FixedSizeListVector q = DenseMatrices.of(allocator, "query", NQ, w[0], in.q());
         FixedSizeListVector k = DenseMatrices.of(allocator, "keys", NK, w[1], in.k());
         FixedSizeListVector v = DenseMatrices.of(allocator, "values", NK, w[2], in.v())) {
      return layer.forward(q, k, v, Mask.all(), 1f, false, allocator);
    }
  }

  @Test public void backwardMatchesCentralDifferences(BufferAllocator allocator) {
    int[] w = widths();
    Inputs in = Inputs.of(w, 21);
    boolean[] allowed = new boolean[NQ * NK];
    for (int i = 0; i < NQ; i++) for (int j = 0; j < NK; j++) allowed[i * NK + j] = j != (i + 1) % NK;
    Mask mask = Mask.explicit(NQ, NK, allowed);
    float t = 0.8f;
    GradientCheck check = gradientCheck();
    try (AttentionLayer layer = create(allocator, config(allocator, seed()));
         FixedSizeListVector q = DenseMatrices.of(allocator, "query", NQ, w[0], in.q());
         FixedSizeListVector k = DenseMatrices.of(allocator, "keys", NK, w[1], in.k());
         FixedSizeListVector v = DenseMatrices.of(allocator, "values", NK, w[2], in.v())) {
      int dOut;
      try (AttentionResult r = layer.forward(q, k, v, mask, t, false, allocator)) { dOut = DenseMatrices.cols(r.output()); }
      float[] g = Conformance.gaussian(NQ * dOut, 24, 1);
      double[] cot = Float64Oracles.toDouble(g);
      AttentionLayer.Gradients grads;
      try (FixedSizeListVector dO = DenseMatrices.of(allocator, "dOutput", NQ, dOut, g)) {
        try {
          grads = layer.backward(q, k, v, mask, t, dO, allocator);
        } catch (UnsupportedOperationException e) {
          assumeTrue(false, who() + ": no backward (" + e.getMessage() + ")");
          return;
        }
      }
      try (grads) {
        String who = who() + " at Q, K, V from seeds 21, 22, 23, dOutput from seed 24, mask " + mask + ", T=" + t;
        DenseMatrices.require(grads.dQueries(), who + ": dQuery", NQ, w[0]);
        DenseMatrices.require(grads.dKeys(), who + ": dKeys", NK, w[1]);
        DenseMatrices.require(grads.dValues(), who + ": dValues", NK, w[2]);
        check.checkVjp(who + ": dQuery", DenseMatrices.toArray(grads.dQueries()),
            x -> outputOf(layer, new Inputs(Float64Oracles.toFloat(x), in.k(), in.v()), mask, t, allocator),
            Float64Oracles.toDouble(in.q()), cot, w[0]);
        check.checkVjp(who + ": dKeys", DenseMatrices.toArray(grads.dKeys()),
            x -> outputOf(layer, new Inputs(in.q(), Float64Oracles.toFloat(x), in.v()), mask, t, allocator),
            Float64Oracles.toDouble(in.k()), cot, w[1]);
        check.checkVjp(who + ": dValues", DenseMatrices.toArray(grads.dValues()),
            x -> outputOf(layer, new Inputs(in.q(), in.k(), Float64Oracles.toFloat(x)), mask, t, allocator),
            Float64Oracles.toDouble(in.v()), cot, w[2]);
        ParameterSet params = layer.parameters();
        for (String name : params.names()) {
          if (!grads.dParameters().contains(name)) {
            fail(who + ": dParameters: expected a gradient for every parameter " + params.names() + ", got "
                + grads.dParameters().names() + " (missing '" + name + "')");
          }
          float[] pd = DenseMatrices.toArray(params.get(name)), dpd = DenseMatrices.toArray(grads.dParameters().get(name));
          if (dpd.length != pd.length) {
            fail(who + ": d" + name + ": expected " + pd.length + " values (= " + name + " "
                + Arrays.toString(DenseMatrices.shape(params.get(name))) + "), got " + dpd.length);
          }
          check.checkVjp(who + ": d" + name, dpd,
              x -> outputWith(params, name, Float64Oracles.toFloat(x), in, mask, t, allocator),
              Float64Oracles.toDouble(pd), cot, DenseMatrices.cols(params.get(name)));
        }
      }
    }
  }

  private double[] outputOf(AttentionLayer layer, Inputs in, Mask mask, float t, BufferAllocator allocator) {
    int[] w = widths();
    try (FixedSizeListVector q = DenseMatrices.of(allocator, "query", NQ, w[0], in.q());
         FixedSizeListVector k = DenseMatrices.of(allocator, "keys", NK, w[1], in.k());
         FixedSizeListVector v = DenseMatrices.of(allocator, "values", NK, w[2], in.v());
         AttentionResult r = layer.forward(q, k, v, mask, t, false, allocator)) {
      return Float64Oracles.toDouble(DenseMatrices.toArray(r.output()));
    }
  }

  /** The output of a layer created from {@code params} with tensor {@code name} replaced by {@code values}. */
  private double[] outputWith(ParameterSet params, String name, float[] values, Inputs in, Mask mask, float t,
      BufferAllocator allocator) {
    try (ParameterSet copy = new ParameterSet()) {
      for (Map.Entry<String, FixedSizeListVector> e : params.asMap().entrySet()) {
        FixedSizeListVector c = DenseMatrices.allocateShaped(allocator, e.getKey(), DenseMatrices.shape(e.getValue()));
        copy.put(e.getKey(), c);
        float[] data = e.getKey().equals(name) ? values : DenseMatrices.toArray(e.getValue());
        MemorySegment.copy(data, 0, DenseMatrices.segment(c), ValueLayout.JAVA_FLOAT_UNALIGNED, 0, data.length);
      }
      try (AttentionLayer l = create(allocator, config(allocator, seed()).withParameters(Optional.of(copy)))) {
        return outputOf(l, in, mask, t, allocator);
      }
    }
  }

  @Test public void maskedKeysGetZeroWeightAndFullyMaskedRowsIgnoreKeysAndValues(BufferAllocator allocator) {
    int[] w = widths();
    Inputs in = Inputs.of(w, 31), other = Inputs.of(w, 41);
    boolean[] allowed = new boolean[NQ * NK];
    int empty = 1;
    for (int i = 0; i < NQ; i++) for (int j = 0; j < NK; j++) allowed[i * NK + j] = i != empty && j != i % NK;
    Mask mask = Mask.explicit(NQ, NK, allowed);
    String who = who() + " with mask " + Arrays.toString(allowed) + " (row " + empty + " fully masked) at Q, K, V from seed 31";
    try (AttentionLayer layer = create(allocator, config(allocator, seed()))) {
      Out a = call(layer, in, mask, allocator);
      Out b = call(layer, new Inputs(in.q(), other.k(), other.v()), mask, allocator);
      if (a.weights().length == 0 || a.weights().length % (NQ * NK) != 0) {
        fail(who + ": weights: expected slabs of [" + NQ + ", " + NK + "] (forward with withWeights), got " + a.weights().length
            + " values");
      }
      int slabs = a.weights().length / (NQ * NK);
      for (int s = 0; s < slabs; s++) {
        for (int i = 0; i < NQ; i++) {
          double sum = 0;
          for (int j = 0; j < NK; j++) {
            float x = a.weights()[(s * NQ + i) * NK + j];
            if (!allowed[i * NK + j] && x != 0f) {
              fail(who + ": weight of slab " + s + " at masked (row " + i + ", col " + j + "): expected exactly 0, got " + x);
            }
            sum += x;
          }
          if (i == empty && sum != 0) fail(who + ": slab " + s + " row " + i + " (fully masked): expected zero weights, got sum " + sum);
          if (i != empty && weightsSumToOne() && Math.abs(sum - 1) > 1e-5) {
            fail(who + ": slab " + s + " row " + i + " sum over its allowed keys: expected 1 ± 1e-5, got " + sum);
          }
        }
      }
      int cols = a.output().length / NQ;
      for (int c = 0; c < cols; c++) {
        float x = a.output()[empty * cols + c], y = b.output()[empty * cols + c];
        if (!Float.isFinite(x)) fail(who + ": output (row " + empty + ", col " + c + ") of the fully masked row: expected finite, got " + x);
        if (Float.floatToIntBits(x) != Float.floatToIntBits(y)) {
          fail(who + ": output (row " + empty + ", col " + c + ") of the fully masked row: expected the same with other keys and "
              + "values (seed 41), got " + x + " and " + y);
        }
      }
    }
  }

  @Test public void sameSeedGivesIdenticalResults(BufferAllocator allocator) {
    Inputs in = Inputs.of(widths(), 51);
    Out a, b;
    try (AttentionLayer l = create(allocator, config(allocator, seed()))) { a = call(l, in, Mask.all(), allocator); }
    try (AttentionLayer l = create(allocator, config(allocator, seed()))) { b = call(l, in, Mask.all(), allocator); }
    String what = who() + ": two layers created with seed " + seed() + " on the same Q, K, V";
    BaseScorerConformanceTest.assertIdentical(a.output(), b.output(), a.output().length / NQ, what + " (output)");
    BaseScorerConformanceTest.assertIdentical(a.weights(), b.weights(), NK, what + " (weights)");
  }

  @Test public void concurrentCallsOnASharedLayerAgree(BufferAllocator allocator) throws Exception {
    Inputs[] ins = new Inputs[THREADS];
    Out[] expected = new Out[THREADS];
    try (AttentionLayer layer = create(allocator, config(allocator, seed()))) {
      for (int t = 0; t < THREADS; t++) {
        ins[t] = Inputs.of(widths(), 100 + 10L * t);
        expected[t] = call(layer, ins[t], Mask.all(), allocator);
      }
      BufferAllocator[] own = new BufferAllocator[THREADS];
      for (int t = 0; t < THREADS; t++) own[t] = allocator.newChildAllocator("conformance-thread-" + t, 0, Long.MAX_VALUE);
      try {
        List<List<Out>> results = Conformance.concurrently(THREADS, CALLS_PER_THREAD,
            (t, rep) -> call(layer, ins[t], Mask.all(), own[t]));
        for (int t = 0; t < THREADS; t++) {
          for (int rep = 0; rep < CALLS_PER_THREAD; rep++) {
            String what = who() + ": thread " + t + " of " + THREADS + ", call " + rep
                + " on a shared layer, against the same input on one thread";
            Out o = results.get(t).get(rep);
            BaseScorerConformanceTest.assertIdentical(o.output(), expected[t].output(), o.output().length / NQ, what + " (output)");
            BaseScorerConformanceTest.assertIdentical(o.weights(), expected[t].weights(), NK, what + " (weights)");
          }
        }
      } finally {
        for (BufferAllocator a : own) a.close();
      }
    }
  }
}
