package com.acme.ranking;

import com.acme.ranking.adapter.AttentionRelevanceModel;
import com.acme.ranking.domain.Document;
import com.acme.ranking.domain.Query;
import com.acme.ranking.domain.Ranked;
import com.acme.ranking.domain.RankingService;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.attention4j.api.registry.Registry;

/** The composition root, wired by plain code: one root allocator, one registry, one model, one service. */
public final class RankingApp {
  private RankingApp() {}

  /** A tiny catalogue with 4-dimensional embeddings (topics: databases, networks, cooking, gardening). */
  public static List<Document> catalogue() {
    return List.of(
        new Document("db-1", "Indexing columnar data", new float[] {0.9f, 0.1f, 0.0f, 0.0f}),
        new Document("db-2", "Query planning for joins", new float[] {0.8f, 0.2f, 0.1f, 0.0f}),
        new Document("net-1", "Congestion control explained", new float[] {0.1f, 0.9f, 0.0f, 0.1f}),
        new Document("cook-1", "Bread at high altitude", new float[] {0.0f, 0.0f, 0.9f, 0.2f}),
        new Document("garden-1", "Tomatoes in clay soil", new float[] {0.0f, 0.1f, 0.2f, 0.9f}));
  }

  public static void main(String[] args) {
    Query query = new Query("how do databases store columns", new float[] {1.0f, 0.1f, 0.0f, 0.0f});
    try (BufferAllocator root = new RootAllocator();
         AttentionRelevanceModel model = new AttentionRelevanceModel(root, Registry.load(List.of()), 4, 0.1f)) {
      List<Ranked> top = new RankingService(model).top(query, catalogue(), 3);
      System.out.println("query: " + query.text());
      for (Ranked r : top) System.out.printf("  %-9s %.4f  %s%n", r.document().id(), r.weight(), r.document().title());
    }
  }
}
