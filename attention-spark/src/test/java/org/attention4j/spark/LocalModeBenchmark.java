package org.attention4j.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * Throughput of the three jobs in one local-mode JVM ({@code local[1]} or {@code local[2]}): data
 * generated with Spark SQL and written as Parquet first (not timed), then each job once to warm up
 * and once timed. Run: {@code java -cp ... org.attention4j.spark.LocalModeBenchmark MASTER
 * NQ NK D KEYS QUERIES PAIRS LEN [retrieve]} (with {@code retrieve}: the retrieval rows only).
 */
public final class LocalModeBenchmark {
  private LocalModeBenchmark() {}

  public static void main(String[] a) throws Exception {
    String master = a[0];
    int nq = Integer.parseInt(a[1]), nk = Integer.parseInt(a[2]), d = Integer.parseInt(a[3]);
    int keys = Integer.parseInt(a[4]), queries = Integer.parseInt(a[5]), pairs = Integer.parseInt(a[6]), len = Integer.parseInt(a[7]);
    SparkSession spark = Main.local(SparkSession.builder().master(master).appName("bench")).getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    Path dir = Files.createTempDirectory("spark-bench");
    String vec = "transform(sequence(1, " + d + "), i -> cast(sin(id * 7919 + i * 104729) as float))";
    String vec2 = "transform(sequence(1, " + d + "), i -> cast(cos(id * 7907 + i * 104723) as float))";
    spark.range(nq).selectExpr("id", vec + " as query").repartition(4).write().parquet(dir.resolve("q").toString());
    spark.range(nk).selectExpr("id", vec + " as key", vec2 + " as value").repartition(4).write().parquet(dir.resolve("kv").toString());
    spark.range(keys).selectExpr("id", vec + " as key").repartition(4).write().parquet(dir.resolve("keys").toString());
    spark.range(queries).selectExpr("id", vec2 + " as query").repartition(4).write().parquet(dir.resolve("rq").toString());
    String series = "transform(sequence(1, " + len + "), i -> cast(sin(i * 0.1 + id) as float))";
    String shifted = "transform(sequence(1, " + len + "), i -> cast(sin(i * 0.1 + id - 0.5) as float))";
    spark.range(pairs).selectExpr("id", series + " as x", shifted + " as y").repartition(4).write()
        .parquet(dir.resolve("pairs").toString());
    String p = Integer.toString(Math.max(2, spark.sparkContext().defaultParallelism()));
    boolean retrieveOnly = a.length > 8 && a[8].equals("retrieve");
    for (String mode : retrieveOnly ? List.<String>of() : List.of("broadcast", "partitioned")) {
      List<String> args = List.of("--queries", dir.resolve("q").toString(), "--keys", dir.resolve("kv").toString(), "--scorer",
          "scaled-dot", "--mode", mode, "--key-partitions", p, "--out", dir.resolve("out-" + mode).toString());
      AttendJob.run(spark, AttendJob.parse(args(args, AttendJob.class)));
      long t = System.nanoTime();
      AttendJob.Summary s = AttendJob.run(spark, AttendJob.parse(args(args, AttendJob.class)));
      report(master, "attend " + mode + " " + nq + "x" + nk + " d=" + d, s.queries(), "query rows/s", t,
          2.0 * 2 * nq * (double) nk * d);
    }
    List<String> r = List.of("--keys", dir.resolve("keys").toString(), "--queries", dir.resolve("rq").toString(), "--top", "10",
        "--key-partitions", p, "--out", dir.resolve("out-r").toString());
    RetrieveJob.run(spark, RetrieveJob.parse(args(r, RetrieveJob.class)));
    long t = System.nanoTime();
    RetrieveJob.Summary rs = RetrieveJob.run(spark, RetrieveJob.parse(args(r, RetrieveJob.class)));
    report(master, "retrieve top-10 " + keys + " keys d=" + d, rs.queries(), "queries/s", t, 2.0 * queries * (double) keys * d);
    // cos and l2 exact (ExactSearch per partition), then the IVF index (l2, built on the driver, saved, then loaded)
    for (String metric : List.of("cos", "l2")) {
      List<String> m = new java.util.ArrayList<>(r);
      m.addAll(List.of("--metric", metric));
      t = System.nanoTime();
      RetrieveJob.Summary ms = RetrieveJob.run(spark, RetrieveJob.parse(args(m, RetrieveJob.class)));
      report(master, "retrieve exact " + metric + " top-10 " + keys + " keys d=" + d, ms.queries(), "queries/s", t, 0);
    }
    for (String nprobe : List.of("1", "16")) {
      List<String> iv = new java.util.ArrayList<>(r);
      iv.addAll(List.of("--metric", "l2", "--index", "ivf", "--nprobe", nprobe, "--index-dir", dir.resolve("ivf").toString()));
      t = System.nanoTime();
      RetrieveJob.Summary is = RetrieveJob.run(spark, RetrieveJob.parse(args(iv, RetrieveJob.class)));
      report(master, "retrieve ivf l2 nprobe " + nprobe + " (index " + (is.indexLoaded() ? "loaded" : "built") + " in " + is.buildMs()
          + " ms, nlist " + is.nlist() + ") top-10 " + keys + " keys d=" + d, is.queries(), "queries/s", t, 0);
    }
    if (retrieveOnly) {
      spark.stop();
      return;
    }
    List<String> al = List.of("--pairs", dir.resolve("pairs").toString(), "--soft", "0.1", "--out", dir.resolve("out-a").toString());
    AlignJob.run(spark, AlignJob.parse(args(al, AlignJob.class)));
    t = System.nanoTime();
    AlignJob.Summary as = AlignJob.run(spark, AlignJob.parse(args(al, AlignJob.class)));
    report(master, "align dtw+soft+landscape " + pairs + " pairs n=m=" + len, as.pairs(), "pairs/s", t, 0);
    spark.stop();
  }

  private static JobArgs args(List<String> args, Class<?> job) {
    if (job == AttendJob.class) return JobArgs.parse("attend", args, AttendJob.VALUED, AttendJob.FLAGS);
    if (job == RetrieveJob.class) return JobArgs.parse("retrieve", args, RetrieveJob.VALUED, RetrieveJob.FLAGS);
    return JobArgs.parse("align", args, AlignJob.VALUED, AlignJob.FLAGS);
  }

  private static void report(String master, String what, long n, String unit, long t0, double flops) {
    double s = (System.nanoTime() - t0) / 1e9;
    System.out.printf("%s | %s | %.1f s | %.0f %s%s%n", master, what, s, n / s, unit,
        flops > 0 ? String.format(" | %.2f GFLOP/s", flops / s / 1e9) : "");
  }
}
