package org.attention4j.graph.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.ParameterSet;
import org.attention4j.api.ParameterSet.TensorSpec;
import org.attention4j.api.spi.ProviderConfig;


import org.attention4j.train.Initializer;
import org.attention4j.train.Parameters;

/**
 * A stack of graph layers for node classification: layers 0 … L−2 map to H heads of F' features,
 * concatenated, followed by ELU; the last maps to C logits with its heads averaged (as in the GAT
 * paper). Dropout (inverted, rate p) on every layer's input and on the attention weights during
 * training, drawn from a seeded {@link SplittableRandom} so a step is reproducible.
 *
 * <p>The parameters live in one Arrow {@link ParameterSet} (for the optimiser); a pass reads them
 * into float arrays once and works on those.
 */
public final class Network implements AutoCloseable {
  /** The architecture. */
  public record Spec(Kind kind, int in, int hidden, int heads, int classes, int outputHeads, int layers,
      double dropout, double attentionDropout, String scorerId) {
    public Spec {
      if (layers < 1) throw new IllegalArgumentException("layers: expected at least 1, got " + layers);
      if (classes < 2) throw new IllegalArgumentException("classes: expected at least 2, got " + classes);
      if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("dropout: expected 0 <= p < 1, got " + dropout);
      if (!(attentionDropout >= 0 && attentionDropout < 1)) {
        throw new IllegalArgumentException("attention dropout: expected 0 <= p < 1, got " + attentionDropout);
      }
    }
  }

  /** One forward pass: the states of every layer, the ELU inputs and the dropout masks. */
  public static final class Pass {
    final List<GraphLayer.State> states = new ArrayList<>();
    final List<float[]> preActivations = new ArrayList<>();   // input of each ELU
    final List<float[]> featureMasks = new ArrayList<>();     // per layer input, or null
    float[] logits;

    public float[] logits() { return logits; }

    public GraphLayer.State state(int layer) { return states.get(layer); }
  }

  private final Spec spec;
  private final List<GraphLayer> layers = new ArrayList<>();
  private final ParameterSet parameters;

  private Network(Spec spec, ProviderConfig config, long seed) {
    this.spec = spec;
    try {
      int in = spec.in();
      for (int l = 0; l < spec.layers(); l++) {
        boolean last = l == spec.layers() - 1;
        int heads = last ? spec.outputHeads() : spec.heads(), dim = last ? spec.classes() : spec.hidden();
        layers.add(layer(spec, "l" + l + ".", in, heads, dim, !last, config, seed));
        in = layers.get(l).outDim();
      }
      List<TensorSpec> specs = new ArrayList<>();
      for (GraphLayer g : layers) specs.addAll(g.specs());
      ParameterSet p = Parameters.create(config.allocator(), specs, Initializer.glorotUniform(), seed);
      try {
        for (TensorSpec s : specs) if (s.name().endsWith("bias")) Parameters.initialize(p, s.name(), Initializer.zeros(), seed);
        for (GraphLayer g : layers) {
          if (g instanceof ScorerLayer sl) {
            for (Map.Entry<String, float[]> e : sl.initialScorerValues().entrySet()) copy(e.getValue(), p.get(e.getKey()));
          }
        }
      } catch (RuntimeException | Error e) {
        p.close();
        throw e;
      }
      this.parameters = p;
    } catch (RuntimeException | Error e) {
      for (GraphLayer g : layers) g.close();
      throw e;
    }
  }

  private static GraphLayer layer(Spec spec, String prefix, int in, int heads, int dim, boolean concat,
      ProviderConfig config, long seed) {
    return switch (spec.kind()) {
      case GAT -> new GatLayer(prefix, in, heads, dim, concat);
      case GATV2 -> new GatV2Layer(prefix, in, heads, dim, concat);
      case GCN -> new GcnLayer(prefix, in, heads, dim, concat);
      case DOT -> new ScorerLayer(prefix, in, heads, dim, concat, spec.scorerId(), config, seed);
    };
  }

  /** A network with parameters initialised from {@code seed} (Glorot uniform, zero biases; scorers their own way). */
  public static Network create(Spec spec, ProviderConfig config, long seed) { return new Network(spec, config, seed); }

  public Spec spec() { return spec; }

  public ParameterSet parameters() { return parameters; }

  public GraphLayer layer(int l) { return layers.get(l); }

  public int layerCount() { return layers.size(); }

  /** The current parameter values as float arrays, by name. */
  public Map<String, float[]> values() {
    Map<String, float[]> m = new LinkedHashMap<>();
    for (Map.Entry<String, FixedSizeListVector> e : parameters.asMap().entrySet()) m.put(e.getKey(), DenseMatrices.toArray(e.getValue()));
    return m;
  }

  /** Zero gradient arrays with the parameters' names and sizes. */
  public Map<String, float[]> zeroGradients() {
    Map<String, float[]> m = new LinkedHashMap<>();
    for (Map.Entry<String, FixedSizeListVector> e : parameters.asMap().entrySet()) {
      m.put(e.getKey(), new float[DenseMatrices.rows(e.getValue()) * DenseMatrices.cols(e.getValue())]);
    }
    return m;
  }

  /**
   * Forward on features x [n, in]. With {@code training}, dropout masks come from
   * {@code dropoutSeed}; otherwise there is no dropout.
   */
  public Pass forward(Csr g, float[] x, Map<String, float[]> p, boolean training, long dropoutSeed) {
    Pass pass = new Pass();
    SplittableRandom random = new SplittableRandom(dropoutSeed);
    float[] h = x;
    for (int l = 0; l < layers.size(); l++) {
      GraphLayer layer = layers.get(l);
      float[] mask = training && spec.dropout() > 0 ? dropoutMask(h.length, spec.dropout(), random) : null;
      pass.featureMasks.add(mask);
      float[] input = mask == null ? h : EdgeOps.times(h, mask);
      float[] attn = training && spec.attentionDropout() > 0 && spec.kind().attends()
          ? dropoutMask(g.edges() * layer.heads(), spec.attentionDropout(), random) : null;
      GraphLayer.State s = layer.forward(g, input, p, attn);
      pass.states.add(s);
      if (l < layers.size() - 1) {
        pass.preActivations.add(s.out);
        h = elu(s.out);
      } else {
        h = s.out;
      }
    }
    pass.logits = h;
    return pass;
  }

  /** Backward from dL/dlogits; adds dL/dθ into {@code grads} and returns dL/dx. */
  public float[] backward(Csr g, Pass pass, float[] dLogits, Map<String, float[]> p, Map<String, float[]> grads) {
    float[] d = dLogits;
    for (int l = layers.size() - 1; l >= 0; l--) {
      if (l < layers.size() - 1) d = eluBackward(pass.preActivations.get(l), d);
      d = layers.get(l).backward(g, pass.states.get(l), d, p, grads);
      float[] mask = pass.featureMasks.get(l);
      if (mask != null) d = EdgeOps.times(d, mask);
    }
    return d;
  }

  /** Writes gradient arrays into an Arrow set with the parameters' names. */
  public static void store(Map<String, float[]> grads, ParameterSet target) {
    for (Map.Entry<String, float[]> e : grads.entrySet()) copy(e.getValue(), target.get(e.getKey()));
  }

  static void copy(float[] v, FixedSizeListVector target) {
    MemorySegment.copy(v, 0, DenseMatrices.segment(target), ValueLayout.JAVA_FLOAT, 0, v.length);
  }

  private static float[] dropoutMask(int size, double p, SplittableRandom random) {
    float[] m = new float[size];
    float keep = (float) (1 / (1 - p));
    for (int k = 0; k < size; k++) m[k] = random.nextDouble() < p ? 0f : keep;
    return m;
  }

  static float[] elu(float[] x) {
    float[] y = new float[x.length];
    for (int k = 0; k < x.length; k++) y[k] = x[k] > 0 ? x[k] : (float) StrictMath.expm1(x[k]);
    return y;
  }

  static float[] eluBackward(float[] x, float[] dy) {
    float[] dx = new float[x.length];
    for (int k = 0; k < x.length; k++) dx[k] = x[k] > 0 ? dy[k] : (float) (dy[k] * StrictMath.exp(x[k]));
    return dx;
  }

  /** A 64-bit mix of two values (SplitMix64's finaliser), for derived seeds. */
  public static long mix(long a, long b) {
    long z = a * 0x9E3779B97F4A7C15L + b;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  @Override public void close() {
    try {
      for (GraphLayer g : layers) g.close();
    } finally {
      parameters.close();
    }
  }
}
