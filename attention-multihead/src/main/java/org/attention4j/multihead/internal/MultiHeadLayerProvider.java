package org.attention4j.multihead.internal;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.ParameterSet;
import org.attention4j.api.ParameterSet.TensorSpec;
import org.attention4j.api.ParameterSpec;
import org.attention4j.api.Settings;
import org.attention4j.api.spi.AttentionLayer;
import org.attention4j.api.spi.AttentionLayerProvider;
import org.attention4j.api.spi.Normalizer;
import org.attention4j.api.spi.NormalizerProvider;
import org.attention4j.api.spi.Provider;
import org.attention4j.api.spi.ProviderConfig;
import org.attention4j.api.spi.Scorer;
import org.attention4j.api.spi.ScorerProvider;
import org.attention4j.train.Initializer;
import org.attention4j.train.Parameters;

/**
 * {@code multihead}: H heads over embed_dim E = query width, each of width E/H, with any installed
 * scorer (setting {@code scorer}) and normalizer (setting {@code normalizer}).
 *
 * <p>Parameters, PyTorch's names ({@code torch.nn.MultiheadAttention.state_dict()}):
 * {@code in_proj_weight} [3E, E] (when key and value widths equal E; rows 0…E−1 project queries,
 * E…2E−1 keys, 2E…3E−1 values) or {@code q_proj_weight} [E, E], {@code k_proj_weight} [E, kdim],
 * {@code v_proj_weight} [E, vdim]; {@code in_proj_bias} [3E] (optional: PyTorch's bias=False);
 * {@code out_proj.weight} [E, E]; {@code out_proj.bias} [E] (optional). Head k uses projection rows
 * k·E/H … (k+1)·E/H − 1. {@code bias_k} and {@code bias_v} (add_bias_kv=True) are refused by name.
 * The per-head scorer's own tensors (its {@link ScorerProvider#tensors} for widths E/H) get a
 * leading dimension H under the same names: additive heads {@code W_q} [H, h, E/H], {@code W_k}
 * [H, h, E/H], {@code v} [H, h], {@code b} [H, h] (optional, 0 when absent).
 *
 * <p>Without a parameter file: projections Glorot-uniform and biases zero (setting {@code bias},
 * default true), from {@link ProviderConfig#seed()}; head k's scorer initialises itself from seed
 * {@code seed + 1 + k} (additive: hidden size from the setting {@code h}).
 */
public final class MultiHeadLayerProvider implements AttentionLayerProvider {
  /** The provider id. */
  public static final String ID = "multihead";
  static final String HEADS = "heads", SCORER = "scorer", NORMALIZER = "normalizer", H = "h", BIAS = "bias";
  static final String IN_PROJ_WEIGHT = "in_proj_weight", IN_PROJ_BIAS = "in_proj_bias";
  static final String Q_PROJ = "q_proj_weight", K_PROJ = "k_proj_weight", V_PROJ = "v_proj_weight";
  static final String OUT_WEIGHT = "out_proj.weight", OUT_BIAS = "out_proj.bias";
  private static final List<String> REFUSED = List.of("bias_k", "bias_v");

  /** Creates the provider (called by {@link java.util.ServiceLoader}). */
  public MultiHeadLayerProvider() {}

  @Override public String id() { return ID; }

  @Override public String description() {
    return "multi-head attention over any scorer; scaled-dot heads load torch.nn.MultiheadAttention weights";
  }

  @Override public List<ParameterSpec> parameters() {
    return List.of(
        new ParameterSpec(HEADS, "1", "number of heads H; must divide embed_dim (the query width)"),
        new ParameterSpec(SCORER, "scaled-dot", "per-head scorer id (scaled-dot, additive, or any installed scorer)"),
        new ParameterSpec(NORMALIZER, "softmax", "normalizer id (softmax, sparsemax, entmax15, ...)"),
        new ParameterSpec(H, "64", "hidden size of additive heads initialised from the seed (no parameter file)"),
        new ParameterSpec(BIAS, "true", "projection biases (in_proj_bias, out_proj.bias) when initialised from the seed"));
  }

  @Override public AttentionLayer create(ProviderConfig config, int queryDim, int keyDim, int valueDim) {
    if (queryDim < 1) throw new IllegalArgumentException("queryDim: expected an integer >= 1 (embed_dim), got " + queryDim);
    if (keyDim < 1) throw new IllegalArgumentException("keyDim: expected an integer >= 1 (kdim), got " + keyDim);
    if (valueDim < 1) throw new IllegalArgumentException("valueDim: expected an integer >= 1 (vdim), got " + valueDim);
    Settings mine = Settings.resolve(ID, parameters(), config.settings().asMap(), List.of("kernels"));
    int heads = mine.getInt(HEADS);
    if (heads < 1 || queryDim % heads != 0) {
      throw new IllegalArgumentException("heads: expected a divisor of embed_dim " + queryDim + " (= query columns), got "
          + heads);
    }
    int hd = queryDim / heads;
    String scorerId = mine.getString(SCORER), normalizerId = mine.getString(NORMALIZER);
    ScorerProvider scorers = config.lookup().require(ScorerProvider.class, scorerId);
    NormalizerProvider normalizers = config.lookup().require(NormalizerProvider.class, normalizerId);
    Settings scorerSettings = subset(scorers, config.settings());
    Normalizer normalizer = normalizers.create(config.withSettings(subset(normalizers, config.settings())));
    ProviderConfig scorerConfig = config.withSettings(scorerSettings).withParameters(Optional.empty());
    Shape shape = new Shape(queryDim, keyDim, valueDim, heads, hd);
    ParameterSet own = new ParameterSet();
    try {
      boolean packed;
      if (config.parameters().isPresent()) {
        packed = load(config.parameters().get(), shape, scorers, scorerConfig, own, config.allocator());
      } else {
        packed = keyDim == queryDim && valueDim == queryDim;
        initialise(shape, packed, mine.getBoolean(BIAS), scorers, scorerConfig, own, config);
      }
      List<String> headNames = new ArrayList<>();
      for (String name : own.names()) if (!isProjection(name)) headNames.add(name);
      return new MultiHeadLayer(shape, packed, own, headNames, scorers, scorerConfig, normalizer, config.kernels());
    } catch (RuntimeException | Error e) {
      own.close();
      throw e;
    }
  }

  /** Widths: embed_dim E, kdim, vdim, heads H and head width E/H. */
  record Shape(int embed, int kdim, int vdim, int heads, int headDim) {}

  static boolean isProjection(String name) {
    return switch (name) {
      case IN_PROJ_WEIGHT, IN_PROJ_BIAS, Q_PROJ, K_PROJ, V_PROJ, OUT_WEIGHT, OUT_BIAS -> true;
      default -> false;
    };
  }

  /** The settings of {@code p} among the given ones (e.g. {@code h} for additive heads). */
  private static Settings subset(Provider p, Settings given) {
    Map<String, String> out = new LinkedHashMap<>();
    for (ParameterSpec s : p.parameters()) {
      String v = given.asMap().get(s.name());
      if (v != null) out.put(s.name(), v);
    }
    return Settings.resolve(p.id(), p.parameters(), out, List.of());
  }

  /** Checks and copies a parameter file; returns whether it uses the packed in_proj_weight. */
  private static boolean load(ParameterSet given, Shape s, ScorerProvider scorers, ProviderConfig scorerConfig,
      ParameterSet own, BufferAllocator allocator) {
    for (String name : REFUSED) {
      if (given.contains(name)) {
        throw new IllegalArgumentException(name + ": expected no such tensor (PyTorch's add_bias_kv=True is not supported), got "
            + "shape " + Arrays.toString(DenseMatrices.shape(given.get(name))));
      }
    }
    int e = s.embed();
    boolean packed = given.contains(IN_PROJ_WEIGHT);
    if (packed && (s.kdim() != e || s.vdim() != e)) {
      throw new IllegalArgumentException(IN_PROJ_WEIGHT + ": expected " + Q_PROJ + ", " + K_PROJ + " and " + V_PROJ
          + " since kdim " + s.kdim() + " or vdim " + s.vdim() + " differs from embed_dim " + e + ", got " + IN_PROJ_WEIGHT);
    }
    List<TensorSpec> expected = new ArrayList<>(projections(s, packed, true, true));
    // the head tensors: what the scorer expects for one head (its shapes read from head 0's slice), with a leading H
    List<String> headNames = given.names().stream().filter(n -> !isProjection(n)).toList();
    List<TensorSpec> perHead;
    try (ParameterSet head0 = slice(given, headNames, s.heads(), 0, allocator)) {
      perHead = scorers.tensors(scorerConfig.withParameters(headNames.isEmpty() ? Optional.empty() : Optional.of(head0)),
          s.headDim(), s.headDim());
    }
    for (TensorSpec t : perHead) expected.add(new TensorSpec(t.name(), prepend(s.heads(), t.shape()), t.optional()));
    given.check(expected);
    for (TensorSpec t : expected) {
      if (given.contains(t.name())) {
        DenseMatrices.requireFinite(given.get(t.name()), t.name());
        own.put(t.name(), copy(given.get(t.name()), allocator, t.name(), t.shape()));
      } else if (!isProjection(t.name())) {
        own.put(t.name(), DenseMatrices.allocateShaped(allocator, t.name(), t.shape()));   // optional head tensor: 0
      }
    }
    return packed;
  }

  private static void initialise(Shape s, boolean packed, boolean bias, ScorerProvider scorers, ProviderConfig scorerConfig,
      ParameterSet own, ProviderConfig config) {
    BufferAllocator allocator = config.allocator();
    for (TensorSpec t : projections(s, packed, bias, bias)) {
      FixedSizeListVector v = DenseMatrices.allocateShaped(allocator, t.name(), t.shape());
      own.put(t.name(), v);
      boolean isBias = t.name().equals(IN_PROJ_BIAS) || t.name().equals(OUT_BIAS);
      (isBias ? Initializer.zeros() : Initializer.glorotUniform()).initialize(v, Parameters.random(config.seed(), t.name()));
    }
    List<Scorer> heads = new ArrayList<>();
    try {
      for (int k = 0; k < s.heads(); k++) {
        ProviderConfig c = new ProviderConfig(scorerConfig.settings(), config.seed() + 1 + k, allocator, Optional.empty(),
            config.kernels(), config.lookup());
        heads.add(scorers.create(c, s.headDim(), s.headDim()));
      }
      for (String name : heads.get(0).parameters().names()) {
        int[] one = DenseMatrices.shape(heads.get(0).parameters().get(name));
        FixedSizeListVector stacked = DenseMatrices.allocateShaped(allocator, name, prepend(s.heads(), one));
        own.put(name, stacked);
        long bytes = (long) Arrays.stream(one).reduce(1, Math::multiplyExact) * Float.BYTES;
        for (int k = 0; k < s.heads(); k++) {
          MemorySegment.copy(DenseMatrices.segment(heads.get(k).parameters().get(name)), 0, DenseMatrices.segment(stacked),
              k * bytes, bytes);
        }
      }
    } finally {
      heads.forEach(Scorer::close);
    }
  }

  /** The projection tensors, in PyTorch's state-dict order. */
  static List<TensorSpec> projections(Shape s, boolean packed, boolean inBias, boolean outBias) {
    int e = s.embed();
    List<TensorSpec> out = new ArrayList<>();
    if (packed) {
      out.add(new TensorSpec(IN_PROJ_WEIGHT, new int[] {3 * e, e}, false));
    } else {
      out.add(new TensorSpec(Q_PROJ, new int[] {e, e}, false));
      out.add(new TensorSpec(K_PROJ, new int[] {e, s.kdim()}, false));
      out.add(new TensorSpec(V_PROJ, new int[] {e, s.vdim()}, false));
    }
    if (inBias) out.add(new TensorSpec(IN_PROJ_BIAS, new int[] {3 * e}, true));
    out.add(new TensorSpec(OUT_WEIGHT, new int[] {e, e}, false));
    if (outBias) out.add(new TensorSpec(OUT_BIAS, new int[] {e}, true));
    return out;
  }

  static int[] prepend(int first, int[] rest) {
    int[] out = new int[rest.length + 1];
    out[0] = first;
    System.arraycopy(rest, 0, out, 1, rest.length);
    return out;
  }

  /** Head k's slice of each named [H, ...] tensor, as a new set owned by the caller. */
  static ParameterSet slice(ParameterSet stacked, List<String> names, int heads, int k, BufferAllocator allocator) {
    ParameterSet out = new ParameterSet();
    try {
      for (String name : names) {
        FixedSizeListVector t = stacked.get(name);
        int[] shape = DenseMatrices.shape(t);
        if (shape.length < 2 || shape[0] != heads) {
          throw new IllegalArgumentException(name + ": expected a leading dimension " + heads + " (= heads), got shape "
              + Arrays.toString(shape));
        }
        int[] one = Arrays.copyOfRange(shape, 1, shape.length);
        long bytes = (long) Arrays.stream(one).reduce(1, Math::multiplyExact) * Float.BYTES;
        FixedSizeListVector part = DenseMatrices.allocateShaped(allocator, name, one);
        out.put(name, part);
        MemorySegment.copy(DenseMatrices.segment(t), k * bytes, DenseMatrices.segment(part), 0, bytes);
      }
      return out;
    } catch (RuntimeException | Error e) {
      out.close();
      throw e;
    }
  }

  private static FixedSizeListVector copy(FixedSizeListVector source, BufferAllocator allocator, String name, int[] shape) {
    FixedSizeListVector out = DenseMatrices.allocateShaped(allocator, name, shape);
    long bytes = (long) Arrays.stream(shape).reduce(1, Math::multiplyExact) * Float.BYTES;
    MemorySegment.copy(DenseMatrices.segment(source), 0, DenseMatrices.segment(out), 0, bytes);
    return out;
  }
}
