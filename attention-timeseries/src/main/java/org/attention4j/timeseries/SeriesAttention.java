package org.attention4j.timeseries;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Objects;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apiguardian.api.API;
import org.attention4j.api.AttentionResult;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.Mask;
import org.attention4j.api.ParameterSet;
import org.attention4j.api.facade.Attention;
import org.attention4j.api.spi.Normalizer;
import org.attention4j.api.spi.NormalizerProvider;
import org.attention4j.api.spi.ProviderConfig;
import org.attention4j.api.spi.Scorer;
import org.attention4j.api.spi.ScorerProvider;
import org.attention4j.timeseries.internal.SimilarityParameters;
import org.attention4j.train.Adam;
import org.attention4j.train.Parameters;
import org.attention4j.train.Trainer;
import org.attention4j.train.TrainingHistory;

/**
 * Attention between the time steps of a series with any installed scorer: every step t is embedded
 * ({@link WindowEmbedding}), queries and keys are the embeddings, the softmax runs over the keys
 * with |t − j| &gt; {@code exclusion} (a step does not attend to itself or to windows that overlap it
 * much — the "trivial matches" of the matrix-profile literature) whose window lies inside the series
 * (edge-padded windows are never keys), and the values are the steps'
 * own values in window units, so the attention output is a reconstruction of x_t from the steps
 * that look like it ({@link AttentionMap}).
 *
 * <pre>{@code
 * try (SeriesAttention att = SeriesAttention.builder("additive", providers)
 *          .embedding(WindowEmbedding.windows(17)).temperature(0.1).build()) {
 *   AttentionMap map = att.attend(series);
 *   double[] scores = map.reconstructionError();         // anomaly / change-point scores
 * }
 * }</pre>
 *
 * <p><b>Scorers</b> come from the registry ({@code providers.lookup()}), created on the first call
 * with d_q = d_k = the embedding width. {@link Init#SIMILARITY} gives {@code bilinear} and
 * {@code additive} parameters that make them similarity functions of equal peak (bilinear: W = I/√D;
 * additive: a symmetric tanh construction, see the module README); {@link Init#PROVIDER} lets the
 * provider initialise from the seed (or from {@code providers.parameters()}), which any scorer
 * supports. {@link #fit} then trains the parameters (Adam, attention-train) to reconstruct the
 * series. Not thread-safe; close it to release the scorer.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class SeriesAttention implements AutoCloseable {
  /**
   * Where the scorer's parameters come from.
   *
   * @since 0.1
   */
  @API(status = EXPERIMENTAL, since = "0.1")
  public enum Init {
    /** The similarity construction for {@code bilinear} and {@code additive} (others: as PROVIDER). */
    SIMILARITY,
    /** The provider's own: {@code providers.parameters()} if present, else initialised from the seed. */
    PROVIDER
  }

  private final String scorerId;
  private final ProviderConfig providers;
  private final WindowEmbedding embedding;
  private final double temperature;
  private final int exclusion;
  private final Init init;
  private final int hidden;
  private Scorer scorer;
  private Normalizer normalizer;
  private int width = -1;
  private boolean closed;

  private SeriesAttention(Builder b) {
    this.scorerId = b.scorerId;
    this.providers = b.providers;
    this.embedding = b.embedding;
    this.temperature = b.temperature;
    this.exclusion = b.exclusion < 0 ? (b.embedding.length() + 1) / 2 : b.exclusion;
    this.init = b.init;
    this.hidden = b.hidden;
  }

  /** A builder for the scorer {@code scorerId}, created through {@code providers.lookup()}. */
  public static Builder builder(String scorerId, ProviderConfig providers) { return new Builder(scorerId, providers); }

  /**
   * Configures a {@link SeriesAttention}.
   *
   * @since 0.1
   */
  @API(status = EXPERIMENTAL, since = "0.1")
  public static final class Builder {
    private final String scorerId;
    private final ProviderConfig providers;
    private WindowEmbedding embedding = WindowEmbedding.windows(17);
    private double temperature = 0.1;
    private int exclusion = -1;
    private Init init = Init.SIMILARITY;
    private int hidden = 32;

    private Builder(String scorerId, ProviderConfig providers) {
      this.scorerId = Objects.requireNonNull(scorerId, "scorer");
      this.providers = Objects.requireNonNull(providers, "providers");
      if (scorerId.isBlank()) throw new IllegalArgumentException("scorer: expected a scorer id, got ''");
    }

    /** The embedding (default standardised windows of 17 steps). */
    public Builder embedding(WindowEmbedding e) { this.embedding = Objects.requireNonNull(e, "embedding"); return this; }

    /** The softmax temperature T &gt; 0 (scores are divided by T; default 0.1). */
    public Builder temperature(double t) {
      if (!(t > 0) || !Double.isFinite(t)) throw new IllegalArgumentException("temperature: expected a finite T > 0, got " + t);
      this.temperature = t;
      return this;
    }

    /** Keys with |t − j| ≤ r are excluded (default ⌈L/2⌉ for windows of length L; 0 excludes only t). */
    public Builder exclusion(int r) {
      if (r < 0) throw new IllegalArgumentException("exclusion: expected a radius >= 0, got " + r);
      this.exclusion = r;
      return this;
    }

    /** Where the parameters come from (default {@link Init#SIMILARITY}). */
    public Builder init(Init i) { this.init = Objects.requireNonNull(i, "init"); return this; }

    /** Hidden size of the additive similarity construction (even, default 32). */
    public Builder hidden(int h) {
      if (h < 2 || h % 2 != 0) throw new IllegalArgumentException("h: expected an even hidden size >= 2, got " + h);
      this.hidden = h;
      return this;
    }

    /** The attention; the scorer is created on the first call. */
    public SeriesAttention build() { return new SeriesAttention(this); }
  }

  /** The scorer id. */
  public String scorerId() { return scorerId; }

  /** The embedding. */
  public WindowEmbedding embedding() { return embedding; }

  /** The exclusion radius in time steps. */
  public int exclusion() { return exclusion; }

  /** The temperature. */
  public double temperature() { return temperature; }

  /** The scorer's parameters (empty before the first call and for parameter-free scorers). */
  public ParameterSet parameters() { return scorer == null ? new ParameterSet() : scorer.parameters(); }

  /** The weights, the reconstruction and the anomaly scores of {@code s}. */
  public AttentionMap attend(TimeSeries s) {
    Objects.requireNonNull(s, "series");
    WindowEmbedding.Embedded e = embedding.embed(s);
    requireKeys(s.n());
    Scorer sc = scorer(e.width());
    BufferAllocator a = providers.allocator();
    int n = s.n(), d = s.d();
    float[] weights;
    float[] out;
    Attention att = Attention.builder(sc, normalizer, providers.kernels()).mask(mask(0, n, n))
        .temperature((float) temperature).build();
    try (FixedSizeListVector q = DenseMatrices.of(a, "embedding", n, e.width(), e.rows());
         FixedSizeListVector v = DenseMatrices.of(a, "values", n, d, toFloat(e.target()));
         AttentionResult r = att.attend(q, q, v, true, a)) {
      weights = DenseMatrices.toArray(r.weights().orElseThrow());
      out = DenseMatrices.toArray(r.output());
    }
    double[] rec = new double[n * d];
    for (int i = 0; i < n * d; i++) rec[i] = e.centre()[i] + e.scale()[i] * out[i];
    return new AttentionMap(s, weights, rec, exclusion, first(), last(n));
  }

  /**
   * Trains the scorer's parameters (Adam, learning rate {@code lr}, minibatches of query steps) so
   * that attention reconstructs each step of {@code s} in window units: loss = mean over steps and
   * channels of (ŷ_t − y_t)², y_t = (x_t − centre_t) / scale_t. A parameter-free scorer is left as it is
   * (empty result). Deterministic for a given seed.
   */
  public Optional<TrainingHistory> fit(TimeSeries s, int epochs, double lr, int batchSize, long seed) {
    Objects.requireNonNull(s, "series");
    if (epochs < 1) throw new IllegalArgumentException("epochs: expected at least 1, got " + epochs);
    if (!(lr > 0)) throw new IllegalArgumentException("lr: expected > 0, got " + lr);
    if (batchSize < 1) throw new IllegalArgumentException("batch: expected at least 1, got " + batchSize);
    WindowEmbedding.Embedded e = embedding.embed(s);
    requireKeys(s.n());
    Scorer sc = scorer(e.width());
    ParameterSet params = sc.parameters();
    if (params.names().isEmpty()) return Optional.empty();
    BufferAllocator a = providers.allocator();
    int n = s.n(), d = s.d();
    float[] target = toFloat(e.target());
    try (FixedSizeListVector q = DenseMatrices.of(a, "embedding", n, e.width(), e.rows());
         FixedSizeListVector v = DenseMatrices.of(a, "values", n, d, target);
         Adam adam = Adam.builder().learningRate(lr).build(a)) {
      return Optional.of(Trainer.builder(params, adam).epochs(epochs).batchSize(batchSize).seed(seed).build()
          .fit(n, (batch, gradients) -> {
            int[] idx = batch.indices();
            int b = idx.length;
            Attention att = Attention.builder(sc, normalizer, providers.kernels()).mask(mask(idx, n))
                .temperature((float) temperature).build();
            try (FixedSizeListVector qb = batch.rows(q);
                 FixedSizeListVector yb = batch.rows(v);
                 AttentionResult r = att.attend(qb, q, v, false, batch.allocator())) {
              float[] o = DenseMatrices.toArray(r.output()), y = DenseMatrices.toArray(yb);
              float[] dOut = new float[b * d];
              double loss = 0;
              for (int i = 0; i < b * d; i++) {
                double diff = (double) o[i] - y[i];
                loss += diff * diff;
                dOut[i] = (float) (2 * diff / (b * d));
              }
              try (FixedSizeListVector dv = DenseMatrices.of(batch.allocator(), "dOutput", b, d, dOut);
                   Attention.AttentionGradients g = att.backward(qb, q, v, dv, batch.allocator())) {
                Parameters.add(gradients, g.dParameters());
              }
              return loss / (b * d);
            }
          }, a));
    }
  }

  /** Releases the scorer. Idempotent. */
  @Override public void close() {
    closed = true;
    if (scorer != null) {
      Scorer s = scorer;
      scorer = null;
      s.close();
    }
  }

  // ---- internals ---------------------------------------------------------------------------------

  private void requireKeys(int n) {
    int needed = 2 * exclusion + embedding.length();
    if (n <= needed) {
      throw new IllegalArgumentException("series: expected more than " + needed + " time steps (2 x exclusion " + exclusion
          + " + window " + embedding.length() + "), got " + n);
    }
  }

  private Scorer scorer(int w) {
    if (closed) throw new IllegalStateException("series attention: expected an open one, got a closed one");
    if (scorer != null) {
      if (w != width) {
        throw new IllegalArgumentException("series: expected embedding width " + width + " (the scorer's), got " + w
            + "; use one SeriesAttention per channel count");
      }
      return scorer;
    }
    ScorerProvider p = providers.lookup().require(ScorerProvider.class, scorerId);
    NormalizerProvider np = providers.lookup().require(NormalizerProvider.class, "softmax");
    normalizer = np.create(providers.withSettings(org.attention4j.api.Settings.of("softmax", java.util.Map.of())));
    if (init == Init.SIMILARITY && SimilarityParameters.supports(scorerId)) {
      try (ParameterSet given = SimilarityParameters.create(scorerId, w, hidden, providers.seed(), providers.allocator())) {
        scorer = p.create(providers.withParameters(Optional.of(given)), w, w);
      }
    } else {
      scorer = p.create(providers, w, w);
    }
    width = w;
    return scorer;
  }

  /** The first step whose window lies inside the series. */
  private int first() { return -embedding.firstOffset(); }

  /** One past the last step whose window lies inside the series. */
  private int last(int n) { return n - (embedding.length() - 1 + embedding.firstOffset()); }

  /**
   * Rows [from, from + rows) of the n × n mask: keys with |i − j| &gt; exclusion whose window lies
   * inside the series (an edge-padded window is a shape the series never had).
   */
  private Mask mask(int from, int rows, int n) {
    int[] idx = new int[rows];
    for (int i = 0; i < rows; i++) idx[i] = from + i;
    return mask(idx, n);
  }

  private Mask mask(int[] rowsOf, int n) {
    int lo = first(), hi = last(n);
    boolean[] m = new boolean[rowsOf.length * n];
    for (int i = 0; i < rowsOf.length; i++) {
      for (int j = lo; j < hi; j++) m[i * n + j] = Math.abs(rowsOf[i] - j) > exclusion;
    }
    return Mask.explicit(rowsOf.length, n, m);
  }

  static float[] toFloat(double[] x) {
    float[] f = new float[x.length];
    for (int i = 0; i < x.length; i++) f[i] = (float) x[i];
    return f;
  }

}
