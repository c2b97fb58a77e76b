package org.attention4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.align.Aligner;
import org.attention4j.align.Alignment;
import org.attention4j.align.Band;
import org.attention4j.align.ShiftLandscape;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.io.LongTensor;
import org.attention4j.api.io.MatrixFiles;
import org.attention4j.testkit.WithRootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code align} in-process (CLI.md): the JSON document, the path file, limits and input errors (exit 2). */
@WithRootAllocator
class AlignCommandTest {
  @TempDir Path dir;

  private String p(String name) { return dir.resolve(name).toString(); }

  /** x: a random walk; y = x delayed by {@code lag} plus a little noise (y[t] = x[t − lag]). */
  private float[][] lagged(int n, int d, int lag, long seed) {
    Random r = new Random(seed);
    float[] z = new float[(n + 2 * Math.abs(lag)) * d];
    for (int t = 1; t < z.length / d; t++) for (int k = 0; k < d; k++) z[t * d + k] = z[(t - 1) * d + k] + (float) r.nextGaussian();
    int s = Math.abs(lag);
    float[] x = new float[n * d], y = new float[n * d];
    for (int t = 0; t < n; t++) {
      for (int k = 0; k < d; k++) {
        x[t * d + k] = z[(s + t) * d + k];
        y[t * d + k] = z[(s + t - lag) * d + k] + 0.05f * (float) r.nextGaussian();
      }
    }
    return new float[][] {x, y};
  }

  private void write(BufferAllocator a, String name, int rows, int cols, float[] data) {
    try (FixedSizeListVector v = DenseMatrices.of(a, name, rows, cols, data)) {
      MatrixFiles.writeMatrix(dir.resolve(name), v);
    }
  }

  private static List<String> keys(JsonNode n) {
    List<String> out = new ArrayList<>();
    for (Iterator<String> it = n.fieldNames(); it.hasNext();) out.add(it.next());
    return out;
  }

  @Test void jsonHasTheDocumentOfCliMdAndMatchesTheLibrary(BufferAllocator a) throws Exception {
    float[][] s = lagged(60, 2, 6, 1);
    write(a, "x.npy", 60, 2, s[0]);
    write(a, "y.csv", 60, 2, s[1]);
    CliTest.Run r = CliTest.run("align", "--x", p("x.npy"), "--y", p("y.csv"), "--soft", "0.5", "--band", "10",
        "--posterior-temperature", "0.5", "--path", p("path.npy"), "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode doc = new ObjectMapper().readTree(r.out());
    assertEquals(List.of("distance", "distance_sqrt", "soft_value", "path_length", "tau_star", "landscape", "posterior"),
        keys(doc));
    assertEquals(List.of("tau", "mean", "sum", "count"), keys(doc.get("landscape")));
    assertEquals(List.of("tau_map", "margin", "entropy"), keys(doc.get("posterior")));
    assertEquals(6, doc.get("tau_star").asInt(), "y lags x by 6");
    assertEquals(6, doc.get("posterior").get("tau_map").asInt());
    assertEquals(31, doc.get("landscape").get("tau").size(), "|tau| <= floor(60/4) = 15");
    assertEquals(-15, doc.get("landscape").get("tau").get(0).asInt());
    assertEquals(45, doc.get("landscape").get("count").get(0).asInt());

    try (FixedSizeListVector x = MatrixFiles.readMatrix(dir.resolve("x.npy"), a);
         FixedSizeListVector y = MatrixFiles.readMatrix(dir.resolve("y.csv"), a);
         Aligner al = Aligner.builder().band(Band.sakoeChiba(10)).build()) {
      Alignment ref = al.align(x, y);
      assertEquals(ref.distance(), doc.get("distance").asDouble());
      assertEquals(Math.sqrt(ref.distance()), doc.get("distance_sqrt").asDouble());
      assertEquals(al.softDtwValue(x, y, 0.5), doc.get("soft_value").asDouble());
      assertEquals(ref.pathLength(), doc.get("path_length").asInt());
      LongTensor path = MatrixFiles.readIntegers(dir.resolve("path.npy"));
      assertArrayEquals(new int[] {ref.pathLength(), 2}, path.shape());
      assertArrayEquals(ref.pathAsInt64(), path.values());
      ShiftLandscape l = al.landscape(x, y);
      for (int k = 0; k < l.tau().length; k++) {
        assertEquals(l.mean()[k], doc.get("landscape").get("mean").get(k).asDouble());
        assertEquals(l.sum()[k], doc.get("landscape").get("sum").get(k).asDouble());
      }
    }
  }

  @Test void withoutOptionsTheDocumentHasNoSoftValueOrPosteriorAndCsvPathsWork(BufferAllocator a) throws Exception {
    float[][] s = lagged(20, 1, -3, 2);
    write(a, "x.csv", 20, 1, s[0]);
    write(a, "y.npy", 17, 1, java.util.Arrays.copyOf(s[1], 17));
    CliTest.Run r = CliTest.run("align", "--x", p("x.csv"), "--y", p("y.npy"), "--cost", "abs", "--max-shift", "5",
        "--path", p("path.csv"), "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode doc = new ObjectMapper().readTree(r.out());
    assertEquals(List.of("distance", "distance_sqrt", "path_length", "tau_star", "landscape"), keys(doc));
    assertEquals(-3, doc.get("tau_star").asInt());
    assertEquals(11, doc.get("landscape").get("tau").size());
    List<String> lines = Files.readAllLines(dir.resolve("path.csv"));
    assertEquals(doc.get("path_length").asInt(), lines.size());
    assertEquals("0,0", lines.get(0));
    assertEquals("19,16", lines.get(lines.size() - 1));

    CliTest.Run text = CliTest.run("align", "--x", p("x.csv"), "--y", p("y.npy"));
    assertEquals(0, text.code(), text.err());
    assertTrue(text.out().startsWith("distance ") && text.out().contains("tau* "), text.out());
  }

  @Test void scorerCostsComeFromTheRegistry(BufferAllocator a) throws Exception {
    float[][] s = lagged(40, 3, 4, 3);
    write(a, "x.npy", 40, 3, s[0]);
    write(a, "y.npy", 40, 3, s[1]);
    CliTest.Run r = CliTest.run("align", "--x", p("x.npy"), "--y", p("y.npy"), "--cost", "scorer:dot", "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode doc = new ObjectMapper().readTree(r.out());
    assertTrue(doc.get("distance").asDouble() < 0, "cost = -score: " + doc);
    assertTrue(doc.get("distance_sqrt").isNull(), "no square root of a negative distance");
    CliTest.Run bad = CliTest.run("align", "--x", p("x.npy"), "--y", p("y.npy"), "--cost", "scorer:dot", "--set", "h=4");
    assertEquals(2, bad.code(), bad.err());
    assertTrue(bad.err().contains("--set: expected a key declared by"), bad.err());
  }

  @Test void aFullPathAbove1e8CellsIsRefusedNamingBandButTheDistanceWorks(BufferAllocator a) throws Exception {
    int n = 10_001;                                                    // 100,020,001 cells
    float[] ramp = new float[n];
    for (int i = 0; i < n; i++) ramp[i] = (i % 100) * 0.01f;
    write(a, "x.npy", n, 1, ramp);
    CliTest.Run r = CliTest.run("align", "--x", p("x.npy"), "--y", p("x.npy"), "--path", p("path.npy"));
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("--path: expected at most 100000000 cells") && r.err().contains("--band"), r.err());
    assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
    assertFalse(Files.exists(dir.resolve("path.npy")));

    CliTest.Run banded = CliTest.run("align", "--x", p("x.npy"), "--y", p("x.npy"), "--band", "2", "--path", p("path.npy"),
        "--max-shift", "3", "--json");
    assertEquals(0, banded.code(), banded.err());
    JsonNode doc = new ObjectMapper().readTree(banded.out());
    assertEquals(0.0, doc.get("distance").asDouble());
    assertEquals(n, doc.get("path_length").asInt());
  }

  @Test void inputErrorsExitTwoWithOneLineNamingTheOption(BufferAllocator a) throws Exception {
    write(a, "x.npy", 5, 2, new float[10]);
    write(a, "y3.npy", 5, 3, new float[15]);
    String[][] cases = {
        {"--cost: expected sqeuclidean, abs or scorer:ID, got 'euclidean'", "--cost", "euclidean"},
        {"scorer 'nope' is not installed", "--cost", "scorer:nope"},
        {"expected an int64 path file .npy or .csv, got .arrow", "--path", p("path.arrow")},
        {"--band: expected an integer >= 0, got -1", "--band", "-1"},
        {"--soft: expected a finite smoothing GAMMA > 0, got 0.0", "--soft", "0"},
        {"--posterior-temperature: expected a finite number > 0, got -1.0", "--posterior-temperature", "-1"},
        {"--max-shift: expected a shift in [0, min(n, m) - 1] = [0, 4], got 5", "--max-shift", "5"},
        {"--params: expected together with --cost scorer:ID, got --cost sqeuclidean", "--params", p("w.safetensors")},
    };
    for (String[] c : cases) {
      List<String> args = new ArrayList<>(List.of("align", "--x", p("x.npy"), "--y", p("x.npy")));
      args.addAll(List.of(c).subList(1, c.length));
      CliTest.Run r = CliTest.run(args.toArray(String[]::new));
      assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
      assertTrue(r.err().contains(c[0]), "expected '" + c[0] + "' in: " + r.err());
      assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
    }
    assertFalse(Files.exists(dir.resolve("path.arrow")));
    CliTest.Run width = CliTest.run("align", "--x", p("x.npy"), "--y", p("y3.npy"));
    assertEquals(2, width.code());
    assertTrue(width.err().contains("expected 2 columns (= --x), got 3"), width.err());
    CliTest.Run band = CliTest.run("align", "--x", p("x.npy"), "--y", p("y3.npy"), "--band", "0");
    assertEquals(2, band.code());
  }
}
