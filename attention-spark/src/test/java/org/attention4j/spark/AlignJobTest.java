package org.attention4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.attention4j.align.Aligner;
import org.attention4j.align.CostSpec;
import org.attention4j.align.ShiftLandscape;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.Settings;
import org.attention4j.api.registry.Registry;
import org.attention4j.api.spi.ProviderConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Many-pairs alignment equals attention-align's Aligner on each pair (float64: exactly). */
class AlignJobTest {
  static final int PAIRS = 150, DIM = 2;
  static final List<float[][]> SERIES = new ArrayList<>();

  @TempDir static Path tmp;

  @BeforeAll static void data() {
    Random r = new Random(41);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < PAIRS; i++) {
      float[] x = SparkTests.random(1000 + i, 20 + r.nextInt(30), DIM), y = SparkTests.random(5000 + i, 20 + r.nextInt(30), DIM);
      SERIES.add(new float[][] {x, y});
      rows.add(RowFactory.create((long) i, x, y));
    }
    StructType schema = new StructType().add("id", DataTypes.LongType, false)
        .add("x", DataTypes.createArrayType(DataTypes.FloatType, false), false)
        .add("y", DataTypes.createArrayType(DataTypes.FloatType, false), false);
    SparkTests.spark().createDataFrame(rows, schema).repartition(3).write().mode("overwrite").parquet(tmp.resolve("pairs").toString());
  }

  @ParameterizedTest @ValueSource(strings = {"sqeuclidean", "abs", "scorer:dot"})
  void equalsTheAlignerOnEveryPair(String cost) {
    Path out = tmp.resolve("out-" + cost.replace(':', '-'));
    AlignJob.Summary s = AlignJob.run(SparkTests.spark(), AlignJob.parse(JobArgs.parse("align", List.of("--pairs",
        tmp.resolve("pairs").toString(), "--dim", Integer.toString(DIM), "--cost", cost, "--soft", "0.5", "--band", "6",
        "--out", out.toString()), AlignJob.VALUED, AlignJob.FLAGS)));
    assertEquals(PAIRS, s.pairs());
    Map<Long, Row> got = new HashMap<>();
    for (Row r : SparkTests.spark().read().parquet(out.toString()).collectAsList()) got.put(r.getLong(0), r);
    assertEquals(PAIRS, got.size());
    Registry registry = Registry.load(List.of());
    try (BufferAllocator root = new RootAllocator();
         Aligner aligner = Aligner.builder().cost(CostSpec.parse(cost)).band(org.attention4j.align.Band.sakoeChiba(6))
             .providers(new ProviderConfig(Settings.of("t", Map.of()), 0, root, Optional.empty(), registry.kernels(), registry))
             .build()) {
      for (int i = 0; i < PAIRS; i++) {
        float[] xs = SERIES.get(i)[0], ys = SERIES.get(i)[1];
        try (FixedSizeListVector x = DenseMatrices.of(root, "x", xs.length / DIM, DIM, xs);
             FixedSizeListVector y = DenseMatrices.of(root, "y", ys.length / DIM, DIM, ys)) {
          Row r = got.get((long) i);
          assertEquals(aligner.distance(x, y), r.getDouble(1), 0.0, "distance of pair " + i);
          assertEquals(aligner.softDtwValue(x, y, 0.5), r.getDouble(2), 0.0, "soft value of pair " + i);
          ShiftLandscape e = aligner.landscape(x, y);
          assertEquals(e.tauStar(), r.getInt(3), "tau* of pair " + i);
          assertEquals(e.maxShift(), r.getInt(4));
          assertArrayEquals(e.mean(), r.<Double>getList(5).stream().mapToDouble(Double::doubleValue).toArray(), 0.0,
              "landscape of pair " + i);
        }
      }
    }
  }
}
