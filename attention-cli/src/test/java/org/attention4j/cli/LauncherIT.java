package org.attention4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.io.MatrixFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code ./attention4j} as a subprocess on the packaged jars (the launcher is told not to build:
 * Maven is already building them), as a user would: plugins with the example plugin, attend with the
 * plugin's scorer checked against a float64 computation, numpy fixtures, a scenario, and input errors
 * (exit 2).
 */
class LauncherIT {
  private static final Path ROOT = Path.of(System.getProperty("attention4j.root", "..")).toAbsolutePath().normalize();
  private static final Path PLUGIN = ROOT.resolve("examples/third-party-scorer/target/plugin");

  @TempDir Path dir;

  /**
   * The JVM's own line on stderr whenever an incubator module is in the boot layer (attention-simd
   * requires jdk.incubator.vector); it cannot be switched off, so the checks of our stderr drop it.
   */
  static final String INCUBATOR_WARNING = "WARNING: Using incubator modules: jdk.incubator.vector";

  /** Exit code, stdout, and stderr without the JVM's incubator warning ({@code rawErr} keeps it). */
  record Result(int code, String out, String err, String rawErr) {}

  private Result launch(String... args) throws IOException, InterruptedException { return launchWith("", args); }

  /** Runs the launcher with extra JVM options ({@code ATTENTION4J_JAVA_OPTS}). */
  private Result launchWith(String javaOpts, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("attention4j").toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    pb.environment().put("ATTENTION4J_NO_BUILD", "1");
    if (!javaOpts.isEmpty()) pb.environment().put("ATTENTION4J_JAVA_OPTS", javaOpts);
    pb.redirectOutput(dir.resolve("stdout.txt").toFile()).redirectError(dir.resolve("stderr.txt").toFile());
    Process p = pb.start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "launcher timed out: " + cmd);
    String raw = Files.readString(dir.resolve("stderr.txt"));
    String err = raw.lines().filter(l -> !l.equals(INCUBATOR_WARNING)).map(l -> l + "\n").collect(java.util.stream.Collectors.joining());
    return new Result(p.exitValue(), Files.readString(dir.resolve("stdout.txt")), err, raw);
  }

  private static void csv(Path f, double[][] rows) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (double[] r : rows) {
      for (int j = 0; j < r.length; j++) sb.append(j == 0 ? "" : ",").append(r[j]);
      sb.append('\n');
    }
    Files.writeString(f, sb.toString(), StandardCharsets.UTF_8);
  }

  private static double[][] readCsv(Path f) throws IOException {
    return Files.readAllLines(f).stream().filter(l -> !l.isBlank())
        .map(l -> java.util.Arrays.stream(l.split(",")).mapToDouble(Double::parseDouble).toArray()).toArray(double[][]::new);
  }

  @Test void versionAndPluginsWithTheExamplePlugin() throws Exception {
    Result v = launch("--version");
    assertEquals(0, v.code(), v.err());
    assertTrue(v.out().startsWith("attention4j 0.1.0"), v.out());
    Result r = launch("plugins", "--json", "--plugin-path", PLUGIN.toString());
    assertEquals(0, r.code(), r.err());
    JsonNode list = new ObjectMapper().readTree(r.out());
    boolean cosine = false;
    for (JsonNode n : list) {
      if (n.get("id").asText().equals("cosine")) {
        cosine = true;
        assertEquals("active", n.get("status").asText());
        assertEquals("plugin:" + PLUGIN, n.get("origin").asText());
        assertEquals("scorer", n.get("kind").asText());
      }
    }
    assertTrue(cosine, r.out());
    boolean simd = false;
    for (JsonNode n : list) {
      if (n.get("kind").asText().equals("kernel") && n.get("id").asText().equals("simd")) {
        simd = true;                                   // the launcher's module path has attention-simd, and C2 is on
        assertEquals("active", n.get("status").asText(), n.toString());
        assertEquals("org.attention4j.simd", n.get("module").asText());
      }
    }
    assertTrue(simd, r.out());
    assertTrue(r.rawErr().contains(INCUBATOR_WARNING), "the JVM names the incubator module once: " + r.rawErr());
  }

  @Test void theScalarKernelsCanBeForcedAndC2OffRejectsSimdWithAReason() throws Exception {
    csv(dir.resolve("q.csv"), new double[][] {{1, 0}, {0, 1}});
    Result scalar = launch("attend", "--set", "kernels=scalar", "--scorer", "dot", "--query", "q.csv", "--keys", "q.csv",
        "--values", "q.csv", "--out", "o.csv", "--json");
    assertEquals(0, scalar.code(), scalar.err());
    assertEquals("scalar", new ObjectMapper().readTree(scalar.out()).get("kernel").asText());
    Result c1 = launchWith("-XX:TieredStopAtLevel=1", "plugins", "--json");
    assertEquals(0, c1.code(), c1.err());
    for (JsonNode n : new ObjectMapper().readTree(c1.out())) {
      if (n.get("kind").asText().equals("kernel") && n.get("id").asText().equals("simd")) {
        assertEquals("rejected", n.get("status").asText(), n.toString());
        assertEquals("not usable here: C2 is off (-XX:TieredStopAtLevel=1): the Vector API needs C2; remove the flag",
            n.get("reason").asText());
      }
    }
  }

  @Test void attendWithThePluginScorerIsCorrect() throws Exception {
    double[][] q = {{1, 0, 2}, {0, 1, -1}, {3, 3, 0.5}};
    double[][] k = {{1, 2, 0}, {0, -1, 1}, {2, 0, 1}, {1, 1, 1}};
    double[][] v = {{1, 0}, {0, 1}, {2, 2}, {-1, 3}};
    csv(dir.resolve("q.csv"), q);
    csv(dir.resolve("k.csv"), k);
    csv(dir.resolve("v.csv"), v);
    Result r = launch("attend", "--plugin-path", PLUGIN.toString(), "--scorer", "cosine", "--query", "q.csv", "--keys",
        "k.csv", "--values", "v.csv", "--out", "o.csv", "--weights", "w.csv", "--json");
    assertEquals(0, r.code(), r.err());
    double[][] o = readCsv(dir.resolve("o.csv")), w = readCsv(dir.resolve("w.csv"));
    for (int i = 0; i < q.length; i++) {          // float64 reference: softmax over cos(q, k) (τ = 1 by default)
      double[] s = new double[k.length];
      double max = Double.NEGATIVE_INFINITY, sum = 0;
      for (int j = 0; j < k.length; j++) {
        s[j] = dot(q[i], k[j]) / Math.sqrt(dot(q[i], q[i]) * dot(k[j], k[j]));
        max = Math.max(max, s[j]);
      }
      for (int j = 0; j < k.length; j++) sum += s[j] = Math.exp(s[j] - max);
      for (int j = 0; j < k.length; j++) assertEquals(s[j] / sum, w[i][j], 1e-6, "weight " + i + "," + j);
      for (int c = 0; c < 2; c++) {
        double ref = 0;
        for (int j = 0; j < k.length; j++) ref += s[j] / sum * v[j][c];
        assertEquals(ref, o[i][c], 1e-5, "output " + i + "," + c);
      }
    }
    JsonNode doc = new ObjectMapper().readTree(r.out());
    assertEquals("cosine", doc.get("scorer").asText());
    assertEquals(3, doc.get("shapes").get("query").get(0).asInt());
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
  }

  @Test void inputErrorsExitTwoWithOneLine() throws Exception {
    csv(dir.resolve("q.csv"), new double[][] {{1, 2}});
    csv(dir.resolve("k.csv"), new double[][] {{1, 2, 3}});
    Result widths = launch("attend", "--scorer", "dot", "--query", "q.csv", "--keys", "k.csv", "--values", "k.csv",
        "--out", "o.csv");
    assertEquals(2, widths.code(), widths.err());
    assertEquals(1, widths.err().strip().lines().count(), widths.err());
    assertTrue(widths.err().contains("expected 2") && widths.err().contains("got 3"), widths.err());

    Files.write(dir.resolve("t.npy"), new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 10});
    Result truncated = launch("attend", "--scorer", "dot", "--query", "t.npy", "--keys", "k.csv", "--values", "k.csv",
        "--out", "o.csv");
    assertEquals(2, truncated.code(), truncated.err());
    assertTrue(truncated.err().contains("t.npy"), truncated.err());
    assertEquals(1, truncated.err().strip().lines().count(), truncated.err());

    Result unknown = launch("attend", "--scorer", "nope", "--query", "q.csv", "--keys", "q.csv", "--values", "q.csv",
        "--out", "o.csv");
    assertEquals(2, unknown.code(), unknown.err());
    assertTrue(unknown.err().contains("'nope' is not installed") && unknown.err().contains("dot"), unknown.err());
  }

  /**
   * Three of {@code AttendFixturesTest}'s numpy cases through the real launcher (module path): parameter
   * files written by numpy, a sparse normalizer with a mask that has an empty row, causal, temperature.
   */
  @Test void attendMatchesTheNumpyFixtures() throws Exception {
    Path fixtures = ROOT.resolve("attention-cli/src/test/resources/attend");
    String[][] cases = {{"bilinear", "entmax15", "mask"}, {"additive", "sparsemax", "causal"}, {"scaled-dot", "softmax", "t0_5"}};
    for (String[] c : cases) {
      Path in = fixtures.resolve(c[0]);
      List<String> args = new ArrayList<>(List.of("attend", "--scorer", c[0], "--normalizer", c[1], "--query",
          in.resolve("q.npy").toString(), "--keys", in.resolve("k.npy").toString(), "--values", in.resolve("v.npy").toString(),
          "--out", "o.npy", "--weights", "w.npy"));
      if (Files.exists(in.resolve("params.safetensors"))) args.addAll(List.of("--params", in.resolve("params.safetensors").toString()));
      switch (c[2]) {
        case "mask" -> args.addAll(List.of("--mask", in.resolve("mask.npy").toString()));
        case "causal" -> args.add("--causal");
        default -> args.addAll(List.of("--temperature", "0.5"));
      }
      Result r = launch(args.toArray(String[]::new));
      String at = String.join(" ", c);
      assertEquals(0, r.code(), at + ": " + r.err());
      String ref = c[1] + "_" + c[2] + "_";
      try (BufferAllocator allocator = new RootAllocator()) {
        for (String[] pair : new String[][] {{"o.npy", ref + "output.npy"}, {"w.npy", ref + "weights.npy"}}) {
          try (FixedSizeListVector got = MatrixFiles.readMatrix(dir.resolve(pair[0]), allocator);
               FixedSizeListVector expected = MatrixFiles.readMatrix(in.resolve(pair[1]), allocator)) {
            float[] a = DenseMatrices.toArray(got), b = DenseMatrices.toArray(expected);
            assertEquals(b.length, a.length, at + " " + pair[0]);
            for (int i = 0; i < a.length; i++) {
              assertTrue(Math.abs(a[i] - b[i]) <= 1e-5 + 1e-5 * Math.abs(b[i]), at + " " + pair[0] + "[" + i + "]: " + a[i] + " vs " + b[i]);
              if (b[i] == 0) assertEquals(0f, a[i], at + " " + pair[0] + "[" + i + "]: exact zero");
            }
          }
        }
      }
    }
  }

  @Test void scenarioRunWritesResultAndFigures() throws Exception {
    Result r = launch("scenario", "run", "gibbs-temperature", "--out", "gibbs", "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode doc = new ObjectMapper().readTree(dir.resolve("gibbs/result.json").toFile());
    assertEquals("supports", doc.get("verdict").asText());
    for (JsonNode f : doc.get("figures")) assertTrue(Files.size(dir.resolve("gibbs").resolve(f.get("file").asText())) > 1000);
  }
}
