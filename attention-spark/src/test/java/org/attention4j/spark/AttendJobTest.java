package org.attention4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.AttentionResult;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.Settings;
import org.attention4j.api.facade.Attention;
import org.attention4j.api.registry.Registry;
import org.attention4j.api.spi.Normalizer;
import org.attention4j.api.spi.NormalizerProvider;
import org.attention4j.api.spi.ProviderConfig;
import org.attention4j.api.spi.Scorer;
import org.attention4j.api.spi.ScorerProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The attend job against the single-machine attention (the api's facade on all keys), both modes. */
class AttendJobTest {
  static final int NQ = 1200, NK = 2000, D = 16, DV = 8;
  static final float[] Q = SparkTests.random(1, NQ, D), K = SparkTests.random(2, NK, D), V = SparkTests.random(3, NK, DV);

  @TempDir static Path tmp;

  @BeforeAll static void data() {
    SparkTests.writeVectors(tmp.resolve("queries"), "query", Q, D, 3);
    SparkTests.writeKeyValues(tmp.resolve("kv"), K, D, V, DV, 4);
  }

  /** The single-machine result: the same scorer (same seed), normalizer and temperature over all keys. */
  static float[] reference(String scorerId, String normalizerId, float temperature, Map<String, String> settings) {
    Registry registry = Registry.load(List.of());
    try (BufferAllocator root = new RootAllocator()) {
      ScorerProvider sp = registry.require(ScorerProvider.class, scorerId);
      ProviderConfig c = new ProviderConfig(Settings.resolve("s", sp.parameters(), settings, List.of()), 0, root,
          Optional.empty(), registry.kernels(), registry);
      NormalizerProvider np = registry.require(NormalizerProvider.class, normalizerId);
      Normalizer n = np.create(c.withSettings(Settings.resolve("n", np.parameters(), Map.of(), List.of())));
      try (Scorer s = sp.create(c, D, D);
           FixedSizeListVector q = DenseMatrices.of(root, "query", NQ, D, Q);
           FixedSizeListVector k = DenseMatrices.of(root, "keys", NK, D, K);
           FixedSizeListVector v = DenseMatrices.of(root, "values", NK, DV, V);
           AttentionResult r = Attention.builder(s, n, registry.kernels()).temperature(temperature).build()
               .attend(q, k, v, false, root)) {
        return DenseMatrices.toArray(r.output());
      }
    }
  }

  static void assertClose(float[] expected, float[] actual, double tol) {
    assertEquals(expected.length, actual.length);
    double worst = 0;
    int at = -1;
    for (int i = 0; i < expected.length; i++) {
      double e = Math.abs(expected[i] - actual[i]);
      if (!(e <= worst)) { worst = e; at = i; }
    }
    assertTrue(worst <= tol, "max |diff| " + worst + " at row " + (at / DV) + " col " + (at % DV) + " (tolerance " + tol + ")");
  }

  @ParameterizedTest(name = "{0} {1} {2} T={3} {4}")
  @CsvSource({
      "scaled-dot, softmax, broadcast, 1, ",
      "scaled-dot, softmax, partitioned, 1, ",
      "additive, softmax, partitioned, 0.5, h=8",
      "bilinear, softmax, broadcast, 2, ",
      "dot, sparsemax, broadcast, 1, "})
  void equalsSingleMachineAttention(String scorer, String normalizer, String mode, float temperature, String set) {
    Map<String, String> settings = set == null ? Map.of() : Map.of(set.split("=")[0], set.split("=")[1]);
    List<String> extra = set == null ? List.of() : List.of("--set", set);
    Path out = tmp.resolve("out-" + scorer + "-" + normalizer + "-" + mode);
    List<String> args = concat(List.of("--queries", tmp.resolve("queries").toString(), "--keys",
        tmp.resolve("kv").toString(), "--scorer", scorer, "--normalizer", normalizer, "--temperature",
        Float.toString(temperature), "--mode", mode, "--key-partitions", "3", "--block-rows", "500", "--out", out.toString()),
        extra.toArray(String[]::new));
    AttendJob.Summary s = AttendJob.run(SparkTests.spark(), AttendJob.parse(JobArgs.parse("attend", args, AttendJob.VALUED,
        AttendJob.FLAGS)));
    assertEquals(mode, s.mode());
    assertEquals(NQ, s.queries());
    if (mode.equals("partitioned")) assertEquals(3, s.keyPartitions());
    assertClose(reference(scorer, normalizer, temperature, settings), SparkTests.readOutput(out, "output", NQ, DV), 1e-5);
  }

  @Test void autoModeBroadcastsSmallSetsAndPartitionsLargeOnes() {
    Path small = tmp.resolve("auto-small"), large = tmp.resolve("auto-large");
    List<String> common = List.of("--queries", tmp.resolve("queries").toString(), "--keys", tmp.resolve("kv").toString(),
        "--scorer", "scaled-dot");
    AttendJob.Summary a = AttendJob.run(SparkTests.spark(), AttendJob.parse(JobArgs.parse("attend",
        concat(common, "--out", small.toString()), AttendJob.VALUED, AttendJob.FLAGS)));
    AttendJob.Summary b = AttendJob.run(SparkTests.spark(), AttendJob.parse(JobArgs.parse("attend",
        concat(common, "--out", large.toString(), "--broadcast-limit-mb", "0.1"), AttendJob.VALUED, AttendJob.FLAGS)));
    assertEquals("broadcast", a.mode());
    assertEquals("partitioned", b.mode());
    float[] expected = reference("scaled-dot", "softmax", 1, Map.of());
    assertClose(expected, SparkTests.readOutput(small, "output", NQ, DV), 1e-5);
    assertClose(expected, SparkTests.readOutput(large, "output", NQ, DV), 1e-5);
  }

  @Test void parametersFromAFileReachEveryTask() {
    float[] w = SparkTests.random(9, D, D);
    Path params = tmp.resolve("bilinear.safetensors"), out = tmp.resolve("out-params");
    try (BufferAllocator root = new RootAllocator(); org.attention4j.api.ParameterSet set = new org.attention4j.api.ParameterSet()) {
      set.put("W", DenseMatrices.of(root, "W", D, D, w));
      org.attention4j.api.io.MatrixFiles.writeParameters(params, set);
    }
    AttendJob.run(SparkTests.spark(), AttendJob.parse(JobArgs.parse("attend", List.of("--queries",
        tmp.resolve("queries").toString(), "--keys", tmp.resolve("kv").toString(), "--scorer", "bilinear", "--params",
        params.toString(), "--mode", "partitioned", "--key-partitions", "2", "--out", out.toString()), AttendJob.VALUED,
        AttendJob.FLAGS)));
    // reference: softmax(Q W Kᵀ) V in float64
    float[] expected = new float[NQ * DV];
    double[] s = new double[NK];
    for (int i = 0; i < NQ; i++) {
      double[] qw = new double[D];
      for (int a = 0; a < D; a++) for (int b = 0; b < D; b++) qw[b] += (double) Q[i * D + a] * w[a * D + b];
      double m = Double.NEGATIVE_INFINITY, sum = 0;
      for (int j = 0; j < NK; j++) {
        double x = 0;
        for (int b = 0; b < D; b++) x += qw[b] * K[j * D + b];
        s[j] = x;
        m = Math.max(m, x);
      }
      for (int j = 0; j < NK; j++) sum += s[j] = Math.exp(s[j] - m);
      for (int c = 0; c < DV; c++) {
        double acc = 0;
        for (int j = 0; j < NK; j++) acc += s[j] * V[j * DV + c];
        expected[i * DV + c] = (float) (acc / sum);
      }
    }
    assertClose(expected, SparkTests.readOutput(out, "output", NQ, DV), 1e-5);
  }

  static List<String> concat(List<String> a, String... more) {
    List<String> out = new java.util.ArrayList<>(a);
    out.addAll(List.of(more));
    return out;
  }
}
