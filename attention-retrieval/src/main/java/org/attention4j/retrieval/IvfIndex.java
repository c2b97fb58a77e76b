package org.attention4j.retrieval;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apiguardian.api.API;
import org.attention4j.api.spi.Kernels;
import org.attention4j.retrieval.internal.IndexFiles;
import org.attention4j.retrieval.internal.InvertedLists;
import org.attention4j.retrieval.internal.KMeans;
import org.attention4j.retrieval.internal.KernelKeys;

/**
 * An inverted-file (IVF) index: the keys partitioned by seeded k-means (k-means++ seeding on a
 * sample, Lloyd iterations, every key assigned to its nearest centroid by squared L2), and a search
 * that scores the centroids against each query by the metric (ip: qᵀc, cos: qᵀc/‖c‖, l2: ‖q − c‖²),
 * scans the keys of the best {@code nprobe} lists through the top-k kernel (each list once for all
 * queries that probe it) and ranks the candidates by their float64 scores, ties by lower id. With
 * nprobe = nlist it is exact. Fewer than k keys in the probed lists: more lists are probed, in route
 * order, until there are k.
 *
 * <pre>{@code
 * try (IvfIndex ivf = IvfIndex.build(memory, Metric.L2, kernels, IvfIndex.Options.defaults(memory.size()))) {
 *   TopK approx = ivf.search(queries, nq, 10, 16);
 *   double r = Recall.at(approx, exact, 10);
 * }
 * }</pre>
 *
 * <p>{@link #save} writes {@code index.safetensors} (F32 {@code centroids} [nlist, d]; I64
 * {@code order} [n], the ids grouped by list, and {@code offsets} [nlist + 1]) and a small
 * {@code manifest.json}; {@link #load} checks the manifest against the keys (n, d, a checksum of
 * sampled rows) and rebuilds the lists without training.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class IvfIndex implements AutoCloseable {
  /**
   * Build settings.
   *
   * @param nlist the number of partitions (1 ≤ nlist ≤ n)
   * @param iterations Lloyd iterations on the sample
   * @param sampleSize keys the centroids are trained on (at least nlist)
   * @param seed the seed of the sample and of k-means++
   * @since 0.1
   */
  @API(status = EXPERIMENTAL, since = "0.1")
  public record Options(int nlist, int iterations, int sampleSize, long seed) {
    public Options {
      if (nlist < 1) throw new IllegalArgumentException("nlist: expected at least 1 partition, got " + nlist);
      if (iterations < 0) throw new IllegalArgumentException("iterations: expected >= 0, got " + iterations);
      if (sampleSize < 1) throw new IllegalArgumentException("sampleSize: expected >= 1, got " + sampleSize);
    }

    /** nlist = round(√n), 10 iterations, a sample of 64·nlist keys, seed 0. */
    public static Options defaults(int n) {
      int nlist = (int) Math.max(1, Math.round(Math.sqrt(n)));
      return new Options(nlist, 10, 64 * nlist, 0);
    }

    /** The same options with another seed. */
    public Options withSeed(long s) { return new Options(nlist, iterations, sampleSize, s); }
  }

  private final KeyValueMemory memory;
  private final Metric metric;
  private final Kernels kernels;
  private final float[] centroids;
  private final int nlist;
  private final InvertedLists lists;
  private final Options options;
  private long scanned;

  private IvfIndex(KeyValueMemory memory, Metric metric, Kernels kernels, float[] centroids, int nlist, InvertedLists lists,
      Options options) {
    this.memory = memory;
    this.metric = metric;
    this.kernels = kernels;
    this.centroids = centroids;
    this.nlist = nlist;
    this.lists = lists;
    this.options = options;
  }

  /** Trains the partitions on {@code memory}'s keys and groups the keys. */
  public static IvfIndex build(KeyValueMemory memory, Metric metric, Kernels kernels, Options options) {
    check(memory, metric, kernels);
    if (options == null) throw new IllegalArgumentException("options: expected IVF options, got null");
    int n = memory.size(), d = memory.dim();
    if (options.nlist() > n) throw new IllegalArgumentException("nlist: expected at most " + n + " (the number of keys), got " + options.nlist());
    double[] norms = memory.keyNorms();
    MemorySegment keys = memory.keys();
    float[] c = KMeans.train(keys, n, d, options.nlist(), options.iterations(), options.seed(), kernels, options.sampleSize());
    int[] assign = new int[n];
    KMeans.assign(keys, n, d, c, options.nlist(), kernels, assign);
    InvertedLists lists = InvertedLists.build(keys, n, d, norms, assign, options.nlist(), kind(metric), memory.keysName());
    return new IvfIndex(memory, metric, kernels, c, options.nlist(), lists, options);
  }

  private static void check(KeyValueMemory memory, Metric metric, Kernels kernels) {
    if (memory == null) throw new IllegalArgumentException("memory: expected a key-value memory, got null");
    if (metric == null) throw new IllegalArgumentException("metric: expected ip, cos or l2, got null");
    if (kernels == null) throw new IllegalArgumentException("kernels: expected the active kernels, got null");
  }

  static KernelKeys.Kind kind(Metric m) { return KernelKeys.Kind.valueOf(m.name()); }

  /** Loads an index saved by {@link #save} (or the IVF part of a learned index) for these keys. */
  public static IvfIndex load(Path dir, KeyValueMemory memory, Metric metric, Kernels kernels, BufferAllocator allocator) {
    check(memory, metric, kernels);
    IndexFiles.Loaded f = IndexFiles.read(dir, memory.keys(), memory.size(), memory.dim(), metric.id(), allocator);
    try {
      InvertedLists lists = InvertedLists.fromOrder(memory.keys(), memory.size(), memory.dim(), memory.keyNorms(), f.order(),
          f.offsets(), kind(metric), memory.keysName());
      Map<String, String> m = f.manifest();
      Options o = new Options(f.nlist(), Integer.parseInt(m.getOrDefault("iterations", "0")),
          Integer.parseInt(m.getOrDefault("sample_size", "1")), Long.parseLong(m.getOrDefault("seed", "0")));
      return new IvfIndex(memory, metric, kernels, f.centroids(), f.nlist(), lists, o);
    } finally {
      f.close();
    }
  }

  /** Writes the index to {@code dir} (created if needed): {@code index.safetensors} and {@code manifest.json}. */
  public void save(Path dir, BufferAllocator allocator) { save(dir, allocator, "ivf", Map.of(), Map.of()); }

  void save(Path dir, BufferAllocator allocator, String kind, Map<String, IndexFiles.F32> extraF32, Map<String, String> extraManifest) {
    java.util.LinkedHashMap<String, String> m = new java.util.LinkedHashMap<>();
    m.put("iterations", Integer.toString(options.iterations()));
    m.put("sample_size", Integer.toString(options.sampleSize()));
    m.put("seed", Long.toString(options.seed()));
    m.putAll(extraManifest);
    IndexFiles.write(dir, kind, metric.id(), memory.keys(), memory.size(), memory.dim(), nlist, centroids, lists.order(),
        lists.offsets(), extraF32, m, allocator);
  }

  /** The kind saved in {@code dir}'s manifest ({@code ivf} or {@code learned}), or null when there is none. */
  public static String savedKind(Path dir) { return IndexFiles.savedKind(dir); }

  /** The number of lists. */
  public int nlist() { return nlist; }

  /** The metric. */
  public Metric metric() { return metric; }

  /** The centroids [nlist·d], row-major (a copy). */
  public float[] centroids() { return centroids.clone(); }

  /** The list of every key (by id). */
  public int[] assignment() {
    int[] out = new int[memory.size()];
    int[] order = lists.order(), off = lists.offsets();
    for (int l = 0; l < nlist; l++) for (int i = off[l]; i < off[l + 1]; i++) out[order[i]] = l;
    return out;
  }

  /** The number of keys in each list. */
  public int[] listSizes() {
    int[] s = new int[nlist];
    for (int l = 0; l < nlist; l++) s[l] = lists.listSize(l);
    return s;
  }

  /** Keys scanned by the last search (all queries). */
  public long lastScanned() { return scanned; }

  /** The approximate top-k: the best k among the keys of the {@code nprobe} best lists of each query. */
  public TopK search(float[] queries, int nq, int k, int nprobe) {
    checkSearch(queries, nq, k, nprobe);
    return searchRouted(queries, nq, k, nprobe, routes(queries, nq));
  }

  void checkSearch(float[] queries, int nq, int k, int nprobe) {
    int n = memory.size(), d = memory.dim();
    memory.checkOpen();
    if (k < 1 || k > n) throw new IllegalArgumentException("k: expected a count in [1, " + n + "] (the number of keys), got " + k);
    if (nprobe < 1 || nprobe > nlist) {
      throw new IllegalArgumentException("nprobe: expected a count in [1, " + nlist + "] (the number of lists), got " + nprobe);
    }
    if (queries.length != (long) nq * d) {
      throw new IllegalArgumentException("queries: expected " + (long) nq * d + " floats ([" + nq + ", " + d + "]), got " + queries.length);
    }
    for (int i = 0; i < queries.length; i++) {
      if (!Float.isFinite(queries[i])) {
        throw new IllegalArgumentException("queries: expected finite values, got " + queries[i] + " at (" + i / d + ", " + i % d + ")");
      }
    }
  }

  TopK searchRouted(float[] queries, int nq, int k, int nprobe, int[][] routes) {
    long[] ids = new long[nq * k];
    double[] scores = new double[nq * k];
    scanned = lists.search(memory.keys(), memory.keyNorms(), metric.ordinal(), metric.descending(), queries, nq, k, routes, nprobe,
        kernels, ids, scores, "queries");
    return new TopK(metric, nq, k, ids, scores);
  }

  /** Every list ranked for each query by the metric against the centroids (kernel matmul, float32). */
  int[][] routes(float[] queries, int nq) {
    int d = memory.dim();
    float[] s = new float[nq * nlist];
    kernels.matmul(MemorySegment.ofArray(queries), false, MemorySegment.ofArray(centroids), true, MemorySegment.ofArray(s), nq,
        nlist, d, 1f, 0f);
    double[] bias = new double[nlist], scale = new double[nlist];
    for (int l = 0; l < nlist; l++) {
      double cc = 0;
      for (int j = 0; j < d; j++) cc += (double) centroids[l * d + j] * centroids[l * d + j];
      scale[l] = metric == Metric.COS ? (cc == 0 ? 0 : 1 / Math.sqrt(cc)) : 1;
      bias[l] = metric == Metric.L2 ? -cc / 2 : 0;
    }
    return routesFrom(s, nq, nlist, bias, scale);
  }

  /** Route scores r = s·scale + bias per query, ranked; work below ~10⁶ entries stays on this thread. */
  static int[][] routesFrom(float[] s, int nq, int nlist, double[] bias, double[] scale) {
    int[][] routes = new int[nq][];
    IntStream range = IntStream.range(0, nq);
    ((long) nq * nlist >= 1 << 20 ? range.parallel() : range).forEach(q -> {
      double[] r = new double[nlist];
      for (int l = 0; l < nlist; l++) r[l] = s[q * nlist + l] * (scale == null ? 1 : scale[l]) + (bias == null ? 0 : bias[l]);
      routes[q] = rank(r);
    });
    return routes;
  }

  /** List indices by descending route score, ties by lower list. */
  static int[] rank(double[] r) {
    int[] ids = new int[r.length];
    for (int i = 0; i < ids.length; i++) ids[i] = i;
    long[] ranked = org.attention4j.retrieval.internal.Ranking.best(ids, r, r.length, true).ids();
    int[] out = new int[ranked.length];
    for (int i = 0; i < out.length; i++) out[i] = (int) ranked[i];
    return out;
  }

  KeyValueMemory memory() { return memory; }

  Kernels kernels() { return kernels; }

  /** Releases the grouped copy of the keys. */
  @Override public void close() { lists.close(); }

  @Override public String toString() { return "IvfIndex[" + metric + ", nlist=" + nlist + ", " + memory + "]"; }
}
