package org.attention4j.spark;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.SparkSession;

/**
 * {@code org.attention4j.spark.Main <job> [options]} with job {@code attend}, {@code retrieve} or
 * {@code align}: run by {@code ./attention4j spark <job> --master local[2] ...} (a class-path JVM with
 * Spark from Maven) or by {@code spark-submit --class org.attention4j.spark.Main <jar> <job> ...}.
 * Exit codes as the CLI: 0 success, 2 bad input (one line naming the option or column), 1 internal
 * error.
 */
public final class Main {
  /** Spark 4.2 deprecates the first updates of JDK 25; this is the oldest one checked here. */
  static final Runtime.Version MIN_JDK = Runtime.Version.parse("25.0.3");

  private Main() {}

  public static void main(String[] args) {
    int code = run(args, System.out, System.err);
    if (code != 0) System.exit(code);
  }

  /** Why this JDK is refused, or empty when it is recent enough. */
  static Optional<String> checkJdk(Runtime.Version v) {
    if (v.compareToIgnoreOptional(MIN_JDK) >= 0) return Optional.empty();
    return Optional.of("attention4j spark: expected a JDK " + MIN_JDK + " or newer (Spark 4.2 deprecates older JDK 25 "
        + "updates), got " + v + "; set JAVA_HOME to a newer JDK");
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    Optional<String> jdk = checkJdk(Runtime.version());
    if (jdk.isPresent()) {
      err.println(jdk.get());
      return 2;
    }
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
      (args.length == 0 ? err : out).println(usage());
      return args.length == 0 ? 2 : 0;
    }
    String job = args[0];
    List<String> rest = Arrays.asList(args).subList(1, args.length);
    if (rest.contains("--help") || rest.contains("-h")) {
      out.println(usage());
      return 0;
    }
    SparkSession spark = null;
    boolean ours = false;                    // stop only a session this call started (not an embedding one)
    try {
      JobArgs a = switch (job) {
        case "attend" -> JobArgs.parse(job, rest, AttendJob.VALUED, AttendJob.FLAGS);
        case "retrieve" -> JobArgs.parse(job, rest, RetrieveJob.VALUED, RetrieveJob.FLAGS);
        case "align" -> JobArgs.parse(job, rest, AlignJob.VALUED, AlignJob.FLAGS);
        default -> throw new IllegalArgumentException("job: expected attend, retrieve or align, got '" + job + "'");
      };
      ours = SparkSession.getDefaultSession().isEmpty() && SparkSession.getActiveSession().isEmpty();
      spark = session("attention4j-" + job, a.get("--master"));
      String summary = switch (job) {
        case "attend" -> AttendJob.run(spark, AttendJob.parse(a)).json();
        case "retrieve" -> RetrieveJob.run(spark, RetrieveJob.parse(a)).json();
        default -> AlignJob.run(spark, AlignJob.parse(a)).json();
      };
      if (a.flag("--json")) {
        out.println(summary);
      } else {
        err.println("attention4j spark " + job + ": done " + summary);
      }
      return 0;
    } catch (Exception e) {                // SparkException is checked but thrown from Scala undeclared
      Optional<IllegalArgumentException> bad = badInput(e);
      if (bad.isPresent()) {
        err.println("attention4j spark " + job + ": " + bad.get().getMessage());
        return 2;
      }
      err.println("attention4j spark " + job + ": internal error");
      e.printStackTrace(err);
      return 1;
    } finally {
      if (spark != null && ours) spark.stop();
    }
  }

  /**
   * A session; the master comes from {@code --master} or else from spark-submit. In local mode the
   * driver stays on the loopback interface and the web UI is off.
   */
  static SparkSession session(String app, Optional<String> master) {
    SparkSession.Builder b = SparkSession.builder().appName(app);
    if (master.isPresent()) {
      b = b.master(master.get());
      if (master.get().startsWith("local")) b = local(b);
    }
    return b.getOrCreate();
  }

  /** Loopback-only settings for local mode (also used by the tests). */
  public static SparkSession.Builder local(SparkSession.Builder b) {
    return b.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.session.timeZone", "UTC");
  }

  /** The bad-input cause of a failure, if any: Spark wraps an executor's exception in its own. */
  static Optional<IllegalArgumentException> badInput(Throwable e) {
    Set<Throwable> seen = new HashSet<>();
    for (Throwable t = e; t != null && seen.add(t); t = t.getCause()) {
      if (t instanceof IllegalArgumentException iae) return Optional.of(iae);
    }
    // a matrix file the driver could not read (as the CLI: an input error)
    if (e instanceof java.io.UncheckedIOException u) {
      return Optional.of(new IllegalArgumentException(String.valueOf(u.getMessage()).replaceAll("\\s*\\R\\s*", " "), u));
    }
    // a task's exception reaches the driver as text when its class is not the driver's; keep the message
    String msg = String.valueOf(e.getMessage());
    int at = msg.indexOf("java.lang.IllegalArgumentException: ");
    if (at >= 0) {
      String line = msg.substring(at + "java.lang.IllegalArgumentException: ".length()).lines().findFirst().orElse("");
      return Optional.of(new IllegalArgumentException(line));
    }
    return Optional.empty();
  }

  static String usage() {
    return String.join("\n",
        "Usage: attention4j spark <job> [--master URL] [options]",
        "  (on a cluster: spark-submit --class " + Main.class.getName() + " <jar> <job> ...)",
        "  attend   --queries Q --keys K [--values V] --scorer ID --out DIR [--normalizer ID] [--temperature T]",
        "           [--params F] [--seed N] [--set k=v] [--plugin-path DIR] [--mode auto|broadcast|partitioned]",
        "           [--broadcast-limit-mb M] [--key-partitions P] [--block-rows B] [--id-column id]",
        "           [--query-column query] [--key-id-column id] [--key-column key] [--value-column value] [--json]",
        "  retrieve --keys K --queries Q --top K --out DIR [--metric ip|cos|l2] [--index exact|ivf] [--nprobe N]",
        "           [--index-dir DIR] [--seed N] [--key-partitions P] [--block-rows B] [--id-column id]",
        "           [--query-column query] [--key-id-column id] [--key-column key] [--set kernels=ID] [--json]",
        "  align    --pairs P --out DIR [--dim D] [--cost sqeuclidean|abs|scorer:ID] [--band W] [--soft GAMMA]",
        "           [--max-shift S] [--id-column id] [--x-column x] [--y-column y] [--json]",
        "Q, K, V, P: Parquet datasets (vectors as array<float> or float32 little-endian binary); Q, K and V may",
        "also be matrix files (.npy, .csv, .arrow). Output: a Parquet folder. Bad input exits 2, naming the",
        "option or column.");
  }
}
