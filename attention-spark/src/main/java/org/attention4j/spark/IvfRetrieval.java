package org.attention4j.spark;

import java.io.Serializable;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.storage.StorageLevel;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.spi.Kernels;
import org.attention4j.retrieval.IvfIndex;
import org.attention4j.retrieval.KeyValueMemory;
import org.attention4j.retrieval.Metric;
import org.attention4j.spark.AttendJob.QueryBlock;
import org.attention4j.spark.RetrieveJob.KeyBlock;
import org.attention4j.spark.internal.ExecutorRegistry;
import org.attention4j.spark.internal.ListScan;
import org.attention4j.spark.internal.ListShard;
import scala.Tuple2;

/**
 * The IVF index distributed by partition. The driver builds the index with attention-retrieval's
 * {@link IvfIndex} over the keys gathered in id order (or loads it from {@code --index-dir}), and
 * keeps only what routing needs: the centroids, the list of every key and the list sizes. The lists
 * are cut into contiguous shards of about equal key counts; every key travels to its list's shard
 * (one chunk per source partition and shard, no per-row objects), where the keys are grouped by list
 * in id order with their kernel form. Each query block is routed where it lives (the centroid scores
 * through the kernels' matmul, ranked as the single-machine index ranks them, {@code nprobe} lists
 * and more while they hold fewer than k keys) and sent to the shards of the lists it probes; a shard
 * scans each list once for all the block's queries that probe it with the top-k kernel (k + 8
 * candidates per list), rescores the candidates in float64 and keeps each query's best k. The merge
 * ranks each query's candidates from all shards by (score, id): every step is the single-machine
 * search's, per list and per query, so the ids and scores are those of {@code IvfIndex.search} for
 * the same index and nprobe.
 */
final class IvfRetrieval {
  private IvfRetrieval() {}

  /** Candidates kept per list beyond k, as the single-machine inverted lists keep. */
  static final int MARGIN = 8;

  /** What the executors need of the index (broadcast). */
  record Plan(ListScan scan, int nlist, float[] centroids, double[] scale, double[] bias, int[] listSizes, int[] firstList,
      int[] shardOfList, int[] assignment, int[] rowOffset, int k, int nprobe) implements Serializable {
    int shards() { return firstList.length - 1; }
  }

  /** The queries of one block that probe lists of one shard, with the lists each probes there. */
  record Probe(long block, int[] queries, long[] ids, float[] data, int[] listOffsets, int[] lists) implements Serializable {}

  /** Each probing query's best k (or fewer) keys in one shard, float64 scores. */
  record Found(int[] queries, int[] offsets, long[] ids, double[] scores) implements Serializable {}

  /** Shard i is Spark partition i. */
  static final class ShardPartitioner extends Partitioner {
    private final int shards;

    ShardPartitioner(int shards) { this.shards = shards; }

    @Override public int numPartitions() { return shards; }

    @Override public int getPartition(Object key) { return (Integer) key; }

    @Override public boolean equals(Object o) { return o instanceof ShardPartitioner p && p.shards == shards; }

    @Override public int hashCode() { return shards; }
  }

  /** Index facts for the summary, and what to release after the write. */
  record Built(int nlist, int nprobe, int shards, boolean loaded, long buildMs, JavaRDD<ListShard> listShards, Broadcast<Plan> plan) {
    void release() {
      listShards.unpersist(false);
      plan.unpersist(false);
    }
  }

  /**
   * Runs the search and returns the rows (id, ids, scores) with the index facts; {@code kBlocks} are
   * the key partitions in id order (partition p before p + 1).
   */
  static Tuple2<JavaRDD<Row>, Built> run(JavaSparkContext jsc, RetrieveJob.Options o, Metric metric, JavaRDD<KeyBlock> kBlocks,
      JavaRDD<QueryBlock> qBlocks, int d, long nk, int parts) {
    long b0 = System.nanoTime();
    List<String> plugins = o.pluginPaths();
    String kernelsId = o.settings().get("kernels");
    Kernels kernels = ExecutorRegistry.get(plugins, Optional.ofNullable(kernelsId)).kernels();
    if (nk * d > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("--keys: expected at most " + (Integer.MAX_VALUE - 16) / d + " keys of width " + d
          + " for an index built on the driver, got " + nk);
    }
    int n = (int) nk;
    List<KeyBlock> blocks = new ArrayList<>(kBlocks.collect());
    blocks.sort(Comparator.comparingInt(KeyBlock::part));
    int[] rowOffset = new int[blocks.stream().mapToInt(KeyBlock::part).max().orElse(0) + 1];
    int nlist, nprobe;
    float[] centroids, mu = null;
    int[] assignment, sizes;
    boolean loaded;
    try (BufferAllocator root = new RootAllocator();
         FixedSizeListVector kv = DenseMatrices.allocate(root, "keys", n, d)) {
      // the keys in id order on the driver: row i of the index is the i-th smallest id
      MemorySegment seg = DenseMatrices.segment(kv);
      int at = 0;
      long prev = Long.MIN_VALUE;
      boolean any = false;
      for (KeyBlock b : blocks) {
        rowOffset[b.part()] = at;
        for (long id : b.ids()) {
          if (any && id <= prev) throw new IllegalArgumentException(o.keyIdColumn() + ": expected unique key ids, got id " + id + " twice");
          prev = id;
          any = true;
        }
        MemorySegment.copy(b.keys(), 0, seg, ValueLayout.JAVA_FLOAT_UNALIGNED, (long) at * d * Float.BYTES, b.rows() * d);
        at += b.rows();
      }
      blocks = null;                                   // the driver keeps the keys once, off the heap
      if (at != n) throw new IllegalStateException("keys: expected " + n + " rows gathered, got " + at);
      Path dir = o.indexDir() == null ? null : Path.of(o.indexDir());
      String saved = dir == null ? null : IvfIndex.savedKind(dir);
      if (saved != null && !saved.equals("ivf")) {
        throw new IllegalArgumentException("--index-dir " + dir + ": expected a saved ivf index (or an empty folder), got a " + saved
            + " index");
      }
      loaded = saved != null;
      try (KeyValueMemory memory = KeyValueMemory.of(kv, null);
           IvfIndex ivf = loaded ? IvfIndex.load(dir, memory, metric, kernels, root)
               : IvfIndex.build(memory, metric, kernels, IvfIndex.Options.defaults(n).withSeed(o.seed()))) {
        if (!loaded && dir != null) ivf.save(dir, root);
        nlist = ivf.nlist();
        centroids = ivf.centroids();
        assignment = ivf.assignment();
        sizes = ivf.listSizes();
      }
      nprobe = o.nprobe() == 0 ? Math.min(16, nlist) : o.nprobe();
      if (nprobe > nlist) throw new IllegalArgumentException("--nprobe: expected N <= " + nlist + " (the number of lists), got " + nprobe);
      if (metric == Metric.L2) mu = ListScan.center(seg, n, d, listOrder(assignment, sizes));
    }
    double[] scale = new double[nlist], bias = new double[nlist];
    for (int l = 0; l < nlist; l++) {
      double cc = 0;
      for (int j = 0; j < d; j++) cc += (double) centroids[l * d + j] * centroids[l * d + j];
      scale[l] = metric == Metric.COS ? (cc == 0 ? 0 : 1 / Math.sqrt(cc)) : 1;
      bias[l] = metric == Metric.L2 ? -cc / 2 : 0;
    }
    int[] first = shards(sizes, n, Math.min(parts, nlist));
    int shards = first.length - 1;
    int[] shardOf = new int[nlist];
    for (int s = 0; s < shards; s++) for (int l = first[s]; l < first[s + 1]; l++) shardOf[l] = s;
    ListScan scan = new ListScan(metric.ordinal(), d, mu);
    Broadcast<Plan> plan = jsc.broadcast(new Plan(scan, nlist, centroids, scale, bias, sizes, first, shardOf, assignment, rowOffset,
        o.top(), nprobe));
    long buildMs = (System.nanoTime() - b0) / 1_000_000;

    ShardPartitioner partitioner = new ShardPartitioner(shards);
    JavaRDD<ListShard> listShards = kBlocks.flatMapToPair(kb -> split(kb, plan.value()).iterator())
        .partitionBy(partitioner)
        .mapPartitionsWithIndex((s, it) -> {
          List<ListShard.Chunk> chunks = new ArrayList<>();
          it.forEachRemaining(t -> chunks.add(t._2()));
          Plan p = plan.value();
          return List.of(ListShard.of(s, p.firstList()[s], p.firstList()[s + 1] - p.firstList()[s], chunks, p.scan())).iterator();
        }, true)
        .persist(StorageLevel.MEMORY_AND_DISK());
    String column = o.queryColumn();
    JavaPairRDD<Integer, Probe> probes = qBlocks
        .flatMapToPair(qb -> route(qb, plan.value(), ExecutorRegistry.get(plugins, Optional.ofNullable(kernelsId)).kernels()).iterator())
        .partitionBy(partitioner);
    JavaPairRDD<Long, Found> found = JavaPairRDD.fromJavaRDD(probes.zipPartitions(listShards,
        (pIt, sIt) -> search(pIt, sIt, plan.value(), ExecutorRegistry.get(plugins, Optional.ofNullable(kernelsId)).kernels(), column)));
    JavaPairRDD<Long, long[]> ids = qBlocks.mapToPair(q -> new Tuple2<>(q.key(), q.ids()));
    int top = o.top();
    boolean descending = metric.descending();
    JavaRDD<Row> rows = ids.join(found.groupByKey()).flatMap(t -> merge(t._2()._1(), t._2()._2(), top, descending));
    return new Tuple2<>(rows, new Built(nlist, nprobe, shards, loaded, buildMs, listShards, plan));
  }

  /** Row indices in list order (ids ascending within a list), as the single-machine lists hold them. */
  static int[] listOrder(int[] assignment, int[] sizes) {
    int[] fill = new int[sizes.length];
    for (int l = 1; l < sizes.length; l++) fill[l] = fill[l - 1] + sizes[l - 1];
    int[] order = new int[assignment.length];
    for (int i = 0; i < assignment.length; i++) order[fill[assignment[i]]++] = i;
    return order;
  }

  /**
   * Contiguous ranges of lists with about n/shards keys each (at least one list per shard):
   * {@code first[s]} is shard s's first list, {@code first[shards] = nlist}.
   */
  static int[] shards(int[] sizes, int n, int shards) {
    int nlist = sizes.length;
    int[] first = new int[shards + 1];
    first[shards] = nlist;
    long cum = 0;
    int l = 0;
    for (int s = 1; s < shards; s++) {
      long target = (long) n * s / shards;
      while (l < nlist - (shards - s) && (cum < target || l < first[s - 1] + 1)) cum += sizes[l++];
      first[s] = l;
    }
    return first;
  }

  /** One chunk per shard of a key partition's rows, keyed by shard. */
  static List<Tuple2<Integer, ListShard.Chunk>> split(KeyBlock kb, Plan p) {
    int base = p.rowOffset()[kb.part()], n = kb.rows(), d = p.scan().d(), shards = p.shards();
    int[] count = new int[shards];
    for (int j = 0; j < n; j++) count[p.shardOfList()[p.assignment()[base + j]]]++;
    int[][] lists = new int[shards][], rows = new int[shards][];
    long[][] ids = new long[shards][];
    float[][] keys = new float[shards][];
    for (int s = 0; s < shards; s++) {
      lists[s] = new int[count[s]];
      rows[s] = new int[count[s]];
      ids[s] = new long[count[s]];
      keys[s] = new float[count[s] * d];
    }
    int[] fill = new int[shards];
    for (int j = 0; j < n; j++) {
      int l = p.assignment()[base + j], s = p.shardOfList()[l], f = fill[s]++;
      lists[s][f] = l;
      rows[s][f] = base + j;
      ids[s][f] = kb.ids()[j];
      System.arraycopy(kb.keys(), j * d, keys[s], f * d, d);
    }
    List<Tuple2<Integer, ListShard.Chunk>> out = new ArrayList<>();
    for (int s = 0; s < shards; s++) {
      if (count[s] > 0) out.add(new Tuple2<>(s, new ListShard.Chunk(lists[s], rows[s], ids[s], keys[s])));
    }
    return out;
  }

  /** Routes a query block: the lists each query probes, grouped by shard. */
  static List<Tuple2<Integer, Probe>> route(QueryBlock qb, Plan p, Kernels kernels) {
    int nq = qb.rows(), nlist = p.nlist(), d = p.scan().d(), shards = p.shards();
    float[] s = new float[nq * nlist];
    kernels.matmul(MemorySegment.ofArray(qb.data()), false, MemorySegment.ofArray(p.centroids()), true, MemorySegment.ofArray(s),
        nq, nlist, d, 1f, 0f);
    int[][] probed = new int[nq][];
    int[] queriesIn = new int[shards], listsIn = new int[shards];
    int[] lastQuery = new int[shards];
    java.util.Arrays.fill(lastQuery, -1);
    for (int q = 0; q < nq; q++) {
      int[] route = ListScan.route(s, q * nlist, nlist, p.scale(), p.bias());
      probed[q] = java.util.Arrays.copyOf(route, ListScan.probes(route, p.nprobe(), p.k(), p.listSizes()));
      for (int l : probed[q]) {
        int sh = p.shardOfList()[l];
        listsIn[sh]++;
        if (lastQuery[sh] != q) {
          lastQuery[sh] = q;
          queriesIn[sh]++;
        }
      }
    }
    List<Tuple2<Integer, Probe>> out = new ArrayList<>();
    for (int sh = 0; sh < shards; sh++) {
      if (queriesIn[sh] == 0) continue;
      int[] queries = new int[queriesIn[sh]], offsets = new int[queriesIn[sh] + 1], lists = new int[listsIn[sh]];
      long[] ids = new long[queriesIn[sh]];
      float[] data = new float[queriesIn[sh] * d];
      int r = 0, j = 0;
      for (int q = 0; q < nq; q++) {
        int before = j;
        for (int l : probed[q]) if (p.shardOfList()[l] == sh) lists[j++] = l;
        if (j == before) continue;
        queries[r] = q;
        ids[r] = qb.ids()[q];
        System.arraycopy(qb.data(), q * d, data, r * d, d);
        offsets[++r] = j;
      }
      out.add(new Tuple2<>(sh, new Probe(qb.key(), queries, ids, data, offsets, lists)));
    }
    return out;
  }

  /** A shard's task: every probe block sent to it against its lists. */
  static Iterator<Tuple2<Long, Found>> search(Iterator<Tuple2<Integer, Probe>> probes, Iterator<ListShard> shardIt, Plan p,
      Kernels kernels, String column) {
    List<Tuple2<Long, Found>> out = new ArrayList<>();
    if (!probes.hasNext()) return out.iterator();
    ListShard shard = shardIt.next();
    int dp = p.scan().kernelDim();
    try (Arena arena = Arena.ofConfined()) {
      // the kernel keys off the heap, as the single-machine lists hold them
      MemorySegment kernelKeys = arena.allocate(Math.max(1L, (long) shard.kernelKeys().length * Float.BYTES), 64);
      MemorySegment.copy(shard.kernelKeys(), 0, kernelKeys, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, shard.kernelKeys().length);
      while (probes.hasNext()) {
        Probe probe = probes.next()._2();
        out.add(new Tuple2<>(probe.block(), searchProbe(probe, shard, kernelKeys, dp, p, kernels, column)));
      }
    }
    return out.iterator();
  }

  static Found searchProbe(Probe probe, ListShard shard, MemorySegment kernelKeys, int dp, Plan p, Kernels kernels, String column) {
    ListScan scan = p.scan();
    int m = probe.queries().length, d = scan.d(), k = p.k(), want = k + MARGIN, lists = shard.lists(), first = shard.firstList();
    int[] off = shard.offsets();
    float[] kq = new float[m * dp];
    for (int r = 0; r < m; r++) scan.queryInto(probe.data(), r * d, kq, r * dp, column, probe.ids()[r]);
    int[] perList = new int[lists];
    int[] cap = new int[m + 1];
    for (int r = 0; r < m; r++) {
      cap[r + 1] = cap[r];
      for (int j = probe.listOffsets()[r]; j < probe.listOffsets()[r + 1]; j++) {
        int l = probe.lists()[j] - first;
        perList[l]++;
        cap[r + 1] += Math.min(want, off[l + 1] - off[l]);
      }
    }
    int[][] byList = new int[lists][];
    for (int l = 0; l < lists; l++) byList[l] = new int[perList[l]];
    int[] fill = new int[lists];
    for (int r = 0; r < m; r++) {
      for (int j = probe.listOffsets()[r]; j < probe.listOffsets()[r + 1]; j++) {
        int l = probe.lists()[j] - first;
        byList[l][fill[l]++] = r;
      }
    }
    int[] candRows = new int[cap[m]];
    int[] candFill = new int[m];
    for (int l = 0; l < lists; l++) {
      int[] qs = byList[l];
      int size = off[l + 1] - off[l];
      if (qs.length == 0 || size == 0) continue;
      int kc = Math.min(want, size);
      float[] bq = new float[qs.length * dp];
      for (int r = 0; r < qs.length; r++) System.arraycopy(kq, qs[r] * dp, bq, r * dp, dp);
      int[] ids = new int[qs.length * kc];
      float[] sc = new float[qs.length * kc];
      MemorySegment seg = kernelKeys.asSlice((long) off[l] * dp * Float.BYTES, (long) size * dp * Float.BYTES);
      kernels.topK(seg, size, dp, MemorySegment.ofArray(bq), qs.length, kc, MemorySegment.ofArray(ids), MemorySegment.ofArray(sc));
      for (int r = 0; r < qs.length; r++) {
        int q = qs[r];
        for (int j = 0; j < kc; j++) candRows[cap[q] + candFill[q]++] = off[l] + ids[r * kc + j];
      }
    }
    // float64 rescoring, then each query's best k in this shard
    long[] cIds = new long[cap[m]];
    double[] cScores = new double[cap[m]];
    int[] offsets = new int[m + 1];
    for (int r = 0; r < m; r++) {
      for (int j = 0; j < candFill[r]; j++) {
        int row = candRows[cap[r] + j];
        cIds[cap[r] + j] = shard.ids()[row];
        cScores[cap[r] + j] = scan.score(probe.data(), r * d, shard.keys(), row * d, shard.norms()[row]);
      }
      offsets[r + 1] = offsets[r] + Math.min(k, candFill[r]);
    }
    long[] ids = new long[offsets[m]];
    double[] scores = new double[offsets[m]];
    for (int r = 0; r < m; r++) {
      int[] best = ListScan.best(cIds, cScores, cap[r], candFill[r], k, scan.descending());
      for (int j = 0; j < best.length; j++) {
        ids[offsets[r] + j] = cIds[best[j]];
        scores[offsets[r] + j] = cScores[best[j]];
      }
    }
    return new Found(probe.queries(), offsets, ids, scores);
  }

  /** Each query's best k over the shards' candidates: by (score, id), as the single-machine search ranks. */
  static Iterator<Row> merge(long[] queryIds, Iterable<Found> parts, int top, boolean descending) {
    int nq = queryIds.length;
    int[] count = new int[nq + 1];
    for (Found f : parts) for (int r = 0; r < f.queries().length; r++) count[f.queries()[r] + 1] += f.offsets()[r + 1] - f.offsets()[r];
    for (int q = 0; q < nq; q++) count[q + 1] += count[q];
    long[] ids = new long[count[nq]];
    double[] scores = new double[count[nq]];
    int[] fill = new int[nq];
    for (Found f : parts) {
      for (int r = 0; r < f.queries().length; r++) {
        int q = f.queries()[r];
        for (int j = f.offsets()[r]; j < f.offsets()[r + 1]; j++) {
          ids[count[q] + fill[q]] = f.ids()[j];
          scores[count[q] + fill[q]++] = f.scores()[j];
        }
      }
    }
    List<Row> out = new ArrayList<>(nq);
    for (int q = 0; q < nq; q++) {
      if (fill[q] < top) throw new IllegalStateException("query " + queryIds[q] + ": expected " + top + " candidates, got " + fill[q]);
      int[] best = ListScan.best(ids, scores, count[q], fill[q], top, descending);
      long[] bestIds = new long[top];
      float[] bestScores = new float[top];
      for (int j = 0; j < top; j++) {
        bestIds[j] = ids[best[j]];
        bestScores[j] = (float) scores[best[j]];
      }
      out.add(RowFactory.create(queryIds[q], bestIds, bestScores));
    }
    return out.iterator();
  }
}
