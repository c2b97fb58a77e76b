package org.attention4j.spark;

import static org.apache.spark.sql.functions.col;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.StructType;
import org.attention4j.align.Aligner;
import org.attention4j.align.Band;
import org.attention4j.align.CostSpec;
import org.attention4j.align.ShiftLandscape;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.ParameterSet;
import org.attention4j.spark.internal.MechanismSpec;
import org.attention4j.spark.internal.RowReader;
import org.attention4j.spark.internal.VectorColumn;

/**
 * Many-pairs alignment: for each row (id, x, y) of a dataset of series pairs — x and y flattened
 * row-major [n, d] and [m, d] — the DTW distance, optionally the soft-DTW value, and the alignment
 * energy landscape over global shifts with its peak τ*, computed by attention-align's
 * {@link Aligner}. Output Parquet: {@code id}, {@code distance}, {@code soft_value} (null without
 * {@code --soft}), {@code tau_star}, {@code max_shift}, {@code landscape_mean array<double>} (τ from
 * −max_shift to max_shift).
 */
public final class AlignJob {
  private AlignJob() {}

  /** The job's options. */
  public record Options(String pairs, String idColumn, String xColumn, String yColumn, int dim, String cost, int band,
      double soft, int maxShift, String params, long seed, Map<String, String> settings, List<String> pluginPaths,
      String out) implements Serializable {}

  /** What the job did. */
  public record Summary(long pairs, String cost, long elapsedMs) {
    String json() {
      return "{\"job\": \"align\", \"pairs\": " + pairs + ", \"cost\": \"" + cost + "\", \"elapsed_ms\": " + elapsedMs + "}";
    }
  }

  static final Set<String> VALUED = Set.of("--pairs", "--id-column", "--x-column", "--y-column", "--dim", "--cost", "--band",
      "--soft", "--max-shift", "--params", "--seed", "--set", "--plugin-path", "--out", "--master");
  static final Set<String> FLAGS = Set.of("--json");

  static Options parse(JobArgs a) {
    String cost = a.get("--cost", "sqeuclidean");
    CostSpec.parse(cost, "--cost");
    return new Options(a.require("--pairs"), a.get("--id-column", "id"), a.get("--x-column", "x"), a.get("--y-column", "y"),
        a.getInt("--dim", 1, 1), cost, a.getInt("--band", -1, 0), a.get("--soft").isPresent() ? a.getPositive("--soft", 1) : -1,
        a.getInt("--max-shift", -1, 0), a.get("--params").orElse(null), a.getLong("--seed", 0), a.settings(),
        a.all("--plugin-path"), a.require("--out"));
  }

  public static Summary run(SparkSession spark, Options o) {
    long t0 = System.nanoTime();
    Dataset<Row> df = org.attention4j.spark.internal.Inputs.parquet(spark, o.pairs(), "--pairs");
    String name = "--pairs " + o.pairs();
    var idType = VectorColumn.field(df.schema(), o.idColumn(), "--id-column", name).dataType();
    if (!(idType instanceof LongType) && !(idType instanceof IntegerType)) {
      throw new IllegalArgumentException("--id-column: expected column '" + o.idColumn() + "' of " + name
          + " to be bigint or int, got " + idType.simpleString());
    }
    VectorColumn.of(df.schema(), o.xColumn(), "--x-column", name, 1);
    VectorColumn.of(df.schema(), o.yColumn(), "--y-column", name, 2);
    Dataset<Row> pairs = df.select(col(o.idColumn()), col(o.xColumn()), col(o.yColumn()));
    StructType schema = pairs.schema();
    RowReader ids = RowReader.of(schema, name, o.idColumn(), "--id-column", o.xColumn(), "--x-column");
    VectorColumn xc = VectorColumn.of(schema, o.xColumn(), "--x-column", name, 1);
    VectorColumn yc = VectorColumn.of(schema, o.yColumn(), "--y-column", name, 2);
    CostSpec cost = CostSpec.parse(o.cost(), "--cost");
    MechanismSpec spec;
    try (BufferAllocator driver = new RootAllocator()) {
      spec = cost.isScorer() ? MechanismSpec.resolve(o.pluginPaths(), o.settings(), cost.scorerId(), null,
          Optional.ofNullable(o.params()).map(java.nio.file.Path::of), o.seed(), o.dim(), o.dim(), driver) : null;
    }
    JavaRDD<Row> rows = pairs.queryExecution().toRdd().toJavaRDD().mapPartitions(it -> alignTask(it, ids, xc, yc, o, spec));
    StructType out = new StructType().add("id", DataTypes.LongType, false).add("distance", DataTypes.DoubleType, false)
        .add("soft_value", DataTypes.DoubleType, true).add("tau_star", DataTypes.IntegerType, false)
        .add("max_shift", DataTypes.IntegerType, false)
        .add("landscape_mean", DataTypes.createArrayType(DataTypes.DoubleType, false), false);
    spark.createDataFrame(rows, out).write().mode("overwrite").parquet(o.out());
    long n = spark.read().parquet(o.out()).count();
    return new Summary(n, o.cost(), (System.nanoTime() - t0) / 1_000_000);
  }

  private static Iterator<Row> alignTask(Iterator<InternalRow> it, RowReader ids, VectorColumn xc, VectorColumn yc, Options o,
      MechanismSpec spec) {
    List<Row> out = new ArrayList<>();
    try (BufferAllocator root = new RootAllocator();
         ParameterSet params = spec == null ? null : spec.openParameters(root)) {
      Aligner.Builder b = Aligner.builder().cost(CostSpec.parse(o.cost(), "--cost"))
          .band(o.band() < 0 ? Band.none() : Band.sakoeChiba(o.band()));
      if (spec != null) b = b.providers(spec.alignerConfig(root, params));
      try (Aligner aligner = b.build()) {
        while (it.hasNext()) {
          InternalRow row = it.next();
          long id = ids.id(row);
          try (FixedSizeListVector x = series(row, id, xc, o.dim(), root);
               FixedSizeListVector y = series(row, id, yc, o.dim(), root)) {
            double distance = aligner.distance(x, y);
            Double soft = o.soft() > 0 ? aligner.softDtwValue(x, y, o.soft()) : null;
            int n = DenseMatrices.rows(x), m = DenseMatrices.rows(y);
            int s = o.maxShift() >= 0 ? o.maxShift() : ShiftLandscape.defaultMaxShift(n, m);
            if (s > Math.min(n, m) - 1) {
              throw new IllegalArgumentException("--max-shift: expected at most " + (Math.min(n, m) - 1)
                  + " (min(n, m) - 1) for row id " + id + ", got " + s);
            }
            ShiftLandscape e = aligner.landscape(x, y, s);
            out.add(RowFactory.create(id, distance, soft, e.tauStar(), s, e.mean()));
          }
        }
      }
    }
    return out.iterator();
  }

  /** One series of a row as [len / d, d]; a length that is not a multiple of d is refused naming the column. */
  private static FixedSizeListVector series(InternalRow row, long id, VectorColumn c, int d, BufferAllocator root) {
    int len = c.width(row, id);
    if (len == 0 || len % d != 0) {
      throw new IllegalArgumentException(c.name() + ": expected a non-empty multiple of " + d + " floats (--dim) per row, got "
          + len + " in row id " + id);
    }
    FixedSizeListVector v = DenseMatrices.allocate(root, c.name(), len / d, d);
    try {
      c.copy(row, id, len, DenseMatrices.segment(v), 0);
      RowReader.requireFinite(DenseMatrices.segment(v), 0, len, c.name(), id);
      return v;
    } catch (RuntimeException e) {
      v.close();
      throw e;
    }
  }
}
