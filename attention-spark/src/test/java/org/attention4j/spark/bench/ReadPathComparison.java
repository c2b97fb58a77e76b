package org.attention4j.spark.bench;

import java.io.ByteArrayInputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.attention4j.spark.Main;
import org.attention4j.spark.internal.RowReader;

/**
 * How query vectors of a Parquet dataset reach float32 blocks, three ways, timed on the same data
 * (sum of all floats as a checksum, best of 3 passes): Spark's public {@code Row} API (one boxed
 * Float per element), Spark's internal rows copied by {@link RowReader} through MemorySegment (the
 * jobs' path), and Arrow record batches from {@code toArrowBatchRdd} read zero-copy.
 * Run: {@code java -cp ... org.attention4j.spark.bench.ReadPathComparison ROWS DIM}.
 */
public final class ReadPathComparison {
  private ReadPathComparison() {}

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 200_000, dim = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    SparkSession spark = Main.local(SparkSession.builder().master("local[2]").appName("read-paths")).getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    Path dir = Files.createTempDirectory("read-paths");
    spark.range(rows).selectExpr("id", "transform(sequence(1, " + dim + "), i -> cast(sin(id * 100 + i) as float)) as query")
        .repartition(2).write().mode("overwrite").parquet(dir.resolve("q").toString());
    Dataset<Row> df = spark.read().parquet(dir.resolve("q").toString()).select("id", "query");
    RowReader reader = RowReader.of(df.schema(), "q", "id", "--id-column", "query", "--query-column");
    for (int pass = 0; pass < 3; pass++) {
      long t0 = System.nanoTime();
      double a = df.javaRDD().mapPartitions(it -> {
        double s = 0;
        float[] block = new float[dim];
        while (it.hasNext()) {
          List<Float> v = it.next().getList(1);
          for (int c = 0; c < dim; c++) block[c] = v.get(c);
          for (int c = 0; c < dim; c++) s += block[c];
        }
        return List.of(s).iterator();
      }).reduce(Double::sum);
      long t1 = System.nanoTime();
      JavaRDD<InternalRow> internal = df.queryExecution().toRdd().toJavaRDD();
      double b = internal.mapPartitions(it -> {
        double s = 0;
        long[] ids = new long[1024];
        float[] block = new float[1024 * dim];
        MemorySegment seg = MemorySegment.ofArray(block);
        int n;
        while ((n = reader.fill(it, dim, ids, seg)) > 0) for (int i = 0; i < n * dim; i++) s += block[i];
        return List.of(s).iterator();
      }).reduce(Double::sum);
      long t2 = System.nanoTime();
      JavaRDD<byte[]> batches = ((org.apache.spark.sql.classic.Dataset<Row>) df).toArrowBatchRdd().toJavaRDD();
      double c = batches.mapPartitions(ReadPathComparison::sumArrow).reduce(Double::sum);
      long t3 = System.nanoTime();
      System.out.printf("pass %d: %d rows x %d floats: Row API %.0f ms, internal rows + MemorySegment %.0f ms, "
          + "Arrow batches %.0f ms (checksums %.3f %.3f %.3f)%n", pass, rows, dim, (t1 - t0) / 1e6, (t2 - t1) / 1e6,
          (t3 - t2) / 1e6, a, b, c);
    }
    spark.stop();
  }

  private static Iterator<Double> sumArrow(Iterator<byte[]> it) throws java.io.IOException {
    Field element = new Field("element", FieldType.notNullable(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)), null);
    Schema schema = new Schema(List.of(new Field("id", FieldType.nullable(new ArrowType.Int(64, true)), null),
        new Field("query", FieldType.nullable(ArrowType.List.INSTANCE), List.of(element))));
    double s = 0;
    try (BufferAllocator root = new RootAllocator(); VectorSchemaRoot vsr = VectorSchemaRoot.create(schema, root)) {
      VectorLoader loader = new VectorLoader(vsr);
      while (it.hasNext()) {
        try (ArrowRecordBatch batch = MessageSerializer.deserializeRecordBatch(
            new ReadChannel(Channels.newChannel(new ByteArrayInputStream(it.next()))), root)) {
          loader.load(batch);
        }
        ListVector list = (ListVector) vsr.getVector("query");
        Float4Vector data = (Float4Vector) list.getDataVector();
        int n = list.getValueCount();
        long count = list.getOffsetBuffer().getInt(4L * n);            // rows of equal width: a row-major block
        MemorySegment seg = MemorySegment.ofAddress(data.getDataBuffer().memoryAddress()).reinterpret(count * 4);
        for (long i = 0; i < count; i++) s += seg.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i);
        ((BigIntVector) vsr.getVector("id")).getValueCount();
      }
    }
    return List.of(s).iterator();
  }
}
