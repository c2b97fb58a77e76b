package org.attention4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.Settings;
import org.attention4j.api.io.FileFormat;
import org.attention4j.api.io.MatrixFiles;
import org.attention4j.api.registry.Registry;
import org.attention4j.api.spi.Provider;
import org.attention4j.api.spi.ProviderConfig;
import org.attention4j.api.spi.ScorerProvider;
import org.attention4j.retrieval.ExactSearch;
import org.attention4j.retrieval.IvfIndex;
import org.attention4j.retrieval.KeyValueMemory;
import org.attention4j.retrieval.LearnedIndex;
import org.attention4j.retrieval.Metric;
import org.attention4j.retrieval.SoftLookup;
import org.attention4j.retrieval.SoftRead;
import org.attention4j.retrieval.TopK;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code retrieve}: hard (top-k ids) or soft (attention read) lookup of queries in a key–value memory
 * (CLI.md), through attention-retrieval's user API. Keys in float32 {@code .npy} are memory-mapped.
 */
@Command(name = "retrieve", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Look queries up in a key-value memory: the ids of the top K keys (ip, cos or l2; ties by lower id), "
        + "or with --soft the attention read of the values over every key.")
final class RetrieveCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--keys", required = true, paramLabel = "F", description = "Keys [n, d] (float32 .npy is memory-mapped).")
  Path keysFile;

  @Option(names = "--query", required = true, paramLabel = "F", description = "Queries [n_q, d].")
  Path queryFile;

  @Option(names = "--top", paramLabel = "K", description = "Ids per query (hard lookup; 1 <= K <= n).")
  Integer top;

  @Option(names = "--metric", paramLabel = "ip|cos|l2", defaultValue = "ip",
      description = "Inner product (default), cosine, or squared Euclidean distance (ascending).")
  String metricName;

  @Option(names = "--index", paramLabel = "exact|ivf|learned", defaultValue = "exact", description = "Search index (default exact).")
  String index;

  @Option(names = "--nprobe", paramLabel = "N", description = "Partitions searched per query (ivf, learned).")
  Integer nprobe;

  @Option(names = "--index-dir", paramLabel = "DIR", description = "Save a built index here, or load it if present.")
  Path indexDir;

  @Option(names = "--soft", description = "Soft lookup: the attention read of --values over every key.")
  boolean soft;

  @Option(names = "--scorer", paramLabel = "ID", description = "Scorer of the soft lookup.")
  String scorer;

  @Option(names = "--temperature", paramLabel = "T", description = "Temperature of the soft lookup (default 1).")
  Double temperature;

  @Option(names = "--values", paramLabel = "F", description = "Values [n, d_v] of the soft lookup.")
  Path valuesFile;

  @Option(names = "--out", required = true, paramLabel = "F",
      description = "Output: int64 ids [n_q, K] (.npy or .csv), or the soft read [n_q, d_v].")
  Path out;

  @Option(names = "--json", description = "Print a JSON document to stdout.")
  boolean json;

  @Override public Integer call() {
    Metric metric = Metric.parse(metricName, "--metric");
    if (!List.of("exact", "ivf", "learned").contains(index)) {
      throw new IllegalArgumentException("--index: expected exact, ivf or learned, got '" + index + "'");
    }
    if (soft) return callSoft();
    if (top == null) throw new IllegalArgumentException("--top: expected a count K >= 1 for a hard lookup, got none");
    if (top < 1) throw new IllegalArgumentException("--top: expected a count K >= 1, got " + top);
    for (Object[] o : new Object[][] {{"--scorer", scorer}, {"--temperature", temperature}, {"--values", valuesFile}}) {
      if (o[1] != null) throw new IllegalArgumentException(o[0] + ": expected only with --soft, got " + o[0] + " " + o[1]);
    }
    boolean approximate = !index.equals("exact");
    if (!approximate && nprobe != null) throw new IllegalArgumentException("--nprobe: expected only with --index ivf or learned, got --index exact");
    if (!approximate && indexDir != null) {
      throw new IllegalArgumentException("--index-dir: expected only with --index ivf or learned, got --index exact");
    }
    if (nprobe != null && nprobe < 1) throw new IllegalArgumentException("--nprobe: expected a count N >= 1, got " + nprobe);
    FileFormat f = FileFormat.of(out);
    if (f != FileFormat.NPY && f != FileFormat.CSV) {
      throw new IllegalArgumentException("--out " + out + ": expected int64 ids to .npy or .csv, got " + f.extension()
          + (f == FileFormat.ARROW ? " (Arrow files hold float data only)" : ""));
    }
    AppComponent app = common.component();
    Registry registry = app.registry();
    AttendCommand.distribute(List.of(), CommonOptions.copy(common.settings));   // refuses keys nobody declares
    Map<String, Object> doc = new LinkedHashMap<>();
    long t0 = System.nanoTime();
    try (BufferAllocator alloc = app.allocator().newChildAllocator("retrieve", 0, Long.MAX_VALUE);
         KeyValueMemory memory = KeyValueMemory.open(keysFile, null, alloc, "--keys " + keysFile, "--values");
         FixedSizeListVector queries = MatrixFiles.readMatrix(queryFile, alloc)) {
      float[] q = queries(queries, memory);
      int n = memory.size(), nq = DenseMatrices.rows(queries);
      if (top > n) throw new IllegalArgumentException("--top: expected K <= " + n + " (the number of keys), got " + top);
      if (approximate) {
        approximate(registry, alloc, memory, metric, q, nq, n, doc, t0);
      } else {
        try (ExactSearch search = ExactSearch.over(memory, metric, registry.kernels())) {
          long t1 = System.nanoTime();
          TopK result = search.search(q, nq, top, "--query " + queryFile);
          long t2 = System.nanoTime();
          MatrixFiles.writeIntegers(out, result.ids(), nq, top);
          fill(doc, "exact", metric.id(), n, nq, top, null, t1 - t0, t2 - t1);
        }
      }
    }
    print(doc);
    return 0;
  }

  private Integer callSoft() {
    if (top != null) throw new IllegalArgumentException("--top: expected no --top with --soft (a soft lookup reads every key), got " + top);
    if (scorer == null) throw new IllegalArgumentException("--scorer: expected a scorer id with --soft, got none");
    if (valuesFile == null) throw new IllegalArgumentException("--values: expected a values file [n, d_v] with --soft, got none");
    if (!index.equals("exact")) throw new IllegalArgumentException("--index: expected exact with --soft, got " + index);
    if (nprobe != null) throw new IllegalArgumentException("--nprobe: expected only with --index ivf or learned, got --soft");
    if (indexDir != null) throw new IllegalArgumentException("--index-dir: expected only with --index ivf or learned, got --soft");
    double t = temperature == null ? 1 : temperature;
    if (!(t > 0) || !Double.isFinite(t)) throw new IllegalArgumentException("--temperature: expected a finite number > 0, got " + t);
    if (FileFormat.of(out) == FileFormat.SAFETENSORS) {
      throw new IllegalArgumentException("--out " + out + ": expected a matrix file .npy, .csv or .arrow, got .safetensors");
    }
    AppComponent app = common.component();
    Registry registry = app.registry();
    ScorerProvider provider = registry.require(ScorerProvider.class, scorer);
    List<Provider> used = new ArrayList<>(List.of(provider));
    Map<Provider, Settings> settings = AttendCommand.distribute(used, CommonOptions.copy(common.settings));
    Map<String, Object> doc = new LinkedHashMap<>();
    long t0 = System.nanoTime();
    try (BufferAllocator alloc = app.allocator().newChildAllocator("retrieve", 0, Long.MAX_VALUE);
         KeyValueMemory memory = KeyValueMemory.open(keysFile, valuesFile, alloc, "--keys " + keysFile, "--values " + valuesFile);
         FixedSizeListVector queries = MatrixFiles.readMatrix(queryFile, alloc)) {
      queries(queries, memory);
      int nq = DenseMatrices.rows(queries);
      ProviderConfig config = new ProviderConfig(settings.get(provider), common.seed, alloc, Optional.empty(),
          registry.kernels(), registry);
      try (SoftLookup lookup = SoftLookup.create(scorer, t, config, memory.dim(), memory.dim())) {
        long t1 = System.nanoTime();
        try (SoftRead read = lookup.read(memory, queries, alloc)) {
          long t2 = System.nanoTime();
          MatrixFiles.writeMatrix(out, read.output());
          fill(doc, "exact", null, memory.size(), nq, null, null, t1 - t0, t2 - t1);
          doc.put("scorer", scorer);
          doc.put("temperature", t);
          doc.put("mean_entropy", read.sharpness().meanEntropy());
          doc.put("mean_top_weight", read.sharpness().meanTopWeight());
        }
      }
    }
    print(doc);
    return 0;
  }

  /** IVF or learned: loads the index from --index-dir when one is there, else builds it (and saves it there). */
  private void approximate(Registry registry, BufferAllocator alloc, KeyValueMemory memory, Metric metric, float[] q, int nq, int n,
      Map<String, Object> doc, long t0) {
    String saved = indexDir == null ? null : IvfIndex.savedKind(indexDir);
    if (saved != null && !saved.equals(index)) {
      throw new IllegalArgumentException("--index-dir " + indexDir + ": expected a saved " + index + " index (or an empty folder), got a "
          + saved + " index");
    }
    IvfIndex.Options options = IvfIndex.Options.defaults(n).withSeed(common.seed);
    ProviderConfig providers = new ProviderConfig(Settings.of("retrieve", Map.of()), common.seed, alloc, Optional.empty(),
        registry.kernels(), registry);
    TopK result;
    long t1, t2;
    int probes;
    if (index.equals("ivf")) {
      try (IvfIndex ivf = saved != null ? IvfIndex.load(indexDir, memory, metric, registry.kernels(), alloc)
          : IvfIndex.build(memory, metric, registry.kernels(), options)) {
        if (saved == null && indexDir != null) ivf.save(indexDir, alloc);
        probes = probes(ivf.nlist());
        t1 = System.nanoTime();
        result = ivf.search(q, nq, top, probes);
        t2 = System.nanoTime();
      }
    } else {
      try (LearnedIndex learned = saved != null ? LearnedIndex.load(indexDir, memory, metric, providers)
          : LearnedIndex.train(IvfIndex.build(memory, metric, registry.kernels(), options),
              LearnedIndex.Training.defaults().withSeed(common.seed), providers)) {
        if (saved == null && indexDir != null) learned.save(indexDir);
        probes = probes(learned.ivf().nlist());
        t1 = System.nanoTime();
        result = learned.search(q, nq, top, probes);
        t2 = System.nanoTime();
      }
    }
    MatrixFiles.writeIntegers(out, result.ids(), nq, top);
    fill(doc, index, metric.id(), n, nq, top, probes, t1 - t0, t2 - t1);
  }

  /** --nprobe, default min(16, nlist); refused above nlist. */
  private int probes(int nlist) {
    int p = nprobe == null ? Math.min(16, nlist) : nprobe;
    if (p > nlist) throw new IllegalArgumentException("--nprobe: expected N <= " + nlist + " (the number of lists), got " + p);
    return p;
  }

  /** Checks the queries against the keys (width, at least one row, finite) and returns them row-major. */
  private float[] queries(FixedSizeListVector queries, KeyValueMemory memory) {
    String arg = "--query " + queryFile;
    int[] shape = DenseMatrices.shape(queries);
    if (shape.length > 2) throw new IllegalArgumentException(arg + ": expected a matrix [n_q, d], got shape " + java.util.Arrays.toString(shape));
    if (DenseMatrices.cols(queries) != memory.dim()) {
      throw new IllegalArgumentException(arg + ": expected " + memory.dim() + " columns (= --keys), got " + DenseMatrices.cols(queries));
    }
    if (DenseMatrices.rows(queries) < 1) throw new IllegalArgumentException(arg + ": expected at least one row, got 0");
    DenseMatrices.requireFinite(queries, arg);
    return DenseMatrices.toArray(queries);
  }

  private static void fill(Map<String, Object> doc, String index, String metric, int n, int nq, Integer top, Integer nprobe,
      long buildNanos, long searchNanos) {
    doc.put("index", index);
    doc.put("metric", metric);
    doc.put("n_keys", n);
    doc.put("n_queries", nq);
    doc.put("top", top);
    doc.put("nprobe", nprobe);
    doc.put("build_ms", buildNanos / 1e6);
    doc.put("search_ms", searchNanos / 1e6);
    doc.put("qps", searchNanos == 0 ? null : nq / (searchNanos / 1e9));
  }

  private void print(Map<String, Object> doc) {
    if (json) {
      System.out.println(Json.write(doc));
    } else {
      System.out.printf(Locale.ROOT, "%s lookup (%s%s) of %d queries in %d keys: build %.1f ms, search %.1f ms (%.1f queries/s); "
          + "wrote %s%n", soft ? "soft" : "top-" + doc.get("top"), doc.get("index"), doc.get("metric") == null ? "" : ", "
          + doc.get("metric"), (Integer) doc.get("n_queries"), (Integer) doc.get("n_keys"), (Double) doc.get("build_ms"),
          (Double) doc.get("search_ms"), doc.get("qps") == null ? 0.0 : (Double) doc.get("qps"), out);
    }
  }
}
