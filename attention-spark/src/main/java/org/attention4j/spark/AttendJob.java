package org.attention4j.spark;

import static org.apache.spark.sql.functions.col;

import java.io.Serializable;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.attention4j.api.AttentionResult;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.facade.Attention;
import org.attention4j.api.spi.Kernels;
import org.attention4j.api.spi.Normalizer;
import org.attention4j.api.spi.Scorer;
import org.attention4j.spark.internal.Inputs;
import org.attention4j.spark.internal.MechanismSpec;
import org.attention4j.spark.internal.Outputs;
import org.attention4j.spark.internal.RowReader;
import org.attention4j.spark.internal.SoftmaxPartial;
import org.attention4j.spark.internal.VectorColumn;
import scala.Tuple2;

/**
 * Batch attention of a dataset of query rows against a key/value set: {@code O = N(S(Q, K)/T) · V}
 * per query row, written as Parquet ({@code id}, {@code output array<float>}).
 *
 * <p>{@code broadcast}: the key/value set goes to every executor and each task attends its query
 * rows in blocks through the api's {@link Attention} facade (any scorer, any normalizer).
 * {@code partitioned}: the key/value set stays split in partitions; every (query block, key
 * partition) pair gives a {@link SoftmaxPartial} (per-row max, sum and partial read) and the
 * partials of a block merge exactly in partition order (softmax only). {@code auto} broadcasts when
 * the keys and values take at most {@code broadcastLimitBytes}.
 */
public final class AttendJob {
  private AttendJob() {}

  /** How the key/value set reaches the tasks. */
  public enum Mode { AUTO, BROADCAST, PARTITIONED }

  /**
   * The job's options (the command line's, see {@link #parse}).
   *
   * @param queries Parquet dataset or matrix file of query rows
   * @param keys Parquet dataset (columns id, key, value) or a matrix file (then {@code values} too)
   * @param values matrix file of values when {@code keys} is one; else null
   */
  public record Options(String queries, String idColumn, String queryColumn, String keys, String values,
      String keyIdColumn, String keyColumn, String valueColumn, String scorer, String normalizer, float temperature,
      String params, long seed, Map<String, String> settings, List<String> pluginPaths, Mode mode,
      long broadcastLimitBytes, int keyPartitions, int blockRows, String out) implements Serializable {}

  /** What the job did. */
  public record Summary(String mode, long queries, long keys, int keyPartitions, int queryDim, int valueDim, String scorer,
      String normalizer, String kernel, long elapsedMs) {
    String json() {
      return "{\"job\": \"attend\", \"mode\": \"" + mode + "\", \"queries\": " + queries + ", \"keys\": " + keys
          + ", \"key_partitions\": " + keyPartitions + ", \"query_dim\": " + queryDim + ", \"value_dim\": " + valueDim
          + ", \"scorer\": \"" + scorer + "\", \"normalizer\": \"" + normalizer + "\", \"kernel\": \"" + kernel
          + "\", \"elapsed_ms\": " + elapsedMs + "}";
    }
  }

  static final java.util.Set<String> VALUED = java.util.Set.of("--queries", "--id-column", "--query-column", "--keys",
      "--values", "--key-id-column", "--key-column", "--value-column", "--scorer", "--normalizer", "--temperature",
      "--params", "--seed", "--set", "--plugin-path", "--mode", "--broadcast-limit-mb", "--key-partitions", "--block-rows",
      "--out", "--master");
  static final java.util.Set<String> FLAGS = java.util.Set.of("--json");

  /** Options from the command line. */
  static Options parse(JobArgs a) {
    String keys = a.require("--keys");
    String values = a.get("--values").orElse(null);
    if (Inputs.isMatrixFile(keys) && values == null) {
      throw new IllegalArgumentException("--values: expected a matrix file with --keys " + keys + ", got none");
    }
    if (!Inputs.isMatrixFile(keys) && values != null) {
      throw new IllegalArgumentException("--values: expected none when --keys is a Parquet dataset (use --value-column), got "
          + values);
    }
    Mode mode = switch (a.get("--mode", "auto")) {
      case "auto" -> Mode.AUTO;
      case "broadcast" -> Mode.BROADCAST;
      case "partitioned" -> Mode.PARTITIONED;
      default -> throw new IllegalArgumentException("--mode: expected auto, broadcast or partitioned, got '" + a.get("--mode", "")
          + "'");
    };
    return new Options(a.require("--queries"), a.get("--id-column", "id"), a.get("--query-column", "query"), keys, values,
        a.get("--key-id-column", "id"), a.get("--key-column", "key"), a.get("--value-column", "value"), a.require("--scorer"),
        a.get("--normalizer", "softmax"), (float) a.getPositive("--temperature", 1), a.get("--params").orElse(null),
        a.getLong("--seed", 0), a.settings(), a.all("--plugin-path"), mode,
        (long) (a.getPositive("--broadcast-limit-mb", 64) * 1024 * 1024), a.getInt("--key-partitions", 0, 0),
        a.getInt("--block-rows", 256, 1), a.require("--out"));
  }

  /** A block of query rows (ids and row-major vectors), the unit of the partitioned mode. */
  record QueryBlock(long key, long[] ids, float[] data, int rows) implements Serializable {}

  /** One partition of the key/value set, keys and values row-major, in id order. */
  record KvBlock(int part, int rows, float[] keys, float[] values) implements Serializable {}

  /** Runs the job and writes {@code options.out()}. */
  public static Summary run(SparkSession spark, Options o) {
    long t0 = System.nanoTime();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    try (BufferAllocator driver = new RootAllocator()) {
      Dataset<Row> qdf = Inputs.open(spark, o.queries(), "--queries", o.idColumn(), o.queryColumn(), driver);
      RowReader qReader = RowReader.of(qdf.schema(), "--queries " + o.queries(), o.idColumn(), "--id-column",
          o.queryColumn(), "--query-column");
      Dataset<Row> queries = qdf.select(col(o.idColumn()), col(o.queryColumn()));
      int dq = firstWidth(queries, qReader, "--queries");

      // the key/value set: on the driver (matrix files) or as a dataset
      Inputs.Matrix km = null, vm = null;
      Dataset<Row> kv = null;
      int dk, dv;
      long nk;
      if (Inputs.isMatrixFile(o.keys())) {
        km = Inputs.readMatrix(o.keys(), "--keys", driver);
        vm = Inputs.readMatrix(o.values(), "--values", driver);
        if (vm.rows() != km.rows()) {
          throw new IllegalArgumentException("--values: expected " + km.rows() + " rows (= keys rows), got " + vm.rows());
        }
        dk = km.cols();
        dv = vm.cols();
        nk = km.rows();
      } else {
        Dataset<Row> kdf = Inputs.open(spark, o.keys(), "--keys", o.keyIdColumn(), o.keyColumn(), driver);
        String name = "--keys " + o.keys();
        RowReader.of(kdf.schema(), name, o.keyIdColumn(), "--key-id-column", o.keyColumn(), "--key-column");
        VectorColumn.of(kdf.schema(), o.valueColumn(), "--value-column", name, 2);
        kv = kdf.select(col(o.keyIdColumn()), col(o.keyColumn()), col(o.valueColumn()));
        dk = firstWidth(kv.select(col(o.keyIdColumn()), col(o.keyColumn())),
            RowReader.of(kdf.schema(), name, o.keyIdColumn(), "--key-id-column", o.keyColumn(), "--key-column"), "--keys");
        dv = firstWidth(kv.select(col(o.keyIdColumn()), col(o.valueColumn())),
            RowReader.of(kdf.schema(), name, o.keyIdColumn(), "--key-id-column", o.valueColumn(), "--value-column"), "--keys");
        nk = kv.count();
      }
      if (nk == 0) throw new IllegalArgumentException("--keys: expected at least one key, got 0");

      MechanismSpec spec = MechanismSpec.resolve(o.pluginPaths(), o.settings(), o.scorer(), o.normalizer(),
          Optional.ofNullable(o.params()).map(Path::of), o.seed(), dq, dk, driver);
      long kvBytes = nk * (long) (dk + dv) * Float.BYTES;
      Mode mode = o.mode() == Mode.AUTO ? (kvBytes <= o.broadcastLimitBytes() ? Mode.BROADCAST : Mode.PARTITIONED) : o.mode();
      if (mode == Mode.PARTITIONED && !spec.normalizer(driver).isSoftmax()) {
        throw new IllegalArgumentException("--normalizer: expected softmax for the partitioned mode (its exact merge "
            + "is a softmax identity), got '" + o.normalizer() + "'; use --mode broadcast");
      }
      int parts = o.keyPartitions() > 0 ? o.keyPartitions() : Math.max(1, jsc.defaultParallelism());

      JavaRDD<KvBlock> kvBlocks;
      if (km != null) {
        kvBlocks = jsc.parallelize(split(km, vm, mode == Mode.BROADCAST ? 1 : parts), mode == Mode.BROADCAST ? 1 : parts);
      } else {
        kvBlocks = kvBlocks(kv.repartitionByRange(parts, col(o.keyIdColumn())).sortWithinPartitions(col(o.keyIdColumn())),
            dk, dv, o);
      }

      JavaRDD<Row> rows;
      List<JavaRDD<?>> cached = new ArrayList<>();
      int dvFinal = dv;
      int usedParts;
      if (mode == Mode.BROADCAST) {
        List<KvBlock> all = new ArrayList<>(kvBlocks.collect());
        all.sort(java.util.Comparator.comparingInt(KvBlock::part));
        KvBlock whole = concat(all, dk, dv);
        Broadcast<KvBlock> b = jsc.broadcast(whole);
        int block = o.blockRows();
        float temperature = o.temperature();
        rows = queries.queryExecution().toRdd().toJavaRDD()
            .mapPartitions(it -> broadcastTask(it, qReader, dq, b.value(), dk, dvFinal, spec, temperature, block));
        usedParts = 1;
      } else {
        JavaRDD<QueryBlock> qBlocks = queries.queryExecution().toRdd().toJavaRDD()
            .mapPartitionsWithIndex((idx, it) -> queryBlocks(idx, it, qReader, dq, o.blockRows()), false)
            .persist(StorageLevel.MEMORY_AND_DISK());
        JavaRDD<KvBlock> kvs = kvBlocks.filter(k -> k.rows() > 0).persist(StorageLevel.MEMORY_AND_DISK());
        cached.add(qBlocks);
        cached.add(kvs);
        usedParts = (int) kvs.count();
        float temperature = o.temperature();
        JavaPairRDD<Long, SoftmaxPartial> partials = qBlocks.cartesian(kvs)
            .mapPartitionsToPair(it -> partialTask(it, spec, temperature, dq, dk, dvFinal));
        JavaPairRDD<Long, long[]> ids = qBlocks.mapToPair(q -> new Tuple2<>(q.key(), q.ids()));
        rows = ids.join(partials.groupByKey()).flatMap(t -> mergeRows(t._2()._1(), t._2()._2(), dvFinal));
      }
      StructType schema = new StructType().add("id", DataTypes.LongType, false)
          .add("output", DataTypes.createArrayType(DataTypes.FloatType, false), false);
      Dataset<Row> result = spark.createDataFrame(rows, schema);
      long nq = Outputs.write(result, o.out(), "output", false, dv);
      cached.forEach(r -> r.unpersist(false));
      return new Summary(mode.name().toLowerCase(java.util.Locale.ROOT), nq, nk, usedParts, dq, dv, o.scorer(),
          o.normalizer(), spec.kernels().id(), (System.nanoTime() - t0) / 1_000_000);
    }
  }

  /** The vector width of the first row (every other row is checked against it as it is read). */
  static int firstWidth(Dataset<Row> twoColumns, RowReader reader, String option) {
    List<Integer> w = twoColumns.queryExecution().toRdd().toJavaRDD()
        .mapPartitions(it -> it.hasNext() ? List.of(reader.width(it.next())).iterator() : java.util.Collections.<Integer>emptyIterator())
        .take(1);
    if (w.isEmpty()) throw new IllegalArgumentException(option + ": expected at least one row, got none");
    return w.get(0);
  }

  private static List<KvBlock> split(Inputs.Matrix k, Inputs.Matrix v, int parts) {
    List<KvBlock> out = new ArrayList<>();
    int n = k.rows();
    for (int p = 0; p < parts; p++) {
      int lo = (int) ((long) n * p / parts), hi = (int) ((long) n * (p + 1) / parts);
      out.add(new KvBlock(p, hi - lo, java.util.Arrays.copyOfRange(k.data(), lo * k.cols(), hi * k.cols()),
          java.util.Arrays.copyOfRange(v.data(), lo * v.cols(), hi * v.cols())));
    }
    return out;
  }

  private static KvBlock concat(List<KvBlock> blocks, int dk, int dv) {
    int n = blocks.stream().mapToInt(KvBlock::rows).sum();
    float[] k = new float[n * dk], v = new float[n * dv];
    int at = 0;
    for (KvBlock b : blocks) {
      System.arraycopy(b.keys(), 0, k, at * dk, b.rows() * dk);
      System.arraycopy(b.values(), 0, v, at * dv, b.rows() * dv);
      at += b.rows();
    }
    return new KvBlock(0, n, k, v);
  }

  /** One key/value block per partition of (id, key, value) rows sorted by id. */
  private static JavaRDD<KvBlock> kvBlocks(Dataset<Row> sorted, int dk, int dv, Options o) {
    StructType schema = sorted.schema();
    String name = "--keys " + o.keys();
    VectorColumn kc = VectorColumn.of(schema, o.keyColumn(), "--key-column", name, 1);
    VectorColumn vc = VectorColumn.of(schema, o.valueColumn(), "--value-column", name, 2);
    RowReader ids = RowReader.of(schema, name, o.keyIdColumn(), "--key-id-column", o.keyColumn(), "--key-column");
    return sorted.queryExecution().toRdd().toJavaRDD().mapPartitionsWithIndex((p, it) -> {
      FloatBuffer keys = new FloatBuffer(dk), values = new FloatBuffer(dv);
      int n = 0;
      while (it.hasNext()) {
        InternalRow row = it.next();
        long id = ids.id(row);
        keys.ensure(n + 1);
        values.ensure(n + 1);
        kc.copy(row, id, dk, MemorySegment.ofArray(keys.data), (long) n * dk * Float.BYTES);
        RowReader.requireFinite(MemorySegment.ofArray(keys.data), (long) n * dk * Float.BYTES, dk, kc.name(), id);
        vc.copy(row, id, dv, MemorySegment.ofArray(values.data), (long) n * dv * Float.BYTES);
        RowReader.requireFinite(MemorySegment.ofArray(values.data), (long) n * dv * Float.BYTES, dv, vc.name(), id);
        n++;
      }
      return List.of(new KvBlock(p, n, java.util.Arrays.copyOf(keys.data, n * dk),
          java.util.Arrays.copyOf(values.data, n * dv))).iterator();
    }, true);
  }

  /** A growable float array of rows of a fixed width. */
  private static final class FloatBuffer {
    final int width;
    float[] data;

    FloatBuffer(int width) {
      this.width = width;
      this.data = new float[Math.max(1, width) * 1024];
    }

    void ensure(int rows) {
      if ((long) rows * width > data.length) data = java.util.Arrays.copyOf(data, Math.max(rows * width, data.length * 2));
    }
  }

  static Iterator<QueryBlock> queryBlocks(int partition, Iterator<InternalRow> it, RowReader reader, int d,
      int blockRows) {
    List<QueryBlock> out = new ArrayList<>();
    int seq = 0;
    while (it.hasNext()) {
      long[] ids = new long[blockRows];
      float[] data = new float[blockRows * d];
      int n = reader.fill(it, d, ids, MemorySegment.ofArray(data));
      out.add(new QueryBlock(((long) partition << 32) | seq++, java.util.Arrays.copyOf(ids, n),
          java.util.Arrays.copyOf(data, n * d), n));
    }
    return out.iterator();
  }

  /** A broadcast-mode task: its query rows in blocks, each attended against the whole key/value set. */
  private static Iterator<Row> broadcastTask(Iterator<InternalRow> it, RowReader reader, int dq, KvBlock kv, int dk, int dv,
      MechanismSpec spec, float temperature, int blockRows) {
    List<Row> out = new ArrayList<>();
    try (BufferAllocator root = new RootAllocator();
         Scorer scorer = spec.scorer(root);
         FixedSizeListVector k = DenseMatrices.of(root, "keys", kv.rows(), dk, kv.keys());
         FixedSizeListVector v = DenseMatrices.of(root, "values", kv.rows(), dv, kv.values())) {
      Normalizer normalizer = spec.normalizer(root);
      Attention att = Attention.builder(scorer, normalizer, spec.kernels()).temperature(temperature).build();
      long[] ids = new long[blockRows];
      while (it.hasNext()) {
        int n;
        try (FixedSizeListVector block = DenseMatrices.allocate(root, "query", blockRows, dq)) {
          n = reader.fill(it, dq, ids, DenseMatrices.segment(block));
          try (FixedSizeListVector q = n == blockRows ? null : DenseMatrices.allocate(root, "query", n, dq)) {
            if (q != null) MemorySegment.copy(DenseMatrices.segment(block), 0, DenseMatrices.segment(q), 0, (long) n * dq * 4);
            try (AttentionResult r = att.attend(q == null ? block : q, k, v, false, root)) {
              MemorySegment o = DenseMatrices.segment(r.output());
              for (int i = 0; i < n; i++) {
                out.add(RowFactory.create(ids[i], o.asSlice((long) i * dv * 4, (long) dv * 4).toArray(ValueLayout.JAVA_FLOAT)));
              }
            }
          }
        }
      }
    }
    return out.iterator();
  }

  /** A partitioned-mode task: for each (query block, key partition) pair of its share, the softmax partial. */
  private static Iterator<Tuple2<Long, SoftmaxPartial>> partialTask(Iterator<Tuple2<QueryBlock, KvBlock>> it,
      MechanismSpec spec, float temperature, int dq, int dk, int dv) {
    List<Tuple2<Long, SoftmaxPartial>> out = new ArrayList<>();
    try (BufferAllocator root = new RootAllocator(); Scorer scorer = spec.scorer(root)) {
      Kernels kernels = spec.kernels();
      while (it.hasNext()) {
        Tuple2<QueryBlock, KvBlock> pair = it.next();
        QueryBlock qb = pair._1();
        KvBlock kb = pair._2();
        out.add(new Tuple2<>(qb.key(), partial(scorer, kernels, temperature, qb, kb, dq, dk, dv, root)));
      }
    }
    return out.iterator();
  }

  /** Max, sum and normalized read of a query block over one key partition. */
  static SoftmaxPartial partial(Scorer scorer, Kernels kernels, float temperature, QueryBlock qb, KvBlock kb, int dq, int dk,
      int dv, BufferAllocator root) {
    int nq = qb.rows(), nk = kb.rows();
    try (FixedSizeListVector q = DenseMatrices.of(root, "query", nq, dq, qb.data());
         FixedSizeListVector k = DenseMatrices.of(root, "keys", nk, dk, kb.keys());
         FixedSizeListVector v = DenseMatrices.of(root, "values", nk, dv, kb.values());
         FixedSizeListVector s = scorer.score(q, k, root);
         FixedSizeListVector o = DenseMatrices.allocate(root, "output", nq, dv)) {
      MemorySegment ss = DenseMatrices.segment(s);
      float[] max = new float[nq];
      double[] sum = new double[nq];
      float scale = 1f / temperature;
      for (int i = 0; i < nq; i++) {
        float m = Float.NEGATIVE_INFINITY;
        long row = (long) i * nk;
        for (int j = 0; j < nk; j++) m = Math.max(m, ss.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, row + j) * scale);
        double l = 0;
        for (int j = 0; j < nk; j++) l += Math.exp(ss.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, row + j) * scale - m);
        max[i] = m;
        sum[i] = l;
      }
      kernels.softmaxRows(ss, ss, nq, nk, scale, null);
      kernels.matmul(ss, false, DenseMatrices.segment(v), false, DenseMatrices.segment(o), nq, dv, nk, 1f, 0f);
      return new SoftmaxPartial(kb.part(), nq, dv, max, sum, DenseMatrices.toArray(o));
    }
  }

  private static Iterator<Row> mergeRows(long[] ids, Iterable<SoftmaxPartial> partials, int dv) {
    List<SoftmaxPartial> list = new ArrayList<>();
    partials.forEach(list::add);
    float[] merged = SoftmaxPartial.merge(list);
    List<Row> out = new ArrayList<>(ids.length);
    for (int i = 0; i < ids.length; i++) {
      out.add(RowFactory.create(ids[i], java.util.Arrays.copyOfRange(merged, i * dv, (i + 1) * dv)));
    }
    return out.iterator();
  }
}
