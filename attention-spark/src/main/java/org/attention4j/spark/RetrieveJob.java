package org.attention4j.spark;

import static org.apache.spark.sql.functions.col;

import java.io.Serializable;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.spi.Kernels;
import org.attention4j.retrieval.ExactSearch;
import org.attention4j.retrieval.KeyValueMemory;
import org.attention4j.retrieval.Metric;
import org.attention4j.retrieval.TopK;
import org.attention4j.spark.AttendJob.QueryBlock;
import org.attention4j.spark.internal.ExecutorRegistry;
import org.attention4j.spark.internal.Inputs;
import org.attention4j.spark.internal.ListScan;
import org.attention4j.spark.internal.Outputs;
import org.attention4j.spark.internal.RowReader;
import scala.Tuple2;

/**
 * Sharded retrieval. <b>Exact</b>: the keys are range-partitioned by id across the executors and
 * every (query block, key partition) pair is searched — by inner product with the registry's
 * {@code Kernels.topK} (ties by the lower index, and a partition's rows are in id order; float32
 * scores), by cosine or squared L2 with attention-retrieval's {@code ExactSearch} on the partition
 * (unit or centred, augmented keys through the kernel, candidates rescored in float64 and proven, so
 * each partition's top k is the float64 ranking) — and the candidates of each query merge exactly:
 * best score first, ties by the lower id, the same ids as one exact search over all keys. <b>IVF</b>
 * ({@code --index ivf}): see {@link IvfRetrieval}; the same ids and scores as the single-machine
 * {@code IvfIndex} search for the same index and nprobe. Output Parquet: {@code id},
 * {@code ids array<bigint>}, {@code scores array<float>} (l2: squared distances, ascending).
 */
public final class RetrieveJob {
  private RetrieveJob() {}

  /** The job's options. */
  public record Options(String keys, String queries, int top, String idColumn, String queryColumn, String keyIdColumn,
      String keyColumn, List<String> pluginPaths, Map<String, String> settings, int keyPartitions, int blockRows,
      String out, String metric, String index, int nprobe, String indexDir, long seed) implements Serializable {}

  /** What the job did. */
  public record Summary(long queries, long keys, int keyPartitions, int top, String kernel, long elapsedMs, String index,
      String metric, Integer nlist, Integer nprobe, Boolean indexLoaded, Long buildMs) {
    String json() {
      return "{\"job\": \"retrieve\", \"index\": \"" + index + "\", \"metric\": \"" + metric + "\", \"n_keys\": " + keys
          + ", \"n_queries\": " + queries + ", \"top\": " + top + ", \"key_partitions\": " + keyPartitions + ", \"nlist\": "
          + nlist + ", \"nprobe\": " + nprobe + ", \"index_loaded\": " + indexLoaded + ", \"build_ms\": " + buildMs
          + ", \"kernel\": \"" + kernel + "\", \"elapsed_ms\": " + elapsedMs + "}";
    }
  }

  static final Set<String> VALUED = Set.of("--keys", "--queries", "--top", "--id-column", "--query-column",
      "--key-id-column", "--key-column", "--plugin-path", "--set", "--key-partitions", "--block-rows", "--out", "--master",
      "--metric", "--index", "--nprobe", "--index-dir", "--seed");
  static final Set<String> FLAGS = Set.of("--json");

  static Options parse(JobArgs a) {
    String metric = Metric.parse(a.get("--metric", "ip"), "--metric").id();
    String index = a.get("--index", "exact");
    if (!index.equals("exact") && !index.equals("ivf")) {
      throw new IllegalArgumentException("--index: expected exact or ivf (the learned index is not distributed yet), got '" + index + "'");
    }
    boolean ivf = index.equals("ivf");
    if (!ivf && a.get("--nprobe").isPresent()) {
      throw new IllegalArgumentException("--nprobe: expected only with --index ivf, got --index " + index);
    }
    if (!ivf && a.get("--index-dir").isPresent()) {
      throw new IllegalArgumentException("--index-dir: expected only with --index ivf, got --index " + index);
    }
    Map<String, String> settings = a.settings();
    for (String k : settings.keySet()) {
      if (!k.equals("kernels")) throw new IllegalArgumentException("--set: expected kernels=ID, got '" + k + "'");
    }
    return new Options(a.require("--keys"), a.require("--queries"), a.getInt("--top", 10, 1), a.get("--id-column", "id"),
        a.get("--query-column", "query"), a.get("--key-id-column", "id"), a.get("--key-column", "key"), a.all("--plugin-path"),
        settings, a.getInt("--key-partitions", 0, 0), a.getInt("--block-rows", 256, 1), a.require("--out"), metric, index,
        a.getInt("--nprobe", 0, 1), a.get("--index-dir").orElse(null), a.getLong("--seed", 0));
  }

  /** A partition of the keys in id order. */
  record KeyBlock(int part, long[] ids, float[] keys) implements Serializable {
    int rows() { return ids.length; }
  }

  /** The best candidates of one query block in one key partition: k' per row (ids global). */
  record Candidates(int part, int k, long[] ids, float[] scores) implements Serializable {}

  /** As {@link Candidates}, with float64 scores (cos, l2). */
  record Scored(int part, int k, long[] ids, double[] scores) implements Serializable {}

  public static Summary run(SparkSession spark, Options o) {
    long t0 = System.nanoTime();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    try (BufferAllocator driver = new RootAllocator()) {
      Dataset<Row> qdf = Inputs.open(spark, o.queries(), "--queries", o.idColumn(), o.queryColumn(), driver);
      RowReader qReader = RowReader.of(qdf.schema(), "--queries " + o.queries(), o.idColumn(), "--id-column", o.queryColumn(),
          "--query-column");
      Dataset<Row> queries = qdf.select(col(o.idColumn()), col(o.queryColumn()));
      int d = AttendJob.firstWidth(queries, qReader, "--queries");
      Dataset<Row> kdf = Inputs.open(spark, o.keys(), "--keys", o.keyIdColumn(), o.keyColumn(), driver);
      RowReader kReader = RowReader.of(kdf.schema(), "--keys " + o.keys(), o.keyIdColumn(), "--key-id-column", o.keyColumn(),
          "--key-column");
      Dataset<Row> keys = kdf.select(col(o.keyIdColumn()), col(o.keyColumn()));
      int dk = AttendJob.firstWidth(keys, kReader, "--keys");
      if (dk != d) throw new IllegalArgumentException(o.keyColumn() + ": expected " + d + " floats per row (= queries), got " + dk);
      long nk = keys.count();
      if (o.top() > nk) throw new IllegalArgumentException("--top: expected at most " + nk + " (the number of keys), got " + o.top());
      int parts = o.keyPartitions() > 0 ? o.keyPartitions() : Math.max(1, jsc.defaultParallelism());
      Dataset<Row> sorted = keys.repartitionByRange(parts, col(o.keyIdColumn())).sortWithinPartitions(col(o.keyIdColumn()));
      JavaRDD<KeyBlock> kBlocks = sorted.queryExecution().toRdd().toJavaRDD()
          .mapPartitionsWithIndex((p, it) -> keyBlock(p, it, kReader, d), true)
          .filter(b -> b.rows() > 0).persist(StorageLevel.MEMORY_AND_DISK());
      JavaRDD<QueryBlock> qBlocks = queries.queryExecution().toRdd().toJavaRDD()
          .mapPartitionsWithIndex((idx, it) -> AttendJob.queryBlocks(idx, it, qReader, d, o.blockRows()), false)
          .persist(StorageLevel.MEMORY_AND_DISK());
      int used = (int) kBlocks.count();
      List<String> plugins = o.pluginPaths();
      String kernelsId = o.settings().get("kernels");
      int top = o.top();
      Metric metric = Metric.parse(o.metric(), "--metric");
      JavaPairRDD<Long, long[]> ids = qBlocks.mapToPair(q -> new Tuple2<>(q.key(), q.ids()));
      JavaRDD<Row> rows;
      IvfRetrieval.Built built = null;
      if (o.index().equals("ivf")) {
        Tuple2<JavaRDD<Row>, IvfRetrieval.Built> r = IvfRetrieval.run(jsc, o, metric, kBlocks, qBlocks, d, nk, parts);
        rows = r._1();
        built = r._2();
      } else if (metric == Metric.IP) {
        JavaPairRDD<Long, Candidates> cands = qBlocks.cartesian(kBlocks)
            .mapPartitionsToPair(it -> searchTask(it, ExecutorRegistry.get(plugins, Optional.ofNullable(kernelsId)).kernels(), d, top));
        rows = ids.join(cands.groupByKey()).flatMap(t -> merge(t._2()._1(), t._2()._2(), top));
      } else {
        String qColumn = o.queryColumn(), kColumn = o.keyColumn();
        JavaPairRDD<Long, Scored> cands = qBlocks.cartesian(kBlocks)
            .mapPartitionsToPair(it -> exactTask(it, ExecutorRegistry.get(plugins, Optional.ofNullable(kernelsId)).kernels(), metric, d,
                top, qColumn, kColumn));
        boolean descending = metric.descending();
        rows = ids.join(cands.groupByKey()).flatMap(t -> mergeScored(t._2()._1(), t._2()._2(), top, descending));
      }
      StructType schema = new StructType().add("id", DataTypes.LongType, false)
          .add("ids", DataTypes.createArrayType(DataTypes.LongType, false), false)
          .add("scores", DataTypes.createArrayType(DataTypes.FloatType, false), false);
      Dataset<Row> result = spark.createDataFrame(rows, schema);
      long nq = Outputs.write(result, o.out(), "ids", true, top);
      kBlocks.unpersist(false);
      qBlocks.unpersist(false);
      if (built != null) built.release();
      String kernel = ExecutorRegistry.get(plugins, Optional.ofNullable(kernelsId)).kernels().id();
      long elapsed = (System.nanoTime() - t0) / 1_000_000;
      return built == null ? new Summary(nq, nk, used, top, kernel, elapsed, "exact", metric.id(), null, null, null, null)
          : new Summary(nq, nk, built.shards(), top, kernel, elapsed, "ivf", metric.id(), built.nlist(), built.nprobe(), built.loaded(),
              built.buildMs());
    }
  }

  private static Iterator<KeyBlock> keyBlock(int part, Iterator<InternalRow> it, RowReader reader, int d) {
    List<long[]> idChunks = new ArrayList<>();
    List<float[]> chunks = new ArrayList<>();
    int chunk = 4096, total = 0;
    while (it.hasNext()) {
      long[] ids = new long[chunk];
      float[] data = new float[chunk * d];
      int n = reader.fill(it, d, ids, MemorySegment.ofArray(data));
      idChunks.add(Arrays.copyOf(ids, n));
      chunks.add(n == chunk ? data : Arrays.copyOf(data, n * d));
      total += n;
    }
    long[] ids = new long[total];
    float[] keys = new float[total * d];
    int at = 0;
    for (int c = 0; c < chunks.size(); c++) {
      int n = idChunks.get(c).length;
      System.arraycopy(idChunks.get(c), 0, ids, at, n);
      System.arraycopy(chunks.get(c), 0, keys, at * d, n * d);
      at += n;
    }
    return List.of(new KeyBlock(part, ids, keys)).iterator();
  }

  private static Iterator<Tuple2<Long, Candidates>> searchTask(Iterator<Tuple2<QueryBlock, KeyBlock>> it, Kernels kernels,
      int d, int top) {
    List<Tuple2<Long, Candidates>> out = new ArrayList<>();
    try (BufferAllocator root = new RootAllocator(); Arena arena = Arena.ofConfined()) {
      while (it.hasNext()) {
        Tuple2<QueryBlock, KeyBlock> pair = it.next();
        QueryBlock qb = pair._1();
        KeyBlock kb = pair._2();
        int nq = qb.rows(), n = kb.rows(), k = Math.min(top, n);
        try (FixedSizeListVector q = DenseMatrices.of(root, "query", nq, d, qb.data());
             FixedSizeListVector keys = DenseMatrices.of(root, "keys", n, d, kb.keys())) {
          MemorySegment ids = arena.allocate((long) nq * k * Integer.BYTES);
          MemorySegment scores = arena.allocate((long) nq * k * Float.BYTES);
          kernels.topK(DenseMatrices.segment(keys), n, d, DenseMatrices.segment(q), nq, k, ids, scores);
          long[] global = new long[nq * k];
          for (int i = 0; i < global.length; i++) global[i] = kb.ids()[ids.getAtIndex(ValueLayout.JAVA_INT, i)];
          out.add(new Tuple2<>(qb.key(), new Candidates(kb.part(), k, global, scores.toArray(ValueLayout.JAVA_FLOAT))));
        }
      }
    }
    return out.iterator();
  }

  /** The exact top-k of each query of a block from its partitions' candidates: score descending, then lower id. */
  static Iterator<Row> merge(long[] queryIds, Iterable<Candidates> parts, int top) {
    List<Candidates> list = new ArrayList<>();
    parts.forEach(list::add);
    list.sort(java.util.Comparator.comparingInt(Candidates::part));
    int total = list.stream().mapToInt(Candidates::k).sum();
    List<Row> out = new ArrayList<>(queryIds.length);
    long[] ids = new long[total];
    float[] scores = new float[total];
    Integer[] order = new Integer[total];
    for (int i = 0; i < queryIds.length; i++) {
      int at = 0;
      for (Candidates c : list) {
        System.arraycopy(c.ids(), i * c.k(), ids, at, c.k());
        System.arraycopy(c.scores(), i * c.k(), scores, at, c.k());
        at += c.k();
      }
      for (int j = 0; j < total; j++) order[j] = j;
      Arrays.sort(order, (a, b) -> {
        int byScore = Float.compare(scores[b], scores[a]);
        return byScore != 0 ? byScore : Long.compare(ids[a], ids[b]);
      });
      long[] bestIds = new long[top];
      float[] bestScores = new float[top];
      for (int j = 0; j < top; j++) {
        bestIds[j] = ids[order[j]];
        bestScores[j] = scores[order[j]];
      }
      out.add(RowFactory.create(queryIds[i], bestIds, bestScores));
    }
    return out.iterator();
  }

  /**
   * An exact cos / l2 task: each key partition's {@code ExactSearch} (built once per partition in the
   * task) against the query blocks paired with it; ids mapped to the global ids.
   */
  private static Iterator<Tuple2<Long, Scored>> exactTask(Iterator<Tuple2<QueryBlock, KeyBlock>> it, Kernels kernels, Metric metric,
      int d, int top, String queryColumn, String keyColumn) {
    List<Tuple2<Long, Scored>> out = new ArrayList<>();
    try (BufferAllocator root = new RootAllocator()) {
      KeyBlock current = null;
      FixedSizeListVector keys = null;
      KeyValueMemory memory = null;
      ExactSearch search = null;
      try {
        while (it.hasNext()) {
          Tuple2<QueryBlock, KeyBlock> pair = it.next();
          QueryBlock qb = pair._1();
          KeyBlock kb = pair._2();
          if (current == null || current.part() != kb.part()) {
            if (search != null) search.close();
            if (memory != null) memory.close();
            if (keys != null) keys.close();
            search = null;
            memory = null;
            current = kb;
            if (metric == Metric.COS) requireNonZero(kb.keys(), kb.ids(), d, keyColumn);
            keys = DenseMatrices.of(root, "keys", kb.rows(), d, kb.keys());
            memory = KeyValueMemory.of(keys, null);
            search = ExactSearch.over(memory, metric, kernels);
          }
          if (metric == Metric.COS) requireNonZero(qb.data(), qb.ids(), d, queryColumn);
          int k = Math.min(top, kb.rows());
          TopK found = search.search(qb.data(), qb.rows(), k, queryColumn);
          long[] global = new long[qb.rows() * k];
          for (int i = 0; i < global.length; i++) global[i] = kb.ids()[(int) found.ids()[i]];
          out.add(new Tuple2<>(qb.key(), new Scored(kb.part(), k, global, found.scores())));
        }
      } finally {
        if (search != null) search.close();
        if (memory != null) memory.close();
        if (keys != null) keys.close();
      }
    }
    return out.iterator();
  }

  /** Refuses a zero row under cos, naming the column and the row id. */
  private static void requireNonZero(float[] m, long[] ids, int d, String column) {
    for (int i = 0; i < ids.length; i++) {
      boolean zero = true;
      for (int c = 0; c < d && zero; c++) zero = m[i * d + c] == 0f;
      if (zero) throw new IllegalArgumentException(column + ": expected non-zero rows under cos, got a zero-norm row at row id " + ids[i]);
    }
  }

  /** As {@link #merge} for float64 scores, larger first ({@code descending}) or smaller first (l2). */
  static Iterator<Row> mergeScored(long[] queryIds, Iterable<Scored> parts, int top, boolean descending) {
    List<Scored> list = new ArrayList<>();
    parts.forEach(list::add);
    list.sort(java.util.Comparator.comparingInt(Scored::part));
    int total = list.stream().mapToInt(Scored::k).sum();
    List<Row> out = new ArrayList<>(queryIds.length);
    long[] ids = new long[total];
    double[] scores = new double[total];
    for (int i = 0; i < queryIds.length; i++) {
      int at = 0;
      for (Scored c : list) {
        System.arraycopy(c.ids(), i * c.k(), ids, at, c.k());
        System.arraycopy(c.scores(), i * c.k(), scores, at, c.k());
        at += c.k();
      }
      int[] best = ListScan.best(ids, scores, 0, total, top, descending);
      long[] bestIds = new long[top];
      float[] bestScores = new float[top];
      for (int j = 0; j < top; j++) {
        bestIds[j] = ids[best[j]];
        bestScores[j] = (float) scores[best[j]];
      }
      out.add(RowFactory.create(queryIds[i], bestIds, bestScores));
    }
    return out.iterator();
  }
}
