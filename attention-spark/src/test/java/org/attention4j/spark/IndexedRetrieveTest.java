package org.attention4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.spark.sql.Row;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.registry.Registry;
import org.attention4j.api.spi.Kernels;
import org.attention4j.retrieval.ExactSearch;
import org.attention4j.retrieval.IvfIndex;
import org.attention4j.retrieval.KeyValueMemory;
import org.attention4j.retrieval.Metric;
import org.attention4j.retrieval.TopK;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distributed IVF search gives the ids (and scores) of attention-retrieval's single-machine
 * {@code IvfIndex} search for the same index and nprobe, for every metric, whether the job builds the
 * index, loads the one it saved, or loads one the single-machine API saved; the exact cos and l2
 * searches give the ids of one {@code ExactSearch} over all keys.
 */
class IndexedRetrieveTest {
  static final int NK = 30_000, NQ = 400, D = 16, TOP = 10;
  static final float[] K = keys(), Q = queries();

  @TempDir static Path tmp;

  /** Clustered keys (64 centres, spread 0.3) whose last quarter repeats the first: exact ties across lists' ids. */
  static float[] keys() {
    float[] centres = SparkTests.random(41, 64, D);
    float[] noise = SparkTests.random(42, NK, D);
    java.util.Random r = new java.util.Random(43);
    float[] k = new float[NK * D];
    for (int i = 0; i < NK; i++) {
      int c = r.nextInt(64);
      for (int j = 0; j < D; j++) k[i * D + j] = centres[c * D + j] + 0.3f * noise[i * D + j];
    }
    System.arraycopy(k, 0, k, NK / 4 * 3 * D, NK / 4 * D);
    return k;
  }

  /** Noisy copies of keys, every fifth an exact key. */
  static float[] queries() {
    float[] noise = SparkTests.random(44, NQ, D);
    float[] q = new float[NQ * D];
    for (int i = 0; i < NQ; i++) {
      int src = (i * 7919) % NK;
      for (int j = 0; j < D; j++) q[i * D + j] = K[src * D + j] + (i % 5 == 0 ? 0 : 0.2f * noise[i * D + j]);
    }
    return q;
  }

  @BeforeAll static void data() {
    SparkTests.writeVectors(tmp.resolve("keys"), "key", K, D, 4);
    SparkTests.writeVectors(tmp.resolve("queries"), "query", Q, D, 2);
  }

  static RetrieveJob.Summary job(Path out, String... extra) {
    List<String> args = new ArrayList<>(List.of("--keys", tmp.resolve("keys").toString(), "--queries",
        tmp.resolve("queries").toString(), "--top", Integer.toString(TOP), "--block-rows", "128", "--out", out.toString()));
    args.addAll(List.of(extra));
    if (!args.contains("--key-partitions")) args.addAll(List.of("--key-partitions", "3"));
    return RetrieveJob.run(SparkTests.spark(), RetrieveJob.parse(JobArgs.parse("retrieve", args, RetrieveJob.VALUED, RetrieveJob.FLAGS)));
  }

  /** The job's output against a single-machine result: ids equal, scores equal after rounding to float32. */
  static void assertSame(Path out, TopK want) {
    int rows = 0;
    for (Row r : SparkTests.spark().read().parquet(out.toString()).collectAsList()) {
      int i = (int) r.getLong(0);
      long[] got = r.<Long>getList(1).stream().mapToLong(Long::longValue).toArray();
      assertArrayEquals(want.idsOf(i), got, "query " + i);
      List<Float> sc = r.getList(2);
      for (int j = 0; j < TOP; j++) assertEquals((float) want.score(i, j), sc.get(j), 0f, "query " + i + " rank " + j);
      rows++;
    }
    assertEquals(NQ, rows);
  }

  interface Single {
    TopK search(KeyValueMemory memory, Kernels kernels, BufferAllocator root);
  }

  static TopK single(Single s) {
    Kernels kernels = Registry.load(List.of()).kernels();
    try (BufferAllocator root = new RootAllocator();
         FixedSizeListVector k = DenseMatrices.of(root, "keys", NK, D, K);
         KeyValueMemory memory = KeyValueMemory.of(k, null)) {
      return s.search(memory, kernels, root);
    }
  }

  @Test void ivfInnerProductBuildsSavesAndLoadsTheSingleMachineIndex() {
    Path dir = tmp.resolve("index-ip");
    RetrieveJob.Summary built = job(tmp.resolve("ivf-ip"), "--index", "ivf", "--nprobe", "3", "--index-dir", dir.toString());
    TopK want = single((m, k, root) -> {
      try (IvfIndex ivf = IvfIndex.build(m, Metric.IP, k, IvfIndex.Options.defaults(NK))) {
        return ivf.search(Q, NQ, TOP, 3);
      }
    });
    assertEquals(173, (int) built.nlist());                          // round(√30000)
    assertEquals(3, built.keyPartitions());
    assertEquals(Boolean.FALSE, built.indexLoaded());
    assertSame(tmp.resolve("ivf-ip"), want);
    // the saved index is the single-machine one: it loads there and gives the same result
    TopK loadedThere = single((m, k, root) -> {
      try (IvfIndex ivf = IvfIndex.load(dir, m, Metric.IP, k, root)) {
        return ivf.search(Q, NQ, TOP, 3);
      }
    });
    assertEquals(want, loadedThere);
    RetrieveJob.Summary again = job(tmp.resolve("ivf-ip-2"), "--index", "ivf", "--nprobe", "3", "--index-dir", dir.toString());
    assertEquals(Boolean.TRUE, again.indexLoaded());
    assertSame(tmp.resolve("ivf-ip-2"), want);
  }

  @Test void ivfL2LoadsAnIndexSavedBySingleMachineCode() {
    Path dir = tmp.resolve("index-l2");
    TopK want = single((m, k, root) -> {
      try (IvfIndex ivf = IvfIndex.build(m, Metric.L2, k, new IvfIndex.Options(120, 6, 120 * 40, 5))) {
        ivf.save(dir, root);
        return ivf.search(Q, NQ, TOP, 5);
      }
    });
    RetrieveJob.Summary s = job(tmp.resolve("ivf-l2"), "--index", "ivf", "--metric", "l2", "--nprobe", "5", "--index-dir",
        dir.toString());
    assertEquals(120, (int) s.nlist());
    assertEquals(Boolean.TRUE, s.indexLoaded());
    assertSame(tmp.resolve("ivf-l2"), want);
    // an index of the other metric is refused by the loader, naming what differs
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> job(tmp.resolve("x"), "--index", "ivf", "--metric", "ip", "--index-dir", dir.toString()));
    assertTrue(e.getMessage().contains("l2") || e.getMessage().contains("metric"), e.getMessage());
  }

  @Test void ivfCosineWithOneProbeAndMoreShardsThanThreads() {
    TopK want = single((m, k, root) -> {
      try (IvfIndex ivf = IvfIndex.build(m, Metric.COS, k, IvfIndex.Options.defaults(NK).withSeed(3))) {
        return ivf.search(Q, NQ, TOP, 1);
      }
    });
    RetrieveJob.Summary s = job(tmp.resolve("ivf-cos"), "--index", "ivf", "--metric", "cos", "--nprobe", "1", "--seed", "3",
        "--key-partitions", "5");
    assertEquals(5, s.keyPartitions());
    assertSame(tmp.resolve("ivf-cos"), want);
    // one probe is approximate here: the comparison is with the index, not with an exact search
    TopK exact = single((m, k, root) -> {
      try (ExactSearch search = ExactSearch.over(m, Metric.COS, k)) {
        return search.search(Q, NQ, TOP);
      }
    });
    int differ = 0;
    for (int i = 0; i < NQ; i++) if (!java.util.Arrays.equals(exact.idsOf(i), want.idsOf(i))) differ++;
    assertTrue(differ > 0, "expected nprobe 1 to miss some exact neighbours");
  }

  @Test void exactCosineAndL2EqualOneExactSearch() {
    for (Metric metric : List.of(Metric.COS, Metric.L2)) {
      TopK want = single((m, k, root) -> {
        try (ExactSearch search = ExactSearch.over(m, metric, k)) {
          return search.search(Q, NQ, TOP);
        }
      });
      Path out = tmp.resolve("exact-" + metric.id());
      RetrieveJob.Summary s = job(out, "--metric", metric.id());
      assertEquals("exact", s.index());
      assertSame(out, want);
    }
  }

  @Test void indexOptionsAreChecked() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> job(tmp.resolve("y"), "--index", "ivf", "--nprobe", "999"));
    assertEquals("--nprobe: expected N <= 173 (the number of lists), got 999", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> RetrieveJob.parse(JobArgs.parse("retrieve", List.of("--keys", "k",
        "--queries", "q", "--out", "o", "--nprobe", "4"), RetrieveJob.VALUED, RetrieveJob.FLAGS)));
    assertEquals("--nprobe: expected only with --index ivf, got --index exact", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> RetrieveJob.parse(JobArgs.parse("retrieve", List.of("--keys", "k",
        "--queries", "q", "--out", "o", "--metric", "dot"), RetrieveJob.VALUED, RetrieveJob.FLAGS)));
    assertEquals("--metric: expected ip, cos or l2, got 'dot'", e.getMessage());
  }
}
