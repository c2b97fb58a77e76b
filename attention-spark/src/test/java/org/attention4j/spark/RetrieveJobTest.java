package org.attention4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.spark.sql.Row;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.registry.Registry;
import org.attention4j.api.spi.Kernels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sharded exact retrieval gives the ids of one exact search over all keys, ties by the lower id. */
class RetrieveJobTest {
  static final int NK = 8000, NQ = 300, D = 16, TOP = 10;
  static final float[] K = keys(), Q = queries();

  @TempDir static Path tmp;

  /** Random keys whose last quarter repeats the first quarter: every such key ties with a lower id. */
  static float[] keys() {
    float[] k = SparkTests.random(31, NK, D);
    System.arraycopy(k, 0, k, 6000 * D, 2000 * D);
    return k;
  }

  /** Random queries, some equal to keys (so their best scores tie across partitions). */
  static float[] queries() {
    float[] q = SparkTests.random(32, NQ, D);
    for (int i = 0; i < NQ; i += 3) System.arraycopy(K, (i * 17 % 2000) * D, q, i * D, D);
    return q;
  }

  @BeforeAll static void data() {
    SparkTests.writeVectors(tmp.resolve("keys"), "key", K, D, 4);
    SparkTests.writeVectors(tmp.resolve("queries"), "query", Q, D, 2);
  }

  @Test void equalsOneExactSearchOverAllKeys() {
    Path out = tmp.resolve("out");
    RetrieveJob.Summary s = RetrieveJob.run(SparkTests.spark(), RetrieveJob.parse(JobArgs.parse("retrieve", List.of(
        "--keys", tmp.resolve("keys").toString(), "--queries", tmp.resolve("queries").toString(), "--top", Integer.toString(TOP),
        "--key-partitions", "3", "--block-rows", "128", "--out", out.toString()), RetrieveJob.VALUED, RetrieveJob.FLAGS)));
    assertEquals(3, s.keyPartitions());
    assertEquals(NQ, s.queries());
    Kernels kernels = Registry.load(List.of()).kernels();
    int[] ids = new int[NQ * TOP];
    float[] scores = new float[NQ * TOP];
    try (BufferAllocator root = new RootAllocator(); Arena arena = Arena.ofConfined();
         FixedSizeListVector k = DenseMatrices.of(root, "keys", NK, D, K);
         FixedSizeListVector q = DenseMatrices.of(root, "query", NQ, D, Q)) {
      MemorySegment idSeg = arena.allocate(4L * NQ * TOP), scoreSeg = arena.allocate(4L * NQ * TOP);
      kernels.topK(DenseMatrices.segment(k), NK, D, DenseMatrices.segment(q), NQ, TOP, idSeg, scoreSeg);
      MemorySegment.copy(idSeg, ValueLayout.JAVA_INT, 0, ids, 0, ids.length);
      MemorySegment.copy(scoreSeg, ValueLayout.JAVA_FLOAT, 0, scores, 0, scores.length);
    }
    int ties = 0;
    for (Row r : SparkTests.spark().read().parquet(out.toString()).collectAsList()) {
      int i = (int) r.getLong(0);
      long[] got = r.<Long>getList(1).stream().mapToLong(Long::longValue).toArray();
      long[] want = new long[TOP];
      for (int j = 0; j < TOP; j++) want[j] = ids[i * TOP + j];
      assertArrayEquals(want, got, "query " + i);
      List<Float> sc = r.getList(2);
      for (int j = 0; j < TOP; j++) assertEquals(scores[i * TOP + j], sc.get(j), 0f, "query " + i + " rank " + j);
      for (int j = 1; j < TOP; j++) if (sc.get(j).equals(sc.get(j - 1))) ties++;
    }
    org.junit.jupiter.api.Assertions.assertTrue(ties > 50, "expected many tied scores in this data, got " + ties);
  }

  @Test void topAboveTheNumberOfKeysIsRefused() {
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> RetrieveJob.run(SparkTests.spark(), RetrieveJob.parse(JobArgs.parse("retrieve", List.of("--keys",
            tmp.resolve("keys").toString(), "--queries", tmp.resolve("queries").toString(), "--top", "9000", "--out",
            tmp.resolve("x").toString()), RetrieveJob.VALUED, RetrieveJob.FLAGS))));
    assertEquals("--top: expected at most 8000 (the number of keys), got 9000", e.getMessage());
  }
}
