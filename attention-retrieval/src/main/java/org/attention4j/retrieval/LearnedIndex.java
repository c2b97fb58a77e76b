package org.attention4j.retrieval;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.IntStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apiguardian.api.API;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.ParameterSet;
import org.attention4j.api.Settings;
import org.attention4j.api.spi.ProviderConfig;
import org.attention4j.api.spi.Scorer;
import org.attention4j.api.spi.ScorerProvider;
import org.attention4j.retrieval.internal.IndexFiles;
import org.attention4j.train.Adam;
import org.attention4j.train.LossResult;
import org.attention4j.train.SoftmaxCrossEntropy;

/**
 * A learned index: the partitions of an {@link IvfIndex}, routed by attention instead of by the
 * centroids. A query q attends over the partitions with a trained similarity — the registry's
 * {@code bilinear} scorer s(q', e_l) = q'ᵀ W e_l over augmented vectors q' = [q, 1] and one learned
 * embedding e_l per partition — and the {@code nprobe} partitions with the most attention are
 * scanned exactly as IVF scans them (same budget, same float64 ranking).
 *
 * <p><b>Training</b> (attention-train): W starts at the identity and e_l at the centroid in the
 * metric's form ([c, 0] for ip, [c/‖c‖, 0] for cos, [c, −‖c‖²/2] for l2), so before training the
 * router <em>is</em> IVF's. Training queries are noisy copies of random keys (noise per coordinate =
 * {@code noise} × the RMS distance of keys to their centroid / √d); each is labelled with the
 * partition of its nearest key, found through the lists with 32 probes (exact search over every key
 * costs nlist/32 times more; on clustered keys the two agree). W (a shared similarity) and the last
 * column of E (one bias per partition; the other columns stay at the centroids, since a few training
 * queries per partition over-fit them) are fitted with Adam on the softmax cross entropy of the
 * attention over partitions, softmax(s(q', E)/τ), τ = a quarter of the initial scores' mean spread
 * over partitions. Trained, the attention concentrates on the partition that holds the nearest entry.
 * A router of this form is linear in q', so its top partition still follows a power diagram: for
 * queries that are noisy copies of keys assigned to their nearest centroid, IVF's Voronoi routing is
 * already close to the best such router, and training mainly reshapes the lower-ranked probes.
 *
 * <p>{@link #save} adds F32 {@code router.W} and {@code router.E} to the IVF files (kind
 * {@code learned}); {@link #load} restores the router without training.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class LearnedIndex implements AutoCloseable {
  private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
  private static final int LABEL_PROBES = 32;

  /**
   * Training settings.
   *
   * @param trainQueries noisy copies of keys to train on
   * @param noise noise scale relative to the keys' RMS distance to their centroid
   * @param steps Adam steps
   * @param batch queries per step
   * @param learningRate Adam's η
   * @param seed the seed of the training queries and batches
   * @since 0.1
   */
  @API(status = EXPERIMENTAL, since = "0.1")
  public record Training(int trainQueries, double noise, int steps, int batch, double learningRate, long seed) {
    public Training {
      if (trainQueries < 1) throw new IllegalArgumentException("trainQueries: expected at least 1, got " + trainQueries);
      if (!(noise >= 0) || !Double.isFinite(noise)) throw new IllegalArgumentException("noise: expected a finite number >= 0, got " + noise);
      if (steps < 0) throw new IllegalArgumentException("steps: expected >= 0, got " + steps);
      if (batch < 1) throw new IllegalArgumentException("batch: expected at least 1, got " + batch);
      if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
        throw new IllegalArgumentException("learningRate: expected a finite number > 0, got " + learningRate);
      }
    }

    /** 8192 training queries, noise 0.5, 300 steps of 256, η = 0.001, seed 0. */
    public static Training defaults() { return new Training(8192, 0.5, 300, 256, 1e-3, 0); }

    /** The same settings with another seed. */
    public Training withSeed(long s) { return new Training(trainQueries, noise, steps, batch, learningRate, s); }
  }

  private final IvfIndex ivf;
  private final Scorer scorer;
  private final FixedSizeListVector embeddings;
  private final double temperature;
  private final double[] loss;
  private final BufferAllocator allocator;

  private LearnedIndex(IvfIndex ivf, Scorer scorer, FixedSizeListVector embeddings, double temperature, double[] loss,
      BufferAllocator allocator) {
    this.ivf = ivf;
    this.scorer = scorer;
    this.embeddings = embeddings;
    this.temperature = temperature;
    this.loss = loss;
    this.allocator = allocator;
  }

  /**
   * Trains a router over {@code ivf}'s partitions (the learned index takes ownership of {@code ivf}
   * and closes it). {@code providers} gives the registry (for the {@code bilinear} scorer), the
   * allocator the router's tensors live in, and the kernels.
   */
  public static LearnedIndex train(IvfIndex ivf, Training training, ProviderConfig providers) {
    if (ivf == null) throw new IllegalArgumentException("ivf: expected an IVF index, got null");
    if (training == null) throw new IllegalArgumentException("training: expected training settings, got null");
    if (providers == null) throw new IllegalArgumentException("providers: expected a ProviderConfig (registry, allocator), got null");
    KeyValueMemory memory = ivf.memory();
    int n = memory.size(), d = memory.dim(), nlist = ivf.nlist(), dp = d + 1;
    BufferAllocator alloc = providers.allocator();
    float[] c = ivf.centroids();
    float[] e0 = initialEmbeddings(c, nlist, d, ivf.metric());
    float[] w0 = new float[dp * dp];
    for (int i = 0; i < dp; i++) w0[i * dp + i] = 1f;
    Scorer scorer = null;
    FixedSizeListVector e = null;
    try {
      scorer = bilinear(providers, w0, dp);
      e = DenseMatrices.of(alloc, "router.E", nlist, dp, e0);
      // training data: noisy copies of keys, labelled with the partition of their exact nearest key
      Random rnd = new Random(training.seed());
      int[] assignment = ivf.assignment();
      double rms = rmsToCentroid(memory, c, assignment, rnd);
      double sigma = training.noise() * rms / Math.sqrt(d);
      int t = training.trainQueries();
      float[] q = new float[t * d];
      for (int i = 0; i < t; i++) {
        int src = rnd.nextInt(n);
        for (int j = 0; j < d; j++) q[i * d + j] = (float) (memory.key(src, j) + sigma * rnd.nextGaussian());
      }
      int[] labels = new int[t];
      // the nearest key through the lists themselves with many probes: exact search over every key
      // would cost nlist/LABEL_PROBES times more, and on clustered keys 32 probes find it (recall@1 ≈ 1)
      TopK nn = ivf.search(q, t, 1, Math.min(nlist, LABEL_PROBES));
      for (int i = 0; i < t; i++) labels[i] = assignment[(int) nn.id(i, 0)];
      float[] qa = augment(q, t, d, ivf.metric());
      double tau = temperature(scorer, qa, Math.min(t, 512), dp, e, alloc);
      double[] losses = fit(scorer, e, qa, labels, t, dp, tau, training, alloc);
      return new LearnedIndex(ivf, scorer, e, tau, losses, alloc);
    } catch (RuntimeException | Error ex) {
      if (scorer != null) scorer.close();
      if (e != null) e.close();
      ivf.close();                                               // owned from the call on
      throw ex;
    }
  }

  private static Scorer bilinear(ProviderConfig providers, float[] w, int dp) {
    ScorerProvider p = providers.lookup().require(ScorerProvider.class, "bilinear");
    try (ParameterSet init = new ParameterSet()) {
      init.put("W", DenseMatrices.of(providers.allocator(), "W", dp, dp, w));
      ProviderConfig cfg = new ProviderConfig(Settings.of("bilinear", Map.of()), providers.seed(), providers.allocator(),
          Optional.of(init), providers.kernels(), providers.lookup());
      return p.create(cfg, dp, dp);
    }
  }

  static float[] initialEmbeddings(float[] c, int nlist, int d, Metric metric) {
    int dp = d + 1;
    float[] e = new float[nlist * dp];
    for (int l = 0; l < nlist; l++) {
      double cc = 0;
      for (int j = 0; j < d; j++) cc += (double) c[l * d + j] * c[l * d + j];
      double scale = metric == Metric.COS && cc > 0 ? 1 / Math.sqrt(cc) : 1;
      for (int j = 0; j < d; j++) e[l * dp + j] = (float) (c[l * d + j] * scale);
      e[l * dp + d] = metric == Metric.L2 ? (float) (-cc / 2) : 0f;
    }
    return e;
  }

  private static double rmsToCentroid(KeyValueMemory memory, float[] c, int[] assignment, Random rnd) {
    int n = memory.size(), d = memory.dim(), m = Math.min(n, 4096);
    double s = 0;
    for (int i = 0; i < m; i++) {
      int id = m == n ? i : rnd.nextInt(n), l = assignment[id];
      for (int j = 0; j < d; j++) {
        double t = memory.key(id, j) - c[l * d + j];
        s += t * t;
      }
    }
    return Math.sqrt(s / m);
  }

  private static float[] augment(float[] q, int nq, int d, Metric metric) {
    int dp = d + 1;
    float[] out = new float[nq * dp];
    for (int i = 0; i < nq; i++) {
      System.arraycopy(q, i * d, out, i * dp, d);
      out[i * dp + d] = 1f;
    }
    return out;
  }

  private static double temperature(Scorer scorer, float[] qa, int m, int dp, FixedSizeListVector e, BufferAllocator alloc) {
    try (FixedSizeListVector qv = DenseMatrices.of(alloc, "q", m, dp, java.util.Arrays.copyOf(qa, m * dp));
         FixedSizeListVector s = scorer.score(qv, e, alloc)) {
      int nl = DenseMatrices.cols(s);
      MemorySegment seg = DenseMatrices.segment(s);
      double spread = 0;
      for (int i = 0; i < m; i++) {
        double mean = 0, sq = 0;
        for (int l = 0; l < nl; l++) mean += seg.getAtIndex(F, (long) i * nl + l);
        mean /= nl;
        for (int l = 0; l < nl; l++) {
          double t = seg.getAtIndex(F, (long) i * nl + l) - mean;
          sq += t * t;
        }
        spread += Math.sqrt(sq / nl);
      }
      double tau = spread / m / 4;
      return tau > 0 && Double.isFinite(tau) ? tau : 1;
    }
  }

  private static double[] fit(Scorer scorer, FixedSizeListVector e, float[] qa, int[] labels, int t, int dp, double tau,
      Training training, BufferAllocator alloc) {
    ParameterSet trained = new ParameterSet();                   // a view: the tensors stay owned by scorer and index
    trained.put("W", scorer.parameters().get("W"));
    trained.put("E", e);
    SoftmaxCrossEntropy ce = SoftmaxCrossEntropy.create();
    double[] losses = new double[training.steps()];
    Random rnd = new Random(training.seed() ^ 0x5DEECE66DL);
    int b = Math.min(training.batch(), t);
    try (Adam adam = Adam.builder().learningRate(training.learningRate()).build(alloc)) {
      for (int step = 0; step < training.steps(); step++) {
        float[] bq = new float[b * dp];
        int[] bl = new int[b];
        for (int i = 0; i < b; i++) {
          int src = rnd.nextInt(t);
          System.arraycopy(qa, src * dp, bq, i * dp, dp);
          bl[i] = labels[src];
        }
        try (FixedSizeListVector qv = DenseMatrices.of(alloc, "q", b, dp, bq);
             FixedSizeListVector s = scorer.score(qv, e, alloc)) {
          MemorySegment seg = DenseMatrices.segment(s);
          long cells = (long) b * DenseMatrices.cols(s);
          for (long i = 0; i < cells; i++) seg.setAtIndex(F, i, (float) (seg.getAtIndex(F, i) / tau));
          try (LossResult loss = ce.compute(s, bl, alloc)) {
            losses[step] = loss.value();
            MemorySegment g = DenseMatrices.segment(loss.gradient());
            for (long i = 0; i < cells; i++) g.setAtIndex(F, i, (float) (g.getAtIndex(F, i) / tau));
            try (Scorer.Gradients grads = scorer.backward(qv, e, loss.gradient(), alloc);
                 ParameterSet step1 = new ParameterSet()) {
              step1.put("W", copy(grads.dParameters().get("W"), alloc));
              FixedSizeListVector dE = copy(grads.dKeys(), alloc);
              step1.put("E", dE);
              MemorySegment ge = DenseMatrices.segment(dE);               // only the last column (a bias per partition) learns
              for (int l = 0, nl = DenseMatrices.rows(dE); l < nl; l++) {
                for (int j = 0; j < dp - 1; j++) ge.setAtIndex(F, (long) l * dp + j, 0f);
              }
              adam.step(trained, step1);
            }
          }
        }
      }
    }
    return losses;
  }

  private static FixedSizeListVector copy(FixedSizeListVector v, BufferAllocator alloc) {
    return DenseMatrices.of(alloc, "g", DenseMatrices.rows(v), DenseMatrices.cols(v), DenseMatrices.toArray(v));
  }

  /** Loads a learned index saved by {@link #save}; the router's tensors come from {@code providers.allocator()}. */
  public static LearnedIndex load(Path dir, KeyValueMemory memory, Metric metric, ProviderConfig providers) {
    if (!"learned".equals(IvfIndex.savedKind(dir))) {
      throw new IllegalArgumentException(dir + ": expected a learned index, got " + IvfIndex.savedKind(dir));
    }
    BufferAllocator alloc = providers.allocator();
    IndexFiles.Loaded f = IndexFiles.read(dir, memory.keys(), memory.size(), memory.dim(), metric.id(), alloc);
    IndexFiles.F32 w = f.extra().get("router.W"), e = f.extra().get("router.E");
    int dp = memory.dim() + 1;
    if (w == null || e == null || w.rows() != dp || w.cols() != dp || e.rows() != f.nlist() || e.cols() != dp) {
      throw new IllegalArgumentException(dir.resolve(IndexFiles.TENSORS) + ": expected F32 router.W [" + dp + ", " + dp + "] and router.E ["
          + f.nlist() + ", " + dp + "], got " + f.extra().keySet());
    }
    IvfIndex ivf = IvfIndex.load(dir, memory, metric, providers.kernels(), alloc);
    Scorer scorer = null;
    try {
      scorer = bilinear(providers, w.data(), dp);
      FixedSizeListVector ev = DenseMatrices.of(alloc, "router.E", e.rows(), e.cols(), e.data());
      double tau = Double.parseDouble(f.manifest().getOrDefault("temperature", "1"));
      return new LearnedIndex(ivf, scorer, ev, tau, new double[0], alloc);
    } catch (RuntimeException | Error ex) {
      ivf.close();
      if (scorer != null) scorer.close();
      throw ex;
    }
  }

  /** Writes the partitions and the router to {@code dir} (kind {@code learned}). */
  public void save(Path dir) {
    Map<String, IndexFiles.F32> extra = new LinkedHashMap<>();
    FixedSizeListVector w = scorer.parameters().get("W");
    extra.put("router.W", new IndexFiles.F32(DenseMatrices.toArray(w), DenseMatrices.rows(w), DenseMatrices.cols(w)));
    extra.put("router.E", new IndexFiles.F32(DenseMatrices.toArray(embeddings), DenseMatrices.rows(embeddings),
        DenseMatrices.cols(embeddings)));
    ivf.save(dir, allocator, "learned", extra, Map.of("temperature", Double.toString(temperature), "router", "bilinear"));
  }

  /** The approximate top-k: the best k among the keys of the {@code nprobe} partitions with the most attention. */
  public TopK search(float[] queries, int nq, int k, int nprobe) {
    ivf.checkSearch(queries, nq, k, nprobe);
    return ivf.searchRouted(queries, nq, k, nprobe, routes(queries, nq));
  }

  /** The attention of each query over the partitions, softmax(s(q', E)/τ), row-major [nq, nlist]. */
  public double[] attention(float[] queries, int nq) {
    int d = ivf.memory().dim(), nl = ivf.nlist();
    double[] s = scores(queries, nq);
    double[] p = new double[nq * nl];
    for (int i = 0; i < nq; i++) {
      double m = Double.NEGATIVE_INFINITY, z = 0;
      for (int l = 0; l < nl; l++) m = Math.max(m, s[i * nl + l] / temperature);
      for (int l = 0; l < nl; l++) z += Math.exp(s[i * nl + l] / temperature - m);
      for (int l = 0; l < nl; l++) p[i * nl + l] = Math.exp(s[i * nl + l] / temperature - m) / z;
    }
    return p;
  }

  private double[] scores(float[] queries, int nq) {
    int d = ivf.memory().dim(), nl = ivf.nlist();
    float[] qa = augment(queries, nq, d, ivf.metric());
    double[] out = new double[nq * nl];
    try (FixedSizeListVector qv = DenseMatrices.of(allocator, "q", nq, d + 1, qa);
         FixedSizeListVector s = scorer.score(qv, embeddings, allocator)) {
      MemorySegment seg = DenseMatrices.segment(s);
      for (int i = 0; i < out.length; i++) out[i] = seg.getAtIndex(F, i);
    }
    return out;
  }

  int[][] routes(float[] queries, int nq) {
    int nl = ivf.nlist();
    double[] s = scores(queries, nq);
    float[] f = new float[s.length];
    for (int i = 0; i < s.length; i++) f[i] = (float) s[i];
    return IvfIndex.routesFrom(f, nq, nl, null, null);
  }

  /** The IVF partitions this index routes over. */
  public IvfIndex ivf() { return ivf; }

  /** The training loss at each step (empty for a loaded index). */
  public double[] lossHistory() { return loss.clone(); }

  /** τ of the attention over partitions. */
  public double temperature() { return temperature; }

  /** Keys scanned by the last search. */
  public long lastScanned() { return ivf.lastScanned(); }

  /** Releases the router and the partitions. */
  @Override public void close() {
    try {
      scorer.close();
      embeddings.close();
    } finally {
      ivf.close();
    }
  }
}
