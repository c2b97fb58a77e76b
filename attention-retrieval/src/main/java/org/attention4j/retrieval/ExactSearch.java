package org.attention4j.retrieval;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apiguardian.api.API;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.spi.Kernels;
import org.attention4j.retrieval.internal.KernelKeys;
import org.attention4j.retrieval.internal.Ranking;
import org.attention4j.retrieval.internal.Scoring;

/**
 * Exact top-k over a {@link KeyValueMemory} by {@link Metric}, through the active kernel provider's
 * inner-product top-k scan ({@link Kernels#topK}), with float64 rescoring that makes the answer
 * exact.
 *
 * <p><b>How.</b> The kernel scans keys in float32: for ip the keys themselves, for cos unit keys,
 * for l2 centred keys augmented with −‖k − μ‖²/2 (see the internal {@code KernelKeys}; the copies
 * live off the heap). It returns the best k + m candidates per query (m = max(k, 16)); these are
 * rescored in float64 from the float32 inputs and ranked by (score, id). A float32 inner product
 * of length d' differs from the exact one by at most γ_{d'}·‖q'‖·‖k'‖ (γ_n = n·u/(1 − n·u),
 * u = 2⁻²⁴, any summation order, FMA or not); with the rounding of the copies this gives a bound
 * ε per query. When the k-th rescored score beats the last candidate's kernel score by more than
 * ε, no key outside the candidates can enter the top k — the answer is proven exact. Otherwise (near
 * ties at the boundary, e.g. duplicated keys) the query is searched again with 8× the margin, and
 * after two such rounds by a float64 scan of every key. Results therefore equal a float64 reference
 * on the float32 inputs, ties broken by the lower id (docs/CLI.md).
 *
 * <p><b>Threads.</b> The {@code simd} kernels spread one call over their own threads; other kernels
 * (the scalar reference) run on the caller's thread, so the search splits the keys into one shard
 * per processor and merges. {@link #over(KeyValueMemory, Metric, Kernels, int)} sets the shard count.
 *
 * <p>Queries must have the keys' width and finite values; k must be in [1, n]. A search object is
 * safe to use from several threads; close it (it owns the cos and l2 copies) before the memory.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class ExactSearch implements AutoCloseable {
  private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
  private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT_UNALIGNED;
  private static final double U = 0x1p-24;
  private static final int MIN_MARGIN = 16;
  private static final int RETRIES = 2;

  private final KeyValueMemory memory;
  private final Metric metric;
  private final Kernels kernels;
  private final KernelKeys kernelKeys;
  private final double[] norms;
  private final int shards;
  private final double gamma;
  private final AtomicLong rescored = new AtomicLong();
  private final AtomicLong retried = new AtomicLong();
  private final AtomicLong scanned = new AtomicLong();

  private ExactSearch(KeyValueMemory memory, Metric metric, Kernels kernels, int shards) {
    this.memory = memory;
    this.metric = metric;
    this.kernels = kernels;
    this.norms = memory.keyNorms();
    this.kernelKeys = KernelKeys.prepare(KernelKeys.Kind.valueOf(metric.name()), memory.keys(), memory.size(), memory.dim(),
        norms, memory.keysName());
    this.shards = Math.max(1, Math.min(shards, memory.size()));
    int dp = kernelKeys.dim() + 2;
    this.gamma = dp * U / (1 - dp * U);
  }

  /**
   * Prepares a search (checks the keys are finite, builds the cos or l2 copy) with the default shard
   * count: 1 for the {@code simd} kernels, else the available processors.
   */
  public static ExactSearch over(KeyValueMemory memory, Metric metric, Kernels kernels) {
    int shards = kernels != null && "simd".equals(kernels.id()) ? 1 : Runtime.getRuntime().availableProcessors();
    return over(memory, metric, kernels, shards);
  }

  /** Prepares a search that splits the keys into {@code shards} ranges scanned in parallel (≥ 1). */
  public static ExactSearch over(KeyValueMemory memory, Metric metric, Kernels kernels, int shards) {
    if (memory == null) throw new IllegalArgumentException("memory: expected a key-value memory, got null");
    if (metric == null) throw new IllegalArgumentException("metric: expected ip, cos or l2, got null");
    if (kernels == null) throw new IllegalArgumentException("kernels: expected the active kernels, got null");
    if (shards < 1) throw new IllegalArgumentException("shards: expected at least 1, got " + shards);
    return new ExactSearch(memory, metric, kernels, shards);
  }

  /** The metric. */
  public Metric metric() { return metric; }

  /** The memory searched. */
  public KeyValueMemory memory() { return memory; }

  /** The exact top-k of every row of {@code queries} [n_q, d]. */
  public TopK search(FixedSizeListVector queries, int k) {
    if (queries == null) throw new IllegalArgumentException("queries: expected a matrix [n_q, " + memory.dim() + "], got null");
    DenseMatrices.require(queries, "queries", memory.dim());
    DenseMatrices.requireFinite(queries, "queries");
    return search(DenseMatrices.toArray(queries), DenseMatrices.rows(queries), k);
  }

  /** The exact top-k of queries given row-major ({@code nq · d} floats, finite). */
  public TopK search(float[] queries, int nq, int k) { return search(queries, nq, k, "queries"); }

  /** As {@link #search(float[], int, int)}; errors about the queries name {@code argument}. */
  public TopK search(float[] queries, int nq, int k, String argument) {
    int n = memory.size(), d = memory.dim();
    memory.checkOpen();
    if (k < 1 || k > n) throw new IllegalArgumentException("k: expected a count in [1, " + n + "] (the number of keys), got " + k);
    if (queries.length != (long) nq * d) {
      throw new IllegalArgumentException(argument + ": expected " + (long) nq * d + " floats ([" + nq + ", " + d + "]), got "
          + queries.length);
    }
    for (int i = 0; i < queries.length; i++) {
      if (!Float.isFinite(queries[i])) {
        throw new IllegalArgumentException(argument + ": expected finite values, got " + queries[i] + " at (" + i / d + ", " + i % d + ")");
      }
    }
    int dp = kernelKeys.dim();
    float[] kq = new float[Math.max(1, nq) * dp];
    double[] qNorm = new double[nq];
    for (int i = 0; i < nq; i++) qNorm[i] = kernelKeys.queryInto(queries, i * d, d, kq, i * dp, argument, i);
    long[] ids = new long[nq * k];
    double[] scores = new double[nq * k];
    List<Integer> pending = new ArrayList<>();
    for (int i = 0; i < nq; i++) pending.add(i);
    int margin = Math.max(k, MIN_MARGIN);
    for (int round = 0; round <= RETRIES && !pending.isEmpty(); round++) {
      if (round > 0) retried.addAndGet(pending.size());
      pending = kernelRound(queries, kq, qNorm, pending, k, k + margin, ids, scores);
      margin *= 8;
    }
    if (!pending.isEmpty()) {
      scanned.addAndGet(pending.size());
      for (int i : pending) scanAll(queries, i, k, ids, scores);
    }
    return new TopK(metric, nq, k, ids, scores);
  }

  /** Candidates from the kernel for {@code pending} queries; returns those whose answer could not be proven. */
  private List<Integer> kernelRound(float[] queries, float[] kq, double[] qNorm, List<Integer> pending, int k, int want,
      long[] ids, double[] scores) {
    int n = memory.size(), dp = kernelKeys.dim();
    List<Integer> unproven = new ArrayList<>();
    int batch = Math.max(8, Math.min(512, 65536 / want));
    for (int start = 0; start < pending.size(); start += batch) {
      List<Integer> part = pending.subList(start, Math.min(pending.size(), start + batch));
      int nq = part.size();
      float[] bq = new float[nq * dp];
      for (int r = 0; r < nq; r++) System.arraycopy(kq, part.get(r) * dp, bq, r * dp, dp);
      int[][] shardIds = new int[shards][];
      float[][] shardScores = new float[shards][];
      int[] kc = new int[shards], lo = new int[shards];
      for (int s = 0; s < shards; s++) {
        lo[s] = (int) ((long) n * s / shards);
        int hi = (int) ((long) n * (s + 1) / shards);
        kc[s] = Math.min(want, hi - lo[s]);
      }
      IntStream range = IntStream.range(0, shards);
      (shards > 1 ? range.parallel() : range).forEach(s -> {
        int hi = (int) ((long) n * (s + 1) / shards), ns = hi - lo[s];
        int[] outIds = new int[nq * kc[s]];
        float[] outScores = new float[nq * kc[s]];
        MemorySegment keys = kernelKeys.segment().asSlice((long) lo[s] * dp * Float.BYTES, (long) ns * dp * Float.BYTES);
        kernels.topK(keys, ns, dp, MemorySegment.ofArray(bq), nq, kc[s], MemorySegment.ofArray(outIds),
            MemorySegment.ofArray(outScores));
        shardIds[s] = outIds;
        shardScores[s] = outScores;
      });
      for (int r = 0; r < nq; r++) {
        int q = part.get(r);
        int total = 0;
        for (int s = 0; s < shards; s++) total += kc[s];
        int[] cand = new int[total];
        double boundary = Double.NEGATIVE_INFINITY;               // the best kernel score left out
        boolean complete = true;
        int c = 0;
        for (int s = 0; s < shards; s++) {
          int hi = (int) ((long) n * (s + 1) / shards);
          for (int j = 0; j < kc[s]; j++) cand[c++] = lo[s] + shardIds[s][r * kc[s] + j];
          if (kc[s] < hi - lo[s]) {
            complete = false;
            boundary = Math.max(boundary, shardScores[s][r * kc[s] + kc[s] - 1]);
          }
        }
        rescored.addAndGet(total);
        Ranking.Scored top = rank(queries, q, cand, k);
        System.arraycopy(top.ids(), 0, ids, q * k, k);
        System.arraycopy(top.scores(), 0, scores, q * k, k);
        if (!complete) {
          double eps = 2 * (gamma + 7 * U) * qNorm[q] * kernelKeys.maxNorm();
          double kth = kernelUnits(top.kernelScoreOfLast(), q, queries);
          if (!(kth > boundary + eps)) unproven.add(q);
        }
      }
    }
    return unproven;
  }

  /** Scores the candidates of query q in float64 and ranks them; keeps k. */
  private Ranking.Scored rank(float[] queries, int q, int[] cand, int k) {
    int d = memory.dim();
    MemorySegment keys = memory.keys();
    double[] s = new double[cand.length];
    float[] row = new float[d];
    for (int j = 0; j < cand.length; j++) {
      MemorySegment.copy(keys, F, (long) cand[j] * d * Float.BYTES, row, 0, d);
      s[j] = exactScore(queries, q * d, row, cand[j]);
    }
    return Ranking.best(cand, s, k, metric.descending());
  }

  /** The float64 score of key {@code id} (its row given) for the query at {@code qo}. */
  private double exactScore(float[] queries, int qo, float[] row, int id) {
    return Scoring.score(metric.ordinal(), queries, qo, row, row.length, norms[id]);
  }

  /** A metric score in the kernel's units (ip, cos: itself; l2: (‖q − μ‖² − dist²)/2). */
  private double kernelUnits(double score, int q, float[] queries) {
    if (metric != Metric.L2) return score;
    int d = memory.dim();
    float[] mu = kernelKeys.center();
    double qq = 0;
    for (int c = 0; c < d; c++) {
      double t = (double) queries[q * d + c] - mu[c];
      qq += t * t;
    }
    return (qq - score) / 2;
  }

  /** The float64 answer for one query from every key (the last resort for near ties at the boundary). */
  private void scanAll(float[] queries, int q, int k, long[] ids, double[] scores) {
    int n = memory.size(), d = memory.dim();
    MemorySegment keys = memory.keys();
    int blocks = Math.max(1, Math.min(64, n / 4096));
    Ranking.Scored[] parts = new Ranking.Scored[blocks];
    IntStream.range(0, blocks).parallel().forEach(b -> {
      int lo = (int) ((long) n * b / blocks), hi = (int) ((long) n * (b + 1) / blocks);
      int[] cand = new int[hi - lo];
      double[] s = new double[hi - lo];
      float[] row = new float[d];
      for (int j = lo; j < hi; j++) {
        MemorySegment.copy(keys, F, (long) j * d * Float.BYTES, row, 0, d);
        cand[j - lo] = j;
        s[j - lo] = exactScore(queries, q * d, row, j);
      }
      parts[b] = Ranking.best(cand, s, Math.min(k, hi - lo), metric.descending());
    });
    Ranking.Scored top = Ranking.merge(parts, k, metric.descending());
    System.arraycopy(top.ids(), 0, ids, q * k, k);
    System.arraycopy(top.scores(), 0, scores, q * k, k);
  }

  /**
   * Counters since creation: candidates rescored, queries searched again with a larger margin, and
   * queries answered by the float64 scan of every key.
   */
  public long[] counters() { return new long[] {rescored.get(), retried.get(), scanned.get()}; }

  /** Releases the cos or l2 copy of the keys (not the memory). */
  @Override public void close() { kernelKeys.close(); }

  @Override public String toString() {
    return "ExactSearch[" + metric + ", " + memory + ", kernels " + kernels.id() + ", shards " + shards + "]";
  }
}
