package com.acme.ranking.adapter;

import com.acme.ranking.domain.Document;
import com.acme.ranking.domain.Query;
import com.acme.ranking.domain.RelevanceModel;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.AttentionResult;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.Settings;
import org.attention4j.api.facade.Attention;
import org.attention4j.api.registry.Registry;
import org.attention4j.api.spi.NormalizerProvider;
import org.attention4j.api.spi.ProviderConfig;
import org.attention4j.api.spi.Scorer;
import org.attention4j.api.spi.ScorerProvider;

/**
 * The only class that knows Attention4J: relevance as the weights of one scaled-dot attention of the
 * query over the documents, {@code softmax(q·Kᵀ / √d / T)}.
 *
 * <p>Memory: the caller owns {@code parent}; this model opens one child allocator for what it keeps
 * (the scorer) and one short-lived child per call (so a leak would name the call), and closes its own
 * child in {@link #close()}. Threads: one instance may serve concurrent calls (the scorer and the
 * attention are immutable; each call allocates from its own child allocator).
 */
public final class AttentionRelevanceModel implements RelevanceModel, AutoCloseable {
  private final int width;
  private final BufferAllocator allocator;
  private final Scorer scorer;
  private final Attention attention;

  /**
   * @param parent the caller's allocator (closed by the caller, after this model)
   * @param registry where scorers and normalizers come from ({@code Registry.load(List.of())})
   * @param width the embedding width d
   * @param temperature the softmax temperature T &gt; 0 (lower is sharper)
   */
  public AttentionRelevanceModel(BufferAllocator parent, Registry registry, int width, float temperature) {
    if (width < 1) throw new IllegalArgumentException("width: expected a number >= 1, got " + width);
    this.width = width;
    this.allocator = parent.newChildAllocator("ranking-model", 0, Long.MAX_VALUE);
    try {
      ScorerProvider scaledDot = registry.require(ScorerProvider.class, "scaled-dot");
      NormalizerProvider softmax = registry.require(NormalizerProvider.class, "softmax");
      ProviderConfig config = new ProviderConfig(Settings.resolve("scaled-dot", scaledDot.parameters(), Map.of(), List.of()),
          0, allocator, Optional.empty(), registry.kernels(), registry);
      this.scorer = scaledDot.create(config, width, width);
      this.attention = Attention.builder(scorer, softmax.create(config), registry.kernels()).temperature(temperature).build();
    } catch (RuntimeException e) {
      allocator.close();
      throw e;
    }
  }

  @Override public double[] weights(Query query, List<Document> documents) {
    int n = documents.size();
    if (n == 0) return new double[0];
    float[] keys = new float[n * width];
    for (int i = 0; i < n; i++) {
      float[] e = documents.get(i).embedding();
      if (e.length != width) {
        throw new IllegalArgumentException("documents[" + i + "] (" + documents.get(i).id() + ").embedding: expected "
            + width + " values, got " + e.length);
      }
      System.arraycopy(e, 0, keys, i * width, width);
    }
    float[] q = query.embedding();
    if (q.length != width) {
      throw new IllegalArgumentException("query.embedding: expected " + width + " values, got " + q.length);
    }
    try (BufferAllocator call = allocator.newChildAllocator("ranking-call", 0, Long.MAX_VALUE);
         FixedSizeListVector qv = DenseMatrices.of(call, "query", 1, width, q);
         FixedSizeListVector kv = DenseMatrices.of(call, "keys", n, width, keys);
         FixedSizeListVector vv = DenseMatrices.of(call, "values", n, width, keys);
         AttentionResult r = attention.attend(qv, kv, vv, true, call)) {
      float[] w = DenseMatrices.toArray(r.weights().orElseThrow());
      double[] out = new double[n];
      for (int i = 0; i < n; i++) out[i] = w[i];
      return out;
    }
  }

  /** Bytes this model's allocator (and its per-call children) hold right now: the scorer's, nothing per call. */
  public long allocatedBytes() { return allocator.getAllocatedMemory(); }

  @Override public void close() {
    try {
      scorer.close();
    } finally {
      allocator.close();
    }
  }
}
