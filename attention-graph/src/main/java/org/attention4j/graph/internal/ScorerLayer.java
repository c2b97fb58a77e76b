package org.attention4j.graph.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.ParameterSet;
import org.attention4j.api.ParameterSet.TensorSpec;
import org.attention4j.api.spi.ProviderConfig;
import org.attention4j.api.spi.Scorer;
import org.attention4j.api.spi.ScorerProvider;


/**
 * Attention through any installed scorer: z = h Wᵀ, e_ij = s(z_i, z_j) per head from the scorer's
 * {@code scorePairs} (query = receiver i, key = sender j), messages z_j. One scorer per head, found
 * by id through the registry (never imported); its own parameters (e.g. the bilinear W, or the
 * additive W_q, W_k, v, b) are trained with the layer's, under {@code prefix + "h<k>." + name}.
 * Tensors: W [H·F', F], bias, and the scorers'.
 */
final class ScorerLayer extends GraphLayer {
  private final Scorer[] scorers;
  private final BufferAllocator allocator;
  private final String scorerId;

  ScorerLayer(String prefix, int in, int heads, int dim, boolean concat, String scorerId, ProviderConfig config,
      long seed) {
    super(prefix, in, heads, dim, concat);
    ScorerProvider provider = config.lookup().require(ScorerProvider.class, scorerId);
    this.scorerId = scorerId;
    this.allocator = config.allocator();
    this.scorers = new Scorer[heads];
    try {
      for (int h = 0; h < heads; h++) {
        ProviderConfig c = new ProviderConfig(config.settings(), Network.mix(seed, prefix.hashCode() * 31L + h),
            config.allocator(), java.util.Optional.empty(), config.kernels(), config.lookup());
        scorers[h] = provider.create(c, dim, dim);
      }
    } catch (RuntimeException | Error e) {
      close();
      throw e;
    }
  }

  String scorerId() { return scorerId; }

  private String name(int h, String tensor) { return prefix + "h" + h + "." + tensor; }

  @Override public List<TensorSpec> specs() {
    List<TensorSpec> specs = new ArrayList<>();
    specs.add(new TensorSpec(prefix + "W", new int[] {heads * dim, in}, false));
    specs.add(new TensorSpec(prefix + "bias", new int[] {outDim()}, false));
    for (int h = 0; h < heads; h++) {
      for (Map.Entry<String, FixedSizeListVector> t : scorers[h].parameters().asMap().entrySet()) {
        specs.add(new TensorSpec(name(h, t.getKey()), DenseMatrices.shape(t.getValue()), false));
      }
    }
    return specs;
  }

  /** The scorers' initial parameter values, by full name (the scorer's own seeded initialisation). */
  Map<String, float[]> initialScorerValues() {
    Map<String, float[]> m = new java.util.LinkedHashMap<>();
    for (int h = 0; h < heads; h++) {
      for (Map.Entry<String, FixedSizeListVector> t : scorers[h].parameters().asMap().entrySet()) {
        m.put(name(h, t.getKey()), DenseMatrices.toArray(t.getValue()));
      }
    }
    return m;
  }

  @Override protected float[] messages(Csr g, State s, Map<String, float[]> p) {
    return EdgeOps.project(s.x, g.nodes(), in, p.get(prefix + "W"), heads * dim);
  }

  /** Column block h of z [n, H·F'] as a dense [n, F'] matrix. */
  private FixedSizeListVector headMatrix(float[] z, int n, int h) {
    float[] zh = new float[n * dim];
    int hd = heads * dim;
    for (int i = 0; i < n; i++) System.arraycopy(z, i * hd + h * dim, zh, i * dim, dim);
    return DenseMatrices.of(allocator, "z_h" + h, n, dim, zh);
  }

  private void loadScorer(int h, Map<String, float[]> p) {
    for (Map.Entry<String, FixedSizeListVector> t : scorers[h].parameters().asMap().entrySet()) {
      float[] v = p.get(name(h, t.getKey()));
      MemorySegment.copy(v, 0, DenseMatrices.segment(t.getValue()), ValueLayout.JAVA_FLOAT, 0, v.length);
    }
  }

  @Override protected float[] scores(Csr g, State s, Map<String, float[]> p) {
    int n = g.nodes(), m = g.edges();
    float[] e = new float[m * heads];
    for (int h = 0; h < heads; h++) {
      loadScorer(h, p);
      try (FixedSizeListVector zh = headMatrix(s.msg, n, h);
           FixedSizeListVector sc = scorers[h].scorePairs(zh, zh, g.targets(), g.sources(), allocator)) {
        float[] v = DenseMatrices.toArray(sc);
        for (int k = 0; k < m; k++) e[k * heads + h] = v[k];
      }
    }
    return e;
  }

  @Override protected void scoresBackward(Csr g, State s, float[] de, Map<String, float[]> p,
      Map<String, float[]> grads, float[] dMsg, float[] dx) {
    int n = g.nodes(), m = g.edges(), hd = heads * dim;
    for (int h = 0; h < heads; h++) {
      loadScorer(h, p);
      float[] deh = new float[m];
      for (int k = 0; k < m; k++) deh[k] = de[k * heads + h];
      try (FixedSizeListVector zh = headMatrix(s.msg, n, h);
           FixedSizeListVector ds = DenseMatrices.of(allocator, "dScores", m, 1, deh);
           Scorer.Gradients gr = scorers[h].backwardPairs(zh, zh, g.targets(), g.sources(), ds, allocator)) {
        float[] dq = DenseMatrices.toArray(gr.dQueries()), dk = DenseMatrices.toArray(gr.dKeys());
        for (int i = 0; i < n; i++) {
          for (int d = 0; d < dim; d++) dMsg[i * hd + h * dim + d] += dq[i * dim + d] + dk[i * dim + d];
        }
        ParameterSet dp = gr.dParameters();
        for (String t : dp.names()) {
          float[] gv = DenseMatrices.toArray(dp.get(t)), acc = grads.get(name(h, t));
          for (int c = 0; c < gv.length; c++) acc[c] += gv[c];
        }
      }
    }
  }

  @Override protected void messagesBackward(Csr g, State s, float[] dMsg, Map<String, float[]> p,
      Map<String, float[]> grads, float[] dx) {
    EdgeOps.projectBackward(s.x, g.nodes(), in, p.get(prefix + "W"), heads * dim, dMsg, grads.get(prefix + "W"), dx);
  }

  @Override public void close() {
    RuntimeException first = null;
    for (Scorer sc : scorers) {
      if (sc == null) continue;
      try {
        sc.close();
      } catch (RuntimeException e) {
        if (first == null) first = e;
      }
    }
    if (first != null) throw first;
  }
}
