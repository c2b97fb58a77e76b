package com.acme.ranking.adapter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.acme.ranking.RankingApp;
import com.acme.ranking.domain.Document;
import com.acme.ranking.domain.Query;
import com.acme.ranking.domain.Ranked;
import com.acme.ranking.domain.RankingService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.attention4j.api.registry.Registry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The adapter at run time: rankings, and every allocator ending with zero bytes outstanding. */
class AttentionRelevanceModelTest {
  private static final Registry REGISTRY = Registry.load(List.of());
  private static final Query DATABASES = new Query("databases", new float[] {1.0f, 0.1f, 0.0f, 0.0f});

  private BufferAllocator root;

  @BeforeEach void open() { root = new RootAllocator(); }

  @AfterEach void close() {
    assertEquals(0, root.getAllocatedMemory(), "root: expected 0 bytes outstanding once the model is closed");
    root.close();                                              // throws on any outstanding buffer or child allocator
  }

  @Test void ranksTheClosestDocumentsFirstAndWeightsSumToOne() {
    try (AttentionRelevanceModel model = new AttentionRelevanceModel(root, REGISTRY, 4, 0.1f)) {
      List<Ranked> top = new RankingService(model).top(DATABASES, RankingApp.catalogue(), 3);
      assertEquals(List.of("db-1", "db-2", "net-1"), top.stream().map(r -> r.document().id()).toList());
      double sum = 0;
      for (double w : model.weights(DATABASES, RankingApp.catalogue())) sum += w;
      assertEquals(1.0, sum, 1e-5);
      long scorerBytes = model.allocatedBytes();
      model.weights(DATABASES, RankingApp.catalogue());
      assertEquals(scorerBytes, model.allocatedBytes(), "a call must give back everything it allocated");
    }
  }

  @Test void concurrentRankingsAgree() throws Exception {
    try (AttentionRelevanceModel model = new AttentionRelevanceModel(root, REGISTRY, 4, 0.1f)) {
      double[] expected = model.weights(DATABASES, RankingApp.catalogue());
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<double[]>> futures = new ArrayList<>();
        for (int i = 0; i < 200; i++) futures.add(pool.submit(() -> model.weights(DATABASES, RankingApp.catalogue())));
        for (Future<double[]> f : futures) assertArrayEquals(expected, f.get());
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test void aWrongEmbeddingWidthNamesTheDocument() {
    try (AttentionRelevanceModel model = new AttentionRelevanceModel(root, REGISTRY, 4, 0.1f)) {
      List<Document> docs = List.of(new Document("short", "too narrow", new float[] {1, 2, 3}));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.weights(DATABASES, docs));
      assertEquals("documents[0] (short).embedding: expected 4 values, got 3", e.getMessage());
    }
  }

  @Test void noDocumentsGiveNoWeights() {
    try (AttentionRelevanceModel model = new AttentionRelevanceModel(root, REGISTRY, 4, 0.1f)) {
      assertTrue(new RankingService(model).top(DATABASES, List.of(), 3).isEmpty());
    }
  }
}
