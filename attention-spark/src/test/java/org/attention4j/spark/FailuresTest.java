package org.attention4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A task that fails once is retried with the same result; bad input fails naming the column. */
class FailuresTest {
  static final int NQ = 400, NK = 600, D = 8, DV = 4;
  static final float[] Q = SparkTests.random(21, NQ, D), K = SparkTests.random(22, NK, D), V = SparkTests.random(23, NK, DV);

  @TempDir static Path tmp;

  @BeforeAll static void data() {
    SparkTests.writeVectors(tmp.resolve("queries"), "query", Q, D, 2);
    SparkTests.writeKeyValues(tmp.resolve("kv"), K, D, V, DV, 2);
  }

  private static AttendJob.Summary attend(String scorer, String queries, String out, String... more) {
    List<String> args = new ArrayList<>(List.of("--queries", queries, "--keys", tmp.resolve("kv").toString(), "--scorer", scorer,
        "--mode", "partitioned", "--key-partitions", "2", "--block-rows", "100", "--out", out));
    args.addAll(List.of(more));
    return AttendJob.run(SparkTests.spark(), AttendJob.parse(JobArgs.parse("attend", args, AttendJob.VALUED, AttendJob.FLAGS)));
  }

  @Test void aTaskThatFailsOnceIsRetriedWithTheSameResult() {
    Path clean = tmp.resolve("clean"), retried = tmp.resolve("retried");
    attend("flaky-dot", tmp.resolve("queries").toString(), clean.toString());
    FlakyScorerProvider.arm();
    attend("flaky-dot", tmp.resolve("queries").toString(), retried.toString());
    assertTrue(FlakyScorerProvider.FIRED.get(), "the injected failure did not happen");
    float[] a = SparkTests.readOutput(clean, "output", NQ, DV), b = SparkTests.readOutput(retried, "output", NQ, DV);
    for (int i = 0; i < a.length; i++) assertEquals(Float.floatToIntBits(a[i]), Float.floatToIntBits(b[i]), "value " + i);
    AttendJobTest.class.getName();     // same reference as the main test, on this data:
    float[] expected = reference();
    for (int i = 0; i < a.length; i++) assertEquals(expected[i], a[i], 1e-5, "value " + i);
  }

  private static float[] reference() {
    float[] out = new float[NQ * DV];
    for (int i = 0; i < NQ; i++) {
      double[] s = new double[NK];
      double m = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < NK; j++) {
        double dot = 0;
        for (int c = 0; c < D; c++) dot += (double) Q[i * D + c] * K[j * D + c];
        s[j] = dot;
        m = Math.max(m, dot);
      }
      double sum = 0;
      for (int j = 0; j < NK; j++) sum += s[j] = Math.exp(s[j] - m);
      for (int c = 0; c < DV; c++) {
        double acc = 0;
        for (int j = 0; j < NK; j++) acc += s[j] * V[j * DV + c];
        out[i * DV + c] = (float) (acc / sum);
      }
    }
    return out;
  }

  /** Runs Main and returns (exit code, stderr). */
  private static Map.Entry<Integer, String> main(String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(args, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
    return Map.entry(code, err.toString(StandardCharsets.UTF_8));
  }

  @Test void aMissingColumnIsNamed() {
    var r = main("attend", "--master", "local[2,2]", "--queries", tmp.resolve("queries").toString(), "--query-column", "q",
        "--keys", tmp.resolve("kv").toString(), "--scorer", "dot", "--out", tmp.resolve("x").toString());
    assertEquals(2, r.getKey(), r.getValue());
    assertTrue(r.getValue().contains("--query-column: expected a column 'q'"), r.getValue());
    assertTrue(r.getValue().contains("[id, query]"), r.getValue());
  }

  @Test void aWrongVectorWidthIsNamedWithTheRow() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 50; i++) rows.add(RowFactory.create((long) i, SparkTests.row(Q, D, i)));
    rows.add(RowFactory.create(50L, new float[D - 1]));
    Path bad = tmp.resolve("bad-width");
    StructType schema = new StructType().add("id", DataTypes.LongType, false)
        .add("query", DataTypes.createArrayType(DataTypes.FloatType, false), false);
    SparkTests.spark().createDataFrame(rows, schema).coalesce(1).write().mode("overwrite").parquet(bad.toString());
    var r = main("attend", "--master", "local[2,2]", "--queries", bad.toString(), "--keys", tmp.resolve("kv").toString(),
        "--scorer", "dot", "--out", tmp.resolve("y").toString());
    assertEquals(2, r.getKey(), r.getValue());
    assertTrue(r.getValue().contains("query: expected " + D + " floats per row, got " + (D - 1) + " in row id 50"), r.getValue());
  }

  @Test void aWrongColumnTypeIsNamed() {
    var r = main("attend", "--master", "local[2,2]", "--queries", tmp.resolve("queries").toString(), "--query-column", "id",
        "--keys", tmp.resolve("kv").toString(), "--scorer", "dot", "--out", tmp.resolve("z").toString());
    assertEquals(2, r.getKey(), r.getValue());
    assertTrue(r.getValue().contains("--query-column: expected column 'id'"), r.getValue());
    assertTrue(r.getValue().contains("array<float> or binary"), r.getValue());
  }

  @Test void aMissingDatasetIsNamed() {
    var r = main("align", "--master", "local[2,2]", "--pairs", tmp.resolve("no-such-pairs").toString(), "--out",
        tmp.resolve("w").toString());
    assertEquals(2, r.getKey(), r.getValue());
    assertTrue(r.getValue().contains("--pairs: expected a Parquet dataset, got "), r.getValue());
  }

  @Test void oldJdk25UpdatesAreRefusedWithAClearMessage() {
    assertTrue(Main.checkJdk(Runtime.Version.parse("25.0.3")).isEmpty());
    assertTrue(Main.checkJdk(Runtime.Version.parse("26")).isEmpty());
    String msg = Main.checkJdk(Runtime.Version.parse("25.0.2+8")).orElseThrow();
    assertTrue(msg.contains("expected a JDK 25.0.3 or newer") && msg.contains("got 25.0.2"), msg);
  }

  @Test void unknownJobsAndOptionsExit2() {
    var r = main("attnd");
    assertEquals(2, r.getKey());
    assertTrue(r.getValue().contains("job: expected attend, retrieve or align, got 'attnd'"), r.getValue());
    var o = main("attend", "--queries", "q", "--frobnicate", "1");
    assertEquals(2, o.getKey());
    assertTrue(o.getValue().contains("got '--frobnicate'"), o.getValue());
  }
}
