package org.attention4j.cli;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.AttentionResult;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.Mask;
import org.attention4j.api.ParameterSet;
import org.attention4j.api.ParameterSpec;
import org.attention4j.api.Settings;
import org.attention4j.api.facade.Attention;
import org.attention4j.api.io.MaskData;
import org.attention4j.api.io.MatrixFiles;
import org.attention4j.api.registry.Registry;
import org.attention4j.api.spi.AttentionLayer;
import org.attention4j.api.spi.AttentionLayerProvider;
import org.attention4j.api.spi.Normalizer;
import org.attention4j.api.spi.NormalizerProvider;
import org.attention4j.api.spi.Provider;
import org.attention4j.api.spi.ProviderConfig;
import org.attention4j.api.spi.Scorer;
import org.attention4j.api.spi.ScorerProvider;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code attend}: one attention over matrices read from files (CLI.md). */
@Command(name = "attend", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Compute O = normalize(score(Q, K) / T, mask) · V and optionally the weights.")
final class AttendCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--scorer", required = true, paramLabel = "ID",
      description = "Scorer id: additive, bilinear, dot, scaled-dot, or a plugin's (see 'plugins').")
  String scorerId;

  @Option(names = "--layer", paramLabel = "ID", description = "Use an attention layer (e.g. multihead) around the scorer.")
  String layerId;

  @Option(names = "--heads", paramLabel = "H", description = "Heads of the layer (with --layer); must divide the query width.")
  Integer heads;

  @Option(names = "--normalizer", paramLabel = "ID", defaultValue = "softmax",
      description = "Row normalizer: softmax (default), sparsemax or entmax15 (exact zeros for low scores), or a plugin's id.")
  String normalizerId;

  @Option(names = "--temperature", paramLabel = "T", defaultValue = "1",
      description = "Scores are divided by T > 0 before normalizing (default 1).")
  float temperature;

  @Option(names = "--params", paramLabel = "F", description = {
      "Parameter file (.safetensors, F32 or F64) of the scorer or layer; tensor names are exact:",
      "  additive: W_q [h, d_q], W_k [h, d_k], v [h], b [h] (optional, 0 when absent);",
      "  bilinear: W [d_q, d_k]; dot, scaled-dot: none.",
      "  --layer multihead: PyTorch's nn.MultiheadAttention names, in_proj_weight [3E, E] (or q_proj_weight [E, E],",
      "  k_proj_weight [E, d_k], v_proj_weight [E, d_v]), in_proj_bias [3E], out_proj.weight [E, E], out_proj.bias [E]",
      "  (biases optional), plus the head scorer's tensors with a leading H (additive: W_q [H, h, E/H], ...).",
      "Without it, parameters come from --seed (additive: hidden size --set h=N, default 64).",
      "A wrong shape, or a missing or unknown tensor, exits 2 naming what is expected."})
  Path params;

  @Option(names = "--query", required = true, paramLabel = "F", description = "Queries [n_q, d_q] or [B, n_q, d_q].")
  Path query;

  @Option(names = "--keys", required = true, paramLabel = "F", description = "Keys [n_k, d_k] or [B, n_k, d_k].")
  Path keys;

  @Option(names = "--values", required = true, paramLabel = "F", description = "Values [n_k, d_v] or [B, n_k, d_v].")
  Path values;

  @Option(names = "--mask", paramLabel = "F", description = "Mask [n_q, n_k] (or [B, n_q, n_k]); 1 = may attend.")
  Path maskFile;

  @Option(names = "--key-padding", paramLabel = "F", description = "Key padding [n_k] (or [B, n_k]); 1 = real key.")
  Path keyPaddingFile;

  @Option(names = "--causal", description = "Causal mask, bottom-right aligned: j <= i + (n_k - n_q).")
  boolean causal;

  @Option(names = "--mask-convention", paramLabel = "ours|torch", defaultValue = "ours",
      description = "Polarity of --mask and --key-padding: ours (1 = may attend, default) or torch (true = masked out).")
  String maskConvention;

  @Option(names = "--out", required = true, paramLabel = "F", description = "Output file (.npy, .csv, .arrow).")
  Path out;

  @Option(names = "--weights", paramLabel = "F", description = "Also write the weights here.")
  Path weightsFile;

  @Option(names = "--json", description = "Print a JSON summary to stdout.")
  boolean json;

  @Override public Integer call() throws IOException {
    if (!maskConvention.equals("ours") && !maskConvention.equals("torch")) {
      throw new IllegalArgumentException("--mask-convention: expected ours or torch, got '" + maskConvention + "'");
    }
    if (heads != null && layerId == null) throw new IllegalArgumentException("--heads: expected together with --layer, got no --layer");
    if (!(temperature > 0) || !Float.isFinite(temperature)) {
      throw new IllegalArgumentException("--temperature: expected a finite number > 0, got " + temperature);
    }
    AppComponent app = common.component();
    Registry registry = app.registry();
    long t0 = System.nanoTime();
    ScorerProvider scorerProvider = registry.require(ScorerProvider.class, scorerId);
    NormalizerProvider normalizerProvider = registry.require(NormalizerProvider.class, normalizerId);
    AttentionLayerProvider layerProvider = layerId == null ? null : registry.require(AttentionLayerProvider.class, layerId);
    Map<String, String> given = CommonOptions.copy(common.settings);
    if (layerProvider != null) {
      given.put("scorer", scorerId);
      given.put("normalizer", normalizerId);
      if (heads != null) given.put("heads", Integer.toString(heads));
    }
    List<Provider> used = new ArrayList<>(List.of(scorerProvider, normalizerProvider));
    if (layerProvider != null) used.add(layerProvider);
    Map<Provider, Settings> settings = distribute(used, given);

    Map<String, Object> shapes = new LinkedHashMap<>();
    try (BufferAllocator root = app.allocator();                 // this run's root allocator, closed last
         BufferAllocator alloc = root.newChildAllocator("attend", 0, Long.MAX_VALUE);
         FixedSizeListVector q = MatrixFiles.readMatrix(query, alloc);
         FixedSizeListVector k = MatrixFiles.readMatrix(keys, alloc);
         FixedSizeListVector v = MatrixFiles.readMatrix(values, alloc);
         ParameterSet paramSet = params == null ? null : MatrixFiles.readParameters(params, alloc)) {
      int[] qs = DenseMatrices.shape(q), ks = DenseMatrices.shape(k), vs = DenseMatrices.shape(v);
      shapes.put("query", qs);
      shapes.put("keys", ks);
      shapes.put("values", vs);
      Batch batch = Batch.of(qs, ks, vs);
      List<Mask> masks = masks(batch);
      ProviderConfig base = new ProviderConfig(Settings.of("attend", Map.of()), common.seed, alloc,
          Optional.ofNullable(paramSet), registry.kernels(), registry);
      // --json reports the weights' shape; without --weights a single-scorer run gets it from the shapes
      // instead of materialising n_q × n_k floats (4 GiB at 32768 × 32768) only to measure them.
      boolean withWeights = weightsFile != null || (json && layerProvider != null);
      int[] weightsShape = batch.batched ? new int[] {batch.count, batch.nq, batch.nk} : new int[] {batch.nq, batch.nk};
      List<FixedSizeListVector> outs = new ArrayList<>(), ws = new ArrayList<>();
      try {
        if (layerProvider != null) {
          try (AttentionLayer layer = layerProvider.create(base.withSettings(settings.get(layerProvider)), batch.dq, batch.dk,
              batch.dv)) {
            for (int b = 0; b < batch.count; b++) {
              try (FixedSizeListVector qb = batch.slice(q, b, batch.nq, alloc);
                   FixedSizeListVector kb = batch.slice(k, b, batch.nk, alloc);
                   FixedSizeListVector vb = batch.slice(v, b, batch.nk, alloc)) {
                AttentionResult r = layer.forward(qb, kb, vb, masks.get(b), temperature, withWeights, alloc);
                outs.add(r.output());
                r.weights().ifPresent(ws::add);
              }
            }
          }
        } else {
          Normalizer normalizer = normalizerProvider.create(base.withSettings(settings.get(normalizerProvider)));
          try (Scorer scorer = scorerProvider.create(base.withSettings(settings.get(scorerProvider)), batch.dq, batch.dk)) {
            for (int b = 0; b < batch.count; b++) {
              Attention att = Attention.builder(scorer, normalizer, registry.kernels()).mask(masks.get(b))
                  .temperature(temperature).build();
              try (FixedSizeListVector qb = batch.slice(q, b, batch.nq, alloc);
                   FixedSizeListVector kb = batch.slice(k, b, batch.nk, alloc);
                   FixedSizeListVector vb = batch.slice(v, b, batch.nk, alloc)) {
                AttentionResult r = att.attend(qb, kb, vb, withWeights, alloc);
                outs.add(r.output());
                r.weights().ifPresent(ws::add);
              }
            }
          }
        }
        try (FixedSizeListVector o = batch.stack(outs, alloc, "output")) {
          MatrixFiles.writeMatrix(out, o);
          shapes.put("output", DenseMatrices.shape(o));
        }
        if (!withWeights) shapes.put("weights", weightsShape);
        if (!ws.isEmpty()) {
          try (FixedSizeListVector w = batch.stack(ws, alloc, "weights")) {
            if (weightsFile != null) MatrixFiles.writeMatrix(weightsFile, w);
            shapes.put("weights", DenseMatrices.shape(w));
          }
        }
      } finally {
        outs.forEach(FixedSizeListVector::close);
        ws.forEach(FixedSizeListVector::close);
      }
    }
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("scorer", scorerId);
      doc.put("layer", layerId);
      doc.put("normalizer", normalizerId);
      doc.put("kernel", registry.kernels().id());
      doc.put("shapes", shapes);
      doc.put("elapsed_ms", (System.nanoTime() - t0) / 1_000_000);
      System.out.println(Json.write(doc));
    }
    return 0;
  }

  /**
   * Gives each provider the {@code --set} keys it declares; a key no provider declares (other than
   * {@code kernels}) is an error listing what they do declare.
   */
  static Map<Provider, Settings> distribute(List<Provider> providers, Map<String, String> given) {
    Set<String> declared = new LinkedHashSet<>();
    for (Provider p : providers) for (ParameterSpec s : p.parameters()) declared.add(s.name());
    for (String key : given.keySet()) {
      if (!declared.contains(key) && !CommonOptions.ignoredKeys().contains(key)) {
        List<String> owners = providers.stream().map(p -> p.id() + " " + p.parameters().stream().map(ParameterSpec::name).toList()).toList();
        throw new IllegalArgumentException("--set: expected a key declared by " + owners + " or kernels, got '" + key + "'");
      }
    }
    Map<Provider, Settings> out = new LinkedHashMap<>();
    for (Provider p : providers) {
      Map<String, String> mine = new LinkedHashMap<>();
      for (ParameterSpec s : p.parameters()) if (given.containsKey(s.name())) mine.put(s.name(), given.get(s.name()));
      out.put(p, Settings.resolve(p.id() + " --set", p.parameters(), mine, CommonOptions.ignoredKeys()));
    }
    return out;
  }

  /** One mask per batch item, from --mask, --key-padding and --causal (AND). */
  private List<Mask> masks(Batch batch) throws IOException {
    boolean torch = maskConvention.equals("torch");
    MaskData m = maskFile == null ? null : MatrixFiles.readMask(maskFile);
    MaskData kp = keyPaddingFile == null ? null : MatrixFiles.readMask(keyPaddingFile);
    List<Mask> out = new ArrayList<>();
    for (int b = 0; b < batch.count; b++) {
      Mask mask = causal ? Mask.causal() : Mask.all();
      if (m != null) {
        boolean[] vals = pick(m, b, batch, (long) batch.nq * batch.nk, "--mask", "[" + batch.nq + ", " + batch.nk + "]");
        mask = mask.and(Mask.explicit(batch.nq, batch.nk, torch ? Mask.fromTorchBool(vals) : vals));
      }
      if (kp != null) {
        boolean[] vals = pick(kp, b, batch, batch.nk, "--key-padding", "[" + batch.nk + "]");
        mask = mask.and(Mask.keyPadding(torch ? Mask.fromTorchBool(vals) : vals));
      }
      out.add(mask);
    }
    return out;
  }

  /** The slab of a mask file for batch item b: the whole file when it holds one slab, else slab b. */
  private static boolean[] pick(MaskData data, int b, Batch batch, long slab, String option, String shape) {
    boolean[] all = data.values();
    if (all.length == slab) return all;
    if (batch.batched && all.length == slab * batch.count) {
      return Arrays.copyOfRange(all, (int) (b * slab), (int) ((b + 1) * slab));
    }
    throw new IllegalArgumentException(option + ": expected " + shape + (batch.batched ? " or [" + batch.count + ", "
        + shape.substring(1) : "") + ", got " + Arrays.toString(data.shape()));
  }

  /** Shapes of a possibly batched call: [n, d] or [B, n, d] for query, keys and values alike. */
  private static final class Batch {
    final boolean batched;
    final int count, nq, nk, dq, dk, dv;

    private Batch(boolean batched, int count, int nq, int nk, int dq, int dk, int dv) {
      this.batched = batched;
      this.count = count;
      this.nq = nq;
      this.nk = nk;
      this.dq = dq;
      this.dk = dk;
      this.dv = dv;
    }

    static Batch of(int[] qs, int[] ks, int[] vs) {
      if (qs.length != ks.length || qs.length != vs.length || qs.length < 2 || qs.length > 3) {
        throw new IllegalArgumentException("query, keys, values: expected all [n, d] or all [B, n, d], got "
            + Arrays.toString(qs) + ", " + Arrays.toString(ks) + ", " + Arrays.toString(vs));
      }
      boolean batched = qs.length == 3;
      int o = batched ? 1 : 0;
      int count = batched ? qs[0] : 1;
      if (batched && (ks[0] != count || vs[0] != count)) {
        throw new IllegalArgumentException("keys, values: expected batch size " + count + " (= query), got " + ks[0]
            + ", " + vs[0]);
      }
      if (vs[o] != ks[o]) {
        throw new IllegalArgumentException("values: expected " + ks[o] + " rows (= keys rows), got " + vs[o]);
      }
      return new Batch(batched, count, qs[o], ks[o], qs[o + 1], ks[o + 1], vs[o + 1]);
    }

    /** Rows [b·n, (b+1)·n) as a 2-D matrix (the whole input when not batched). */
    FixedSizeListVector slice(FixedSizeListVector v, int b, int n, BufferAllocator alloc) {
      int cols = DenseMatrices.cols(v);
      FixedSizeListVector out = DenseMatrices.allocate(alloc, v.getName(), n, cols);
      long bytes = (long) n * cols * Float.BYTES;
      MemorySegment.copy(DenseMatrices.segment(v), b * bytes, DenseMatrices.segment(out), 0, bytes);
      return out;
    }

    /** Stacks per-item results: unbatched the single result's shape, else [B, ...shape]. */
    FixedSizeListVector stack(List<FixedSizeListVector> parts, BufferAllocator alloc, String name) {
      int[] one = DenseMatrices.shape(parts.get(0));
      int[] shape;
      if (batched) {
        shape = new int[one.length + 1];
        shape[0] = count;
        System.arraycopy(one, 0, shape, 1, one.length);
      } else {
        shape = one;
      }
      FixedSizeListVector out = DenseMatrices.allocateShaped(alloc, name, shape);
      long offset = 0;
      for (FixedSizeListVector p : parts) {
        long bytes = (long) DenseMatrices.rows(p) * DenseMatrices.cols(p) * Float.BYTES;
        MemorySegment.copy(DenseMatrices.segment(p), 0, DenseMatrices.segment(out), offset, bytes);
        offset += bytes;
      }
      return out;
    }
  }
}
