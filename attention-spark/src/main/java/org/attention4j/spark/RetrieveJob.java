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
import org.attention4j.spark.AttendJob.QueryBlock;
import org.attention4j.spark.internal.ExecutorRegistry;
import org.attention4j.spark.internal.Inputs;
import org.attention4j.spark.internal.Outputs;
import org.attention4j.spark.internal.RowReader;
import scala.Tuple2;

/**
 * Sharded exact retrieval by inner product: the keys are range-partitioned by id across the
 * executors, every (query block, key partition) pair runs the registry's {@code Kernels.topK} (ties
 * by the lower index, and a partition's rows are in id order), and the candidates of each query merge
 * exactly: best score first, ties by the lower id — the same ids as one exact search over all keys.
 * Output Parquet: {@code id}, {@code ids array<bigint>}, {@code scores array<float>}.
 *
 * <p>Exact search only; the IVF and learned indexes are not distributed yet.
 */
public final class RetrieveJob {
  private RetrieveJob() {}

  /** The job's options. */
  public record Options(String keys, String queries, int top, String idColumn, String queryColumn, String keyIdColumn,
      String keyColumn, List<String> pluginPaths, Map<String, String> settings, int keyPartitions, int blockRows,
      String out) implements Serializable {}

  /** What the job did. */
  public record Summary(long queries, long keys, int keyPartitions, int top, String kernel, long elapsedMs) {
    String json() {
      return "{\"job\": \"retrieve\", \"index\": \"exact\", \"metric\": \"ip\", \"n_keys\": " + keys + ", \"n_queries\": "
          + queries + ", \"top\": " + top + ", \"key_partitions\": " + keyPartitions + ", \"kernel\": \"" + kernel
          + "\", \"elapsed_ms\": " + elapsedMs + "}";
    }
  }

  static final Set<String> VALUED = Set.of("--keys", "--queries", "--top", "--id-column", "--query-column",
      "--key-id-column", "--key-column", "--plugin-path", "--set", "--key-partitions", "--block-rows", "--out", "--master",
      "--metric", "--index");
  static final Set<String> FLAGS = Set.of("--json");

  static Options parse(JobArgs a) {
    String metric = a.get("--metric", "ip");
    if (!metric.equals("ip")) {
      throw new IllegalArgumentException("--metric: expected ip (the distributed job ranks by inner product), got '" + metric + "'");
    }
    String index = a.get("--index", "exact");
    if (!index.equals("exact")) {
      throw new IllegalArgumentException("--index: expected exact (ivf and learned are not distributed yet), got '" + index + "'");
    }
    Map<String, String> settings = a.settings();
    for (String k : settings.keySet()) {
      if (!k.equals("kernels")) throw new IllegalArgumentException("--set: expected kernels=ID, got '" + k + "'");
    }
    return new Options(a.require("--keys"), a.require("--queries"), a.getInt("--top", 10, 1), a.get("--id-column", "id"),
        a.get("--query-column", "query"), a.get("--key-id-column", "id"), a.get("--key-column", "key"), a.all("--plugin-path"),
        settings, a.getInt("--key-partitions", 0, 0), a.getInt("--block-rows", 256, 1), a.require("--out"));
  }

  /** A partition of the keys in id order. */
  record KeyBlock(int part, long[] ids, float[] keys) implements Serializable {
    int rows() { return ids.length; }
  }

  /** The best candidates of one query block in one key partition: k' per row (ids global). */
  record Candidates(int part, int k, long[] ids, float[] scores) implements Serializable {}

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
      JavaPairRDD<Long, Candidates> cands = qBlocks.cartesian(kBlocks)
          .mapPartitionsToPair(it -> searchTask(it, ExecutorRegistry.get(plugins, Optional.ofNullable(kernelsId)).kernels(), d, top));
      JavaPairRDD<Long, long[]> ids = qBlocks.mapToPair(q -> new Tuple2<>(q.key(), q.ids()));
      JavaRDD<Row> rows = ids.join(cands.groupByKey()).flatMap(t -> merge(t._2()._1(), t._2()._2(), top));
      StructType schema = new StructType().add("id", DataTypes.LongType, false)
          .add("ids", DataTypes.createArrayType(DataTypes.LongType, false), false)
          .add("scores", DataTypes.createArrayType(DataTypes.FloatType, false), false);
      Dataset<Row> result = spark.createDataFrame(rows, schema);
      long nq = Outputs.write(result, o.out(), "ids", true, top);
      kBlocks.unpersist(false);
      qBlocks.unpersist(false);
      return new Summary(nq, nk, used, top, ExecutorRegistry.get(plugins, Optional.ofNullable(kernelsId)).kernels().id(),
          (System.nanoTime() - t0) / 1_000_000);
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
}
