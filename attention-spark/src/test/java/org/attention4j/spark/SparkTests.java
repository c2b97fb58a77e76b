package org.attention4j.spark;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * One local Spark session for every test of the JVM: two threads, each task allowed a second attempt
 * ({@code local[2,2]}, so a task that fails once is retried), driver on the loopback interface, UI off.
 */
final class SparkTests {
  private static SparkSession session;

  private SparkTests() {}

  static synchronized SparkSession spark() {
    if (session == null) {
      session = Main.local(SparkSession.builder().appName("attention-spark-tests").master("local[2,2]"))
          .config("spark.default.parallelism", "2").getOrCreate();
      session.sparkContext().setLogLevel("WARN");
    }
    return session;
  }

  /** rows × cols uniform in [-1, 1), row-major. */
  static float[] random(long seed, int rows, int cols) {
    Random r = new Random(seed);
    float[] out = new float[rows * cols];
    for (int i = 0; i < out.length; i++) out[i] = r.nextFloat() * 2 - 1;
    return out;
  }

  static float[] row(float[] m, int cols, int i) { return java.util.Arrays.copyOfRange(m, i * cols, (i + 1) * cols); }

  /** Writes (id, vector array<float>) rows as Parquet, ids in a shuffled order over {@code files} files. */
  static void writeVectors(Path dir, String vectorColumn, float[] m, int cols, int files) {
    int rows = m.length / cols;
    List<Row> list = new ArrayList<>(rows);
    for (int i = 0; i < rows; i++) list.add(RowFactory.create((long) i, row(m, cols, i)));
    java.util.Collections.shuffle(list, new Random(7));
    StructType schema = new StructType().add("id", DataTypes.LongType, false)
        .add(vectorColumn, DataTypes.createArrayType(DataTypes.FloatType, false), false);
    spark().createDataFrame(list, schema).repartition(files).write().mode("overwrite").parquet(dir.toString());
  }

  /** Writes (id, key, value) rows as Parquet. */
  static void writeKeyValues(Path dir, float[] k, int dk, float[] v, int dv, int files) {
    int rows = k.length / dk;
    List<Row> list = new ArrayList<>(rows);
    for (int i = 0; i < rows; i++) list.add(RowFactory.create((long) i, row(k, dk, i), row(v, dv, i)));
    java.util.Collections.shuffle(list, new Random(11));
    StructType schema = new StructType().add("id", DataTypes.LongType, false)
        .add("key", DataTypes.createArrayType(DataTypes.FloatType, false), false)
        .add("value", DataTypes.createArrayType(DataTypes.FloatType, false), false);
    spark().createDataFrame(list, schema).repartition(files).write().mode("overwrite").parquet(dir.toString());
  }

  /** Reads (id, array<float> column) output into rows × cols, by id. */
  static float[] readOutput(Path dir, String column, int rows, int cols) {
    float[] out = new float[rows * cols];
    boolean[] seen = new boolean[rows];
    for (Row r : spark().read().parquet(dir.toString()).select("id", column).collectAsList()) {
      int id = (int) r.getLong(0);
      if (seen[id]) throw new AssertionError("id " + id + " twice in the output");
      seen[id] = true;
      List<Float> v = r.getList(1);
      if (v.size() != cols) throw new AssertionError("id " + id + ": expected " + cols + " values, got " + v.size());
      for (int c = 0; c < cols; c++) out[id * cols + c] = v.get(c);
    }
    for (int i = 0; i < rows; i++) if (!seen[i]) throw new AssertionError("id " + i + " missing from the output");
    return out;
  }
}
