package org.attention4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.io.LongTensor;
import org.attention4j.api.io.MatrixFiles;
import org.attention4j.testkit.WithRootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code retrieve} in-process (CLI.md): ids and ordering for each metric, the soft read, the JSON document, errors (exit 2). */
@WithRootAllocator
class RetrieveCommandTest {
  @TempDir Path dir;

  private String p(String name) { return dir.resolve(name).toString(); }

  private static float[] random(Random r, int count) {
    float[] x = new float[count];
    for (int i = 0; i < count; i++) x[i] = (float) r.nextGaussian();
    return x;
  }

  private void write(BufferAllocator a, String name, int rows, int cols, float[] data) {
    try (FixedSizeListVector v = DenseMatrices.of(a, name, rows, cols, data)) {
      MatrixFiles.writeMatrix(dir.resolve(name), v);
    }
  }

  /** Brute force in float64: best first (ip, cos descending; l2 ascending), ties by lower id. */
  private static long[] reference(float[] keys, int n, int d, float[] q, int qi, int k, String metric) {
    double[] s = new double[n];
    for (int j = 0; j < n; j++) {
      double dot = 0, kk = 0, qq = 0, dist = 0;
      for (int c = 0; c < d; c++) {
        double a = q[qi * d + c], b = keys[j * d + c];
        dot += a * b;
        kk += b * b;
        qq += a * a;
        dist += (a - b) * (a - b);
      }
      s[j] = switch (metric) {
        case "ip" -> -dot;
        case "cos" -> -dot / Math.sqrt(kk * qq);
        default -> dist;
      };
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) order[i] = i;
    Arrays.sort(order, (x, y) -> s[x] != s[y] ? Double.compare(s[x], s[y]) : Integer.compare(x, y));
    long[] out = new long[k];
    for (int i = 0; i < k; i++) out[i] = order[i];
    return out;
  }

  @Test void hardLookupWritesIdsBestFirstForEveryMetric(BufferAllocator a) throws Exception {
    Random r = new Random(1);
    int n = 400, d = 12, nq = 9, k = 6;
    float[] keys = random(r, n * d), q = random(r, nq * d);
    System.arraycopy(keys, 0, keys, 7 * d, d);                       // a duplicate: ties by lower id
    System.arraycopy(keys, 0, q, 0, d);
    write(a, "keys.npy", n, d, keys);
    write(a, "q.csv", nq, d, q);
    for (String metric : List.of("ip", "cos", "l2")) {
      CliTest.Run run = CliTest.run("retrieve", "--keys", p("keys.npy"), "--query", p("q.csv"), "--top", "" + k, "--metric", metric,
          "--out", p("ids-" + metric + ".npy"), "--json");
      assertEquals(0, run.code(), run.err());
      JsonNode doc = new ObjectMapper().readTree(run.out());
      List<String> fields = new ArrayList<>();
      for (Iterator<String> it = doc.fieldNames(); it.hasNext();) fields.add(it.next());
      assertEquals(List.of("index", "metric", "n_keys", "n_queries", "top", "nprobe", "build_ms", "search_ms", "qps"), fields);
      assertEquals("exact", doc.get("index").asText());
      assertEquals(metric, doc.get("metric").asText());
      assertEquals(n, doc.get("n_keys").asInt());
      assertEquals(nq, doc.get("n_queries").asInt());
      assertEquals(k, doc.get("top").asInt());
      assertTrue(doc.get("nprobe").isNull());
      assertTrue(doc.get("qps").asDouble() > 0);
      LongTensor ids = MatrixFiles.readIntegers(dir.resolve("ids-" + metric + ".npy"));
      assertArrayEquals(new int[] {nq, k}, ids.shape());
      for (int i = 0; i < nq; i++) {
        assertArrayEquals(reference(keys, n, d, q, i, k, metric), Arrays.copyOfRange(ids.values(), i * k, (i + 1) * k),
            metric + " query " + i);
      }
    }
    // the query equal to key 0 and its duplicate 7: under l2 both at distance 0, 0 first
    LongTensor l2 = MatrixFiles.readIntegers(dir.resolve("ids-l2.npy"));
    assertEquals(0, l2.values()[0]);
    assertEquals(7, l2.values()[1]);
  }

  @Test void softLookupWritesTheAttentionRead(BufferAllocator a) throws Exception {
    Random r = new Random(2);
    int n = 300, d = 5, dv = 3, nq = 4;
    float[] keys = random(r, n * d), q = random(r, nq * d), v = random(r, n * dv);
    write(a, "k.npy", n, d, keys);
    write(a, "v.npy", n, dv, v);
    write(a, "q.npy", nq, d, q);
    CliTest.Run run = CliTest.run("retrieve", "--keys", p("k.npy"), "--query", p("q.npy"), "--soft", "--scorer", "dot",
        "--temperature", "0.5", "--values", p("v.npy"), "--out", p("o.npy"), "--json");
    assertEquals(0, run.code(), run.err());
    JsonNode doc = new ObjectMapper().readTree(run.out());
    assertTrue(doc.get("top").isNull());
    assertEquals("dot", doc.get("scorer").asText());
    try (FixedSizeListVector o = MatrixFiles.readMatrix(dir.resolve("o.npy"), a)) {
      for (int i = 0; i < nq; i++) {
        double[] z = new double[n];
        double m = Double.NEGATIVE_INFINITY, sum = 0;
        for (int j = 0; j < n; j++) {
          for (int c = 0; c < d; c++) z[j] += (double) q[i * d + c] * keys[j * d + c] / 0.5;
          m = Math.max(m, z[j]);
        }
        for (int j = 0; j < n; j++) sum += Math.exp(z[j] - m);
        for (int c = 0; c < dv; c++) {
          double want = 0;
          for (int j = 0; j < n; j++) want += Math.exp(z[j] - m) / sum * v[j * dv + c];
          assertEquals(want, DenseMatrices.get(o, i, c), 1e-5, "read " + i + "," + c);
        }
      }
    }
  }

  @Test void ivfAndLearnedIndexesSaveLoadAndReachExactWithEveryList(BufferAllocator a) throws Exception {
    Random r = new Random(3);
    int n = 2500, d = 8, nq = 40, k = 5;
    float[] centres = random(r, 25 * d), keys = new float[n * d], q = new float[nq * d];
    for (int i = 0; i < n; i++) for (int c = 0; c < d; c++) keys[i * d + c] = centres[(i % 25) * d + c] + 0.2f * (float) r.nextGaussian();
    for (int i = 0; i < nq; i++) for (int c = 0; c < d; c++) q[i * d + c] = keys[(i * 61) * d + c] + 0.05f * (float) r.nextGaussian();
    write(a, "keys.npy", n, d, keys);
    write(a, "q.npy", nq, d, q);
    assertEquals(0, CliTest.run("retrieve", "--keys", p("keys.npy"), "--query", p("q.npy"), "--top", "" + k, "--metric", "l2",
        "--out", p("exact.npy")).code());
    long[] exact = MatrixFiles.readIntegers(dir.resolve("exact.npy")).values();
    for (String index : List.of("ivf", "learned")) {
      Path idx = dir.resolve(index + "-index");
      CliTest.Run built = CliTest.run("retrieve", "--keys", p("keys.npy"), "--query", p("q.npy"), "--top", "" + k, "--metric", "l2",
          "--index", index, "--nprobe", "3", "--index-dir", idx.toString(), "--out", p(index + "-1.npy"), "--json");
      assertEquals(0, built.code(), built.err());
      JsonNode doc = new ObjectMapper().readTree(built.out());
      assertEquals(index, doc.get("index").asText());
      assertEquals(3, doc.get("nprobe").asInt());
      assertTrue(java.nio.file.Files.isRegularFile(idx.resolve("index.safetensors")), index);
      assertTrue(java.nio.file.Files.isRegularFile(idx.resolve("manifest.json")), index);
      CliTest.Run loaded = CliTest.run("retrieve", "--keys", p("keys.npy"), "--query", p("q.npy"), "--top", "" + k, "--metric", "l2",
          "--index", index, "--nprobe", "3", "--index-dir", idx.toString(), "--out", p(index + "-2.npy"));
      assertEquals(0, loaded.code(), loaded.err());
      assertArrayEquals(MatrixFiles.readIntegers(dir.resolve(index + "-1.npy")).values(),
          MatrixFiles.readIntegers(dir.resolve(index + "-2.npy")).values(), index + ": the loaded index answers as the built one");
      CliTest.Run all = CliTest.run("retrieve", "--keys", p("keys.npy"), "--query", p("q.npy"), "--top", "" + k, "--metric", "l2",
          "--index", index, "--nprobe", "50", "--index-dir", idx.toString(), "--out", p(index + "-all.npy"));
      assertEquals(0, all.code(), all.err());
      assertArrayEquals(exact, MatrixFiles.readIntegers(dir.resolve(index + "-all.npy")).values(), index + ": every list = exact");
      CliTest.Run wrong = CliTest.run("retrieve", "--keys", p("keys.npy"), "--query", p("q.npy"), "--top", "" + k, "--metric", "l2",
          "--index", index.equals("ivf") ? "learned" : "ivf", "--index-dir", idx.toString(), "--out", p("x.npy"));
      assertEquals(2, wrong.code(), wrong.err());
      assertTrue(wrong.err().contains("expected a saved"), wrong.err());
      CliTest.Run tooMany = CliTest.run("retrieve", "--keys", p("keys.npy"), "--query", p("q.npy"), "--top", "" + k, "--metric", "l2",
          "--index", index, "--nprobe", "51", "--index-dir", idx.toString(), "--out", p("x.npy"));
      assertEquals(2, tooMany.code(), tooMany.err());
      assertTrue(tooMany.err().contains("--nprobe: expected N <= 50 (the number of lists), got 51"), tooMany.err());
    }
  }

  @Test void badInputExitsTwoWithOneLine(BufferAllocator a) {
    write(a, "k.npy", 3, 2, new float[] {1, 0, 0, 1, 0, 0});
    write(a, "q.npy", 1, 2, new float[] {1, 1});
    write(a, "q3.npy", 1, 3, new float[] {1, 1, 1});
    write(a, "v.npy", 3, 1, new float[] {1, 2, 3});
    String[][] cases = {
        {"--top: expected K <= 3 (the number of keys), got 4", "--top", "4"},
        {"expected non-zero rows under cos, got a zero-norm row at 2", "--top", "1", "--metric", "cos"},
        {"--metric: expected ip, cos or l2, got 'dot'", "--top", "1", "--metric", "dot"},
        {"--top: expected a count K >= 1 for a hard lookup, got none"},
        {"--top: expected no --top with --soft", "--top", "1", "--soft", "--scorer", "dot", "--values", p("v.npy")},
        {"--scorer: expected only with --soft", "--top", "1", "--scorer", "dot"},
        {"--values: expected a values file", "--soft", "--scorer", "dot"},
        {"Arrow files hold float data only", "--top", "1", "--out", p("ids.arrow")},
        {"--nprobe: expected only with --index ivf or learned", "--top", "1", "--nprobe", "2"},
        {"--index: expected exact, ivf or learned, got 'hnsw'", "--top", "1", "--index", "hnsw"},
    };
    for (String[] c : cases) {
      List<String> args = new ArrayList<>(List.of("retrieve", "--keys", p("k.npy"), "--query", p("q.npy")));
      args.addAll(Arrays.asList(c).subList(1, c.length));
      if (!args.contains("--out")) args.addAll(List.of("--out", p("ids.npy")));
      CliTest.Run run = CliTest.run(args.toArray(String[]::new));
      assertEquals(2, run.code(), String.join(" ", args) + ": " + run.err());
      assertTrue(run.err().contains(c[0]), run.err());
      assertEquals(1, run.err().strip().lines().count(), run.err());
    }
    CliTest.Run width = CliTest.run("retrieve", "--keys", p("k.npy"), "--query", p("q3.npy"), "--top", "1", "--out", p("i.npy"));
    assertEquals(2, width.code());
    assertTrue(width.err().contains("expected 2 columns (= --keys), got 3"), width.err());
  }
}
