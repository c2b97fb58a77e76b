package org.attention4j.retrieval;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apiguardian.api.API;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.spi.ProviderConfig;
import org.attention4j.api.spi.Scorer;
import org.attention4j.api.spi.ScorerProvider;

/**
 * The soft lookup: attention over the whole key–value memory, O = softmax(s(Q, K)/T)·V, with any
 * installed scorer (created through the registry, {@code providers.lookup()}) and temperature T.
 *
 * <p>The n_q × n scores are never held at once: keys go through the scorer in blocks (at most
 * 2²² scores per block), and a streaming softmax (as in FlashAttention) keeps per query the running
 * maximum m, Σ e^{z−m} and Σ e^{z−m}·z in float64, rescaling when m grows; each block's weights
 * multiply the block's values through the kernels' matmul (values read zero-copy from the memory)
 * into a float64 accumulator. The same pass gives the entropy H = log Z + m − Σ e^{z−m}z / Z and the
 * weight on the best key 1/Z (at the end m is the largest z). {@link #sharpness} evaluates several
 * temperatures from one pass over the scores.
 *
 * <pre>{@code
 * try (SoftLookup soft = SoftLookup.create("scaled-dot", 0.5, providers, d, d);
 *      SoftRead read = soft.read(memory, queries, allocator)) {
 *   FixedSizeListVector o = read.output();                  // [n_q, d_v]
 *   double h = read.sharpness().meanEntropy();
 * }
 * }</pre>
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class SoftLookup implements AutoCloseable {
  private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
  private static final long BLOCK_SCORES = 1L << 22;

  private long blockScores = BLOCK_SCORES;

  private final Scorer scorer;
  private final String scorerId;
  private final double temperature;
  private final ProviderConfig providers;

  private SoftLookup(Scorer scorer, String scorerId, double temperature, ProviderConfig providers) {
    this.scorer = scorer;
    this.scorerId = scorerId;
    this.temperature = temperature;
    this.providers = providers;
  }

  /**
   * A soft lookup with scorer {@code scorerId} (created from {@code providers}: registry, settings,
   * seed, parameters, allocator) for queries of width {@code queryDim} and keys of width
   * {@code keyDim}, at temperature T (finite, &gt; 0).
   */
  public static SoftLookup create(String scorerId, double temperature, ProviderConfig providers, int queryDim, int keyDim) {
    checkTemperature(temperature, "temperature");
    if (providers == null) throw new IllegalArgumentException("providers: expected a ProviderConfig (registry, allocator), got null");
    if (scorerId == null || scorerId.isBlank()) throw new IllegalArgumentException("scorer: expected a scorer id, got '" + scorerId + "'");
    ScorerProvider provider = providers.lookup().require(ScorerProvider.class, scorerId);
    Scorer s = provider.create(providers, queryDim, keyDim);
    return new SoftLookup(s, scorerId, temperature, providers);
  }

  private static void checkTemperature(double t, String argument) {
    if (!(t > 0) || !Double.isFinite(t)) throw new IllegalArgumentException(argument + ": expected a finite number > 0, got " + t);
  }

  /** Scores per block (tests use small blocks to exercise the streaming softmax). */
  SoftLookup blockScores(long scores) {
    this.blockScores = Math.max(1, scores);
    return this;
  }

  /** The scorer's id. */
  public String scorerId() { return scorerId; }

  /** T. */
  public double temperature() { return temperature; }

  /** The scorer (owned by this lookup). */
  public Scorer scorer() { return scorer; }

  /** The attention read of the memory's values for {@code queries} [n_q, d_q]; the output comes from {@code allocator}. */
  public SoftRead read(KeyValueMemory memory, FixedSizeListVector queries, BufferAllocator allocator) {
    if (memory == null) throw new IllegalArgumentException("memory: expected a key-value memory, got null");
    if (memory.values().isEmpty()) {
      throw new IllegalArgumentException("values: expected values [" + memory.size() + ", d_v] in the memory for a soft lookup, "
          + "got keys only");
    }
    memory.requireFiniteValues("values");
    Pass p = pass(memory, queries, new double[] {temperature}, true);
    int nq = DenseMatrices.rows(queries), dv = memory.valueDim();
    FixedSizeListVector out = DenseMatrices.allocate(allocator, "output", nq, dv);
    MemorySegment o = DenseMatrices.segment(out);
    for (int i = 0; i < nq; i++) {
      double inv = 1 / p.z[0][i];
      for (int c = 0; c < dv; c++) o.setAtIndex(F, (long) i * dv + c, (float) (p.acc[i * dv + c] * inv));
    }
    return new SoftRead(out, p.sharpness(0, temperature));
  }

  /** Sharpness of the weights over every key at each temperature (one pass over the scores). */
  public Sharpness[] sharpness(KeyValueMemory memory, FixedSizeListVector queries, double... temperatures) {
    if (memory == null) throw new IllegalArgumentException("memory: expected a key-value memory, got null");
    if (temperatures.length == 0) throw new IllegalArgumentException("temperatures: expected at least one, got none");
    for (double t : temperatures) checkTemperature(t, "temperatures");
    Pass p = pass(memory, queries, temperatures, false);
    Sharpness[] out = new Sharpness[temperatures.length];
    for (int t = 0; t < out.length; t++) out[t] = p.sharpness(t, temperatures[t]);
    return out;
  }

  /** Running softmax statistics per temperature and query. */
  private static final class Pass {
    final double[][] m, z, s1;
    final double[] best;
    final long[] bestId;
    double[] acc;

    Pass(int temps, int nq) {
      m = new double[temps][nq];
      z = new double[temps][nq];
      s1 = new double[temps][nq];
      for (double[] r : m) java.util.Arrays.fill(r, Double.NEGATIVE_INFINITY);
      best = new double[nq];
      java.util.Arrays.fill(best, Double.NEGATIVE_INFINITY);
      bestId = new long[nq];
    }

    Sharpness sharpness(int t, double temperature) {
      int nq = best.length;
      double[] h = new double[nq], w = new double[nq];
      for (int i = 0; i < nq; i++) {
        h[i] = Math.max(0, Math.log(z[t][i]) + m[t][i] - s1[t][i] / z[t][i]);
        w[i] = 1 / z[t][i];
      }
      return new Sharpness(temperature, h, w, bestId.clone());
    }
  }

  private Pass pass(KeyValueMemory memory, FixedSizeListVector queries, double[] temps, boolean withValues) {
    if (queries == null) throw new IllegalArgumentException("queries: expected a matrix [n_q, " + scorer.queryDim() + "], got null");
    DenseMatrices.require(queries, "queries", scorer.queryDim());
    DenseMatrices.requireFinite(queries, "queries");
    if (memory.dim() != scorer.keyDim()) {
      throw new IllegalArgumentException("keys: expected " + scorer.keyDim() + " columns (the scorer's key width), got " + memory.dim());
    }
    memory.keyNorms();                                           // checks the keys are finite (once)
    int nq = DenseMatrices.rows(queries), n = memory.size(), d = memory.dim(), dv = memory.valueDim();
    Pass p = new Pass(temps.length, nq);
    if (withValues) p.acc = new double[nq * dv];
    if (nq == 0) return p;
    int block = (int) Math.max(1, Math.min(n, blockScores / nq));
    BufferAllocator alloc = providers.allocator();
    MemorySegment keys = memory.keys();
    MemorySegment values = withValues ? memory.values().orElseThrow() : null;
    float[] w = withValues ? new float[nq * block] : null;
    float[] pv = withValues ? new float[nq * dv] : null;
    double[] scale = new double[nq];
    for (int j0 = 0; j0 < n; j0 += block) {
      int b = Math.min(block, n - j0);
      try (FixedSizeListVector kb = DenseMatrices.allocate(alloc, "keys-block", b, d)) {
        MemorySegment.copy(keys, (long) j0 * d * Float.BYTES, DenseMatrices.segment(kb), 0, (long) b * d * Float.BYTES);
        try (FixedSizeListVector sv = scorer.score(queries, kb, alloc)) {
          MemorySegment s = DenseMatrices.segment(sv);
          for (int i = 0; i < nq; i++) {
            for (int j = 0; j < b; j++) {
              float x = s.getAtIndex(F, (long) i * b + j);
              if (!Float.isFinite(x)) {
                throw new IllegalArgumentException("scores: expected finite scores from scorer '" + scorerId + "', got " + x
                    + " at (" + i + ", " + (j0 + j) + ")");
              }
              if (x > p.best[i]) {                                 // strict: an equal later key never displaces
                p.best[i] = x;
                p.bestId[i] = j0 + j;
              }
            }
          }
          for (int t = 0; t < temps.length; t++) {
            double inv = 1 / temps[t];
            for (int i = 0; i < nq; i++) {
              double mOld = p.m[t][i], mNew = Math.max(mOld, p.best[i] * inv);
              double r = mOld == Double.NEGATIVE_INFINITY ? 0 : Math.exp(mOld - mNew);
              double zz = p.z[t][i] * r, ss = p.s1[t][i] * r;
              for (int j = 0; j < b; j++) {
                double zj = s.getAtIndex(F, (long) i * b + j) * inv;
                double e = Math.exp(zj - mNew);
                zz += e;
                ss += e * zj;
                if (withValues && t == 0) w[i * b + j] = (float) e;
              }
              p.m[t][i] = mNew;
              p.z[t][i] = zz;
              p.s1[t][i] = ss;
              if (t == 0) scale[i] = r;
            }
          }
        }
      }
      if (withValues) {
        providers.kernels().matmul(MemorySegment.ofArray(w), false, values.asSlice((long) j0 * dv * Float.BYTES,
            (long) b * dv * Float.BYTES), false, MemorySegment.ofArray(pv), nq, dv, b, 1f, 0f);
        for (int i = 0; i < nq; i++) {
          for (int c = 0; c < dv; c++) p.acc[i * dv + c] = p.acc[i * dv + c] * scale[i] + pv[i * dv + c];
        }
      }
    }
    return p;
  }

  /** Releases the scorer. */
  @Override public void close() { scorer.close(); }

  @Override public String toString() { return "SoftLookup[" + scorerId + ", T=" + temperature + "]"; }
}
