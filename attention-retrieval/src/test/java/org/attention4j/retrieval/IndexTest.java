package org.attention4j.retrieval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.Settings;
import org.attention4j.api.registry.Registry;
import org.attention4j.api.spi.ProviderConfig;
import org.attention4j.retrieval.internal.scenario.ClusteredData;
import org.attention4j.testkit.WithRootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IVF and the learned index against exact search: recall, nprobe = nlist is exact, save and load, training. */
@WithRootAllocator
class IndexTest {
  static final Registry REGISTRY = Registry.load(List.of());
  static final int N = 6000, D = 16, NQ = 300;
  static final float[] KEYS = ClusteredData.keys(N, D, 60, 0.25, 1);
  static final float[] QUERIES = ClusteredData.queries(KEYS, N, D, NQ, 0.1, 2);

  @TempDir Path dir;

  static ProviderConfig providers(BufferAllocator a) {
    return new ProviderConfig(Settings.of("test", Map.of()), 3, a, Optional.empty(), REGISTRY.kernels(), REGISTRY);
  }

  @Test void ivfRecallGrowsWithNprobeAndIsExactWhenEveryListIsProbed(BufferAllocator a) {
    for (Metric metric : Metric.values()) {
      try (FixedSizeListVector kv = DenseMatrices.of(a, "keys", N, D, KEYS);
           KeyValueMemory memory = KeyValueMemory.of(kv, null);
           ExactSearch exact = ExactSearch.over(memory, metric, REGISTRY.kernels());
           IvfIndex ivf = IvfIndex.build(memory, metric, REGISTRY.kernels(), new IvfIndex.Options(60, 8, 4000, 5))) {
        TopK truth = exact.search(QUERIES, NQ, 10);
        assertEquals(N, java.util.Arrays.stream(ivf.listSizes()).sum());
        double last = 0;
        for (int nprobe : new int[] {1, 2, 4, 8, 16, 60}) {
          TopK approx = ivf.search(QUERIES, NQ, 10, nprobe);
          double r = Recall.at(approx, truth, 10);
          assertTrue(r >= last - 1e-12, metric + ": recall@10 " + r + " at nprobe " + nprobe + " below " + last);
          last = r;
          if (nprobe == 60) assertEquals(truth, approx, metric + ": every list probed is the exact search");
          if (nprobe == 1) assertTrue(ivf.lastScanned() < (long) NQ * N / 10, metric + ": one list scans a small part");
        }
        assertTrue(Recall.at(ivf.search(QUERIES, NQ, 10, 4), truth, 10) > 0.8, metric + ": clustered data, 4 of 60 lists");
      }
    }
  }

  @Test void savedIvfLoadsWithTheSameAnswersAndRefusesOtherKeys(BufferAllocator a) {
    try (FixedSizeListVector kv = DenseMatrices.of(a, "keys", N, D, KEYS);
         KeyValueMemory memory = KeyValueMemory.of(kv, null);
         IvfIndex ivf = IvfIndex.build(memory, Metric.L2, REGISTRY.kernels(), new IvfIndex.Options(50, 5, 3000, 9))) {
      ivf.save(dir, a);
      assertEquals("ivf", IvfIndex.savedKind(dir));
      try (IvfIndex loaded = IvfIndex.load(dir, memory, Metric.L2, REGISTRY.kernels(), a)) {
        assertEquals(ivf.search(QUERIES, NQ, 5, 3), loaded.search(QUERIES, NQ, 5, 3));
        assertArrayEquals(ivf.centroids(), loaded.centroids());
      }
      var e = assertThrows(IllegalArgumentException.class, () -> IvfIndex.load(dir, memory, Metric.IP, REGISTRY.kernels(), a));
      assertTrue(e.getMessage().contains("expected an index for metric ip, got one for l2"), e.getMessage());
      float[] other = KEYS.clone();
      other[0] += 1;
      try (FixedSizeListVector kv2 = DenseMatrices.of(a, "keys", N, D, other); KeyValueMemory m2 = KeyValueMemory.of(kv2, null)) {
        e = assertThrows(IllegalArgumentException.class, () -> IvfIndex.load(dir, m2, Metric.L2, REGISTRY.kernels(), a));
        assertTrue(e.getMessage().contains("expected an index built for these keys"), e.getMessage());
      }
    }
  }

  @Test void buildIsDeterministicForASeed(BufferAllocator a) {
    try (FixedSizeListVector kv = DenseMatrices.of(a, "keys", N, D, KEYS);
         KeyValueMemory memory = KeyValueMemory.of(kv, null);
         IvfIndex one = IvfIndex.build(memory, Metric.IP, REGISTRY.kernels(), new IvfIndex.Options(30, 4, 2000, 7));
         IvfIndex two = IvfIndex.build(memory, Metric.IP, REGISTRY.kernels(), new IvfIndex.Options(30, 4, 2000, 7))) {
      assertArrayEquals(one.centroids(), two.centroids());
      assertArrayEquals(one.assignment(), two.assignment());
    }
  }

  @Test void learnedRouterTrainsConcentratesAttentionAndSurvivesSaveAndLoad(BufferAllocator a) {
    for (Metric metric : List.of(Metric.L2, Metric.IP)) {
      try (FixedSizeListVector kv = DenseMatrices.of(a, "keys", N, D, KEYS);
           KeyValueMemory memory = KeyValueMemory.of(kv, null);
           ExactSearch exact = ExactSearch.over(memory, metric, REGISTRY.kernels())) {
        IvfIndex ivf = IvfIndex.build(memory, metric, REGISTRY.kernels(), new IvfIndex.Options(60, 8, 4000, 5));
        TopK truth = exact.search(QUERIES, NQ, 10);
        double ivfRecall = Recall.at(ivf.search(QUERIES, NQ, 10, 2), truth, 10);
        try (LearnedIndex learned = LearnedIndex.train(ivf, new LearnedIndex.Training(3000, 0.4, 150, 128, 3e-3, 1), providers(a))) {
          double[] loss = learned.lossHistory();
          double first = java.util.Arrays.stream(loss, 0, 10).average().orElseThrow();
          double last = java.util.Arrays.stream(loss, loss.length - 10, loss.length).average().orElseThrow();
          assertTrue(last < first, metric + ": training loss falls, " + first + " -> " + last);
          // attention over partitions concentrates on the partition of the nearest key
          double[] p = learned.attention(QUERIES, NQ);
          int[] assignment = learned.ivf().assignment();
          double onTrue = 0;
          for (int q = 0; q < NQ; q++) onTrue += p[q * 60 + assignment[(int) truth.id(q, 0)]];
          onTrue /= NQ;
          assertTrue(onTrue > 0.5, metric + ": mean attention on the nearest key's partition " + onTrue);
          double learnedRecall = Recall.at(learned.search(QUERIES, NQ, 10, 2), truth, 10);
          assertTrue(learnedRecall > 0.8 && learnedRecall >= ivfRecall - 0.05,
              metric + ": learned recall@10 " + learnedRecall + " vs IVF " + ivfRecall + " at nprobe 2");
          learned.save(dir.resolve(metric.id()));
          try (LearnedIndex back = LearnedIndex.load(dir.resolve(metric.id()), memory, metric, providers(a))) {
            assertEquals(learned.search(QUERIES, NQ, 10, 2), back.search(QUERIES, NQ, 10, 2));
          }
        }
      }
    }
  }
}
