package org.attention4j.theory.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.ParameterSet;
import org.attention4j.api.ParameterSet.TensorSpec;
import org.attention4j.api.Settings;
import org.attention4j.api.spi.ProviderConfig;
import org.attention4j.api.spi.ScenarioContext;
import org.attention4j.api.spi.Scorer;
import org.attention4j.api.spi.ScorerProvider;
import org.attention4j.train.Initializer;
import org.attention4j.train.Parameters;

/**
 * A trainable score model over plain float arrays (row-major), for the theory scenarios: either a
 * scorer of the registry that owns its parameters ({@code additive}), or a parameter-free scorer of
 * the registry ({@code dot}, {@code scaled-dot}) preceded by learned linear projections, which is how
 * the scenarios give every scorer parameters:
 * <ul>
 *   <li>{@code bilinear}: {@code s(q, k) = qᵀ W k = dot(q, W k)}, one tensor {@code W} [d, d];</li>
 *   <li>{@code dot+proj}, {@code scaled-dot+proj}: {@code s = c · (P_q q)ᵀ (P_k k)}, tensors
 *       {@code P_q}, {@code P_k} [p, d].</li>
 * </ul>
 * Gradients of the projections follow from the scorer's dQ', dK': {@code dP = dQ'ᵀ Q}.
 */
final class ScoreModel implements AutoCloseable {
  private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

  private final String label;
  private final int d;
  private final int p;
  private final Scorer scorer;
  private final ParameterSet own;          // projections (null for a scorer with its own parameters)
  private final boolean projectQueries;

  private ScoreModel(String label, int d, int p, Scorer scorer, ParameterSet own, boolean projectQueries) {
    this.label = label;
    this.d = d;
    this.p = p;
    this.scorer = scorer;
    this.own = own;
    this.projectQueries = projectQueries;
  }

  /** Base config for providers created by a scenario (its settings, its kernels and lookup). */
  static ProviderConfig config(ScenarioContext ctx, long seed, BufferAllocator allocator) {
    return new ProviderConfig(ctx.providerSettings(), seed, allocator, Optional.empty(), ctx.lookup().kernels(),
        ctx.lookup());
  }

  /** The registry's {@code additive} scorer with hidden size h, seeded. */
  static ScoreModel additive(ScenarioContext ctx, int d, int h, long seed, BufferAllocator allocator) {
    ScorerProvider provider = ctx.lookup().require(ScorerProvider.class, "additive");
    Scorer s = provider.create(config(ctx, seed, allocator)
        .withSettings(Settings.of("additive", Map.of("h", Integer.toString(h)))), d, d);
    return new ScoreModel("additive", d, 0, s, null, false);
  }

  /** {@code qᵀ W k} as the registry's {@code dot} on the learned projection W k; W Glorot-uniform. */
  static ScoreModel bilinear(ScenarioContext ctx, int d, long seed, BufferAllocator allocator) {
    return projected(ctx, "bilinear", "dot", d, d, false, seed, allocator);
  }

  /**
   * The registry's {@code scorerId} (parameter free) after learned projections: of k only (tensor
   * {@code W}) or of both q and k (tensors {@code P_q}, {@code P_k}) to width p.
   */
  static ScoreModel projected(ScenarioContext ctx, String label, String scorerId, int d, int p, boolean projectQueries,
      long seed, BufferAllocator allocator) {
    ScorerProvider provider = ctx.lookup().require(ScorerProvider.class, scorerId);
    List<TensorSpec> specs = projectQueries
        ? List.of(new TensorSpec("P_q", new int[] {p, d}, false), new TensorSpec("P_k", new int[] {p, d}, false))
        : List.of(new TensorSpec("W", new int[] {d, d}, false));
    ParameterSet params = Parameters.create(allocator, specs, Initializer.glorotUniform(), seed);
    try {
      Scorer s = provider.create(config(ctx, seed, allocator).withSettings(Settings.of(scorerId, Map.of())), p, p);
      return new ScoreModel(label, d, p, s, params, projectQueries);
    } catch (RuntimeException | Error e) {
      params.close();
      throw e;
    }
  }

  String label() { return label; }

  /** The trained parameters. */
  ParameterSet parameters() { return own != null ? own : scorer.parameters(); }

  /** Scores [nq × nk] of queries [nq × d] against keys [nk × d]. */
  float[] score(float[] q, int nq, float[] k, int nk, BufferAllocator a) {
    float[] qp = projectQ(q, nq), kp = projectK(k, nk);
    int w = width();
    try (FixedSizeListVector qv = DenseMatrices.of(a, "queries", nq, w, qp);
         FixedSizeListVector kv = DenseMatrices.of(a, "keys", nk, w, kp);
         FixedSizeListVector s = scorer.score(qv, kv, a)) {
      return DenseMatrices.toArray(s);
    }
  }

  /** Adds dL/dθ for dL/dS [nq × nk] into {@code gradients} (names of {@link #parameters()}). */
  void backward(float[] q, int nq, float[] k, int nk, float[] dS, ParameterSet gradients, BufferAllocator a) {
    float[] qp = projectQ(q, nq), kp = projectK(k, nk);
    int w = width();
    try (FixedSizeListVector qv = DenseMatrices.of(a, "queries", nq, w, qp);
         FixedSizeListVector kv = DenseMatrices.of(a, "keys", nk, w, kp);
         FixedSizeListVector ds = DenseMatrices.of(a, "dScores", nq, nk, dS);
         Scorer.Gradients g = scorer.backward(qv, kv, ds, a)) {
      collect(g, q, nq, k, nk, gradients);
    }
  }

  /** One score per pair (q_i, k_i), i &lt; n. */
  float[] scorePairs(float[] q, float[] k, int n, BufferAllocator a) {
    int[] idx = identity(n);
    return scorePairs(q, n, k, n, idx, idx, a);
  }

  /** Adds dL/dθ for dL/ds [n] of {@link #scorePairs(float[], float[], int, BufferAllocator)}. */
  void backwardPairs(float[] q, float[] k, int n, float[] ds, ParameterSet gradients, BufferAllocator a) {
    int[] idx = identity(n);
    backwardPairs(q, n, k, n, idx, idx, ds, gradients, a);
  }

  /** One score per edge e: s(q_src[e], k_dst[e]). */
  float[] scorePairs(float[] q, int nq, float[] k, int nk, int[] src, int[] dst, BufferAllocator a) {
    float[] qp = projectQ(q, nq), kp = projectK(k, nk);
    int w = width();
    try (FixedSizeListVector qv = DenseMatrices.of(a, "queries", nq, w, qp);
         FixedSizeListVector kv = DenseMatrices.of(a, "keys", nk, w, kp);
         FixedSizeListVector s = scorer.scorePairs(qv, kv, src, dst, a)) {
      return DenseMatrices.toArray(s);
    }
  }

  /** Adds dL/dθ for dL/ds [E] of the edge scores into {@code gradients}. */
  void backwardPairs(float[] q, int nq, float[] k, int nk, int[] src, int[] dst, float[] ds, ParameterSet gradients,
      BufferAllocator a) {
    float[] qp = projectQ(q, nq), kp = projectK(k, nk);
    int w = width();
    try (FixedSizeListVector qv = DenseMatrices.of(a, "queries", nq, w, qp);
         FixedSizeListVector kv = DenseMatrices.of(a, "keys", nk, w, kp);
         FixedSizeListVector dv = DenseMatrices.of(a, "dScores", ds.length, 1, ds);
         Scorer.Gradients g = scorer.backwardPairs(qv, kv, src, dst, dv, a)) {
      collect(g, q, nq, k, nk, gradients);
    }
  }

  private void collect(Scorer.Gradients g, float[] q, int nq, float[] k, int nk, ParameterSet gradients) {
    if (own == null) {
      Parameters.add(gradients, g.dParameters());
      return;
    }
    float[] dk = DenseMatrices.toArray(g.dKeys());
    addInto(gradients.get(projectQueries ? "P_k" : "W"), outerSum(dk, k, nk, width(), d));
    if (projectQueries) addInto(gradients.get("P_q"), outerSum(DenseMatrices.toArray(g.dQueries()), q, nq, p, d));
  }

  private int width() { return own == null ? d : projectQueries ? p : d; }

  private float[] projectQ(float[] q, int n) {
    return own != null && projectQueries ? project(q, n, DenseMatrices.toArray(own.get("P_q")), p, d) : q;
  }

  private float[] projectK(float[] k, int n) {
    if (own == null) return k;
    return projectQueries ? project(k, n, DenseMatrices.toArray(own.get("P_k")), p, d)
        : project(k, n, DenseMatrices.toArray(own.get("W")), d, d);
  }

  /** X Pᵀ: [n × rows] for X [n × cols], P [rows × cols]. */
  static float[] project(float[] x, int n, float[] pm, int rows, int cols) {
    float[] out = new float[n * rows];
    for (int i = 0; i < n; i++) {
      for (int a = 0; a < rows; a++) {
        double s = 0;
        for (int j = 0; j < cols; j++) s += (double) x[i * cols + j] * pm[a * cols + j];
        out[i * rows + a] = (float) s;
      }
    }
    return out;
  }

  /** dYᵀ X: [rows × cols] for dY [n × rows], X [n × cols]. */
  static float[] outerSum(float[] dy, float[] x, int n, int rows, int cols) {
    float[] out = new float[rows * cols];
    for (int a = 0; a < rows; a++) {
      for (int j = 0; j < cols; j++) {
        double s = 0;
        for (int i = 0; i < n; i++) s += (double) dy[i * rows + a] * x[i * cols + j];
        out[a * cols + j] = (float) s;
      }
    }
    return out;
  }

  /** {@code tensor += g} entry by entry (row-major). */
  static void addInto(FixedSizeListVector tensor, float[] g) {
    MemorySegment s = DenseMatrices.segment(tensor);
    for (int i = 0; i < g.length; i++) s.setAtIndex(F, i, s.getAtIndex(F, i) + g[i]);
  }

  private static int[] identity(int n) {
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) idx[i] = i;
    return idx;
  }

  @Override public void close() {
    try {
      scorer.close();
    } finally {
      if (own != null) own.close();
    }
  }
}
