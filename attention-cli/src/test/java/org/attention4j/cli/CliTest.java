package org.attention4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.Mask;
import org.attention4j.api.io.MatrixFiles;
import org.attention4j.testkit.Float64Oracles;
import org.attention4j.testkit.Tolerances;
import org.attention4j.testkit.WithRootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands run in-process through {@link Main#run}: outputs, JSON documents and exit codes. */
@WithRootAllocator
class CliTest {
  @TempDir Path dir;

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
    int code = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
        args);
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private String p(String name) { return dir.resolve(name).toString(); }

  private float[] random(Random r, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) x[i] = (float) r.nextGaussian();
    return x;
  }

  private void write(BufferAllocator a, String name, int rows, int cols, float[] data) {
    try (FixedSizeListVector v = DenseMatrices.of(a, name, rows, cols, data)) {
      MatrixFiles.writeMatrix(dir.resolve(name), v);
    }
  }

  @Test void pluginsJsonListsEveryBuiltInWithStatusAndReason() throws Exception {
    Run r = run("plugins", "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode list = new ObjectMapper().readTree(r.out());
    Map<String, JsonNode> byKey = new HashMap<>();
    for (JsonNode n : list) {
      assertEquals(7, n.size(), n.toString());
      byKey.put(n.get("kind").asText() + ":" + n.get("id").asText(), n);
    }
    for (String key : new String[] {"kernel:simd", "normalizer:softmax", "normalizer:sparsemax", "normalizer:entmax15",
        "scorer:dot", "scorer:scaled-dot", "scorer:bilinear", "scorer:additive", "scenario:gibbs-temperature",
        "scenario:bio-dendrite", "scenario:bio-and-gate", "scenario:alignment-landscape", "scenario:retrieval",
        "layer:multihead", "scenario:multihead-specialisation", "scenario:graph-gat",
        "scenario:timeseries-sensitivity", "scenario:timeseries-anomaly"}) {
      JsonNode n = byKey.get(key);
      assertTrue(n != null, key + " missing from " + byKey.keySet());
      assertEquals("active", n.get("status").asText(), key);
      assertEquals("module-path", n.get("origin").asText(), key);
      assertTrue(n.get("version").asText().startsWith("0.1"), key + " " + n);
    }
    assertEquals("org.attention4j.bilinear", byKey.get("scorer:dot").get("module").asText());
    assertEquals("org.attention4j.bilinear", byKey.get("scorer:bilinear").get("module").asText());
    assertEquals("org.attention4j.biosim", byKey.get("scenario:bio-dendrite").get("module").asText());
    JsonNode scalar = byKey.get("kernel:scalar");                 // attention-simd is on the module path and usable
    assertEquals("available", scalar.get("status").asText(), scalar.toString());
    assertEquals("usable, not chosen (priority 0; force it with --set kernels=scalar)", scalar.get("reason").asText());
    assertEquals("highest priority (10) of the usable kernel providers", byKey.get("kernel:simd").get("reason").asText());
  }

  @Test void scenarioListAndRunWriteTheDocumentAndFigures() throws Exception {
    Run list = run("scenario", "list", "--json");
    assertEquals(0, list.code(), list.err());
    JsonNode l = new ObjectMapper().readTree(list.out());
    assertTrue(l.toString().contains("\"claim\":\"3.1\""), l.toString());

    Run r = run("scenario", "run", "gibbs-temperature", "--out", p("gibbs"), "--json", "--seed", "7");
    assertEquals(0, r.code(), r.err());
    JsonNode doc = new ObjectMapper().readTree(r.out());
    assertEquals("gibbs-temperature", doc.get("scenario").asText());
    assertEquals("3.1", doc.get("claim").asText());
    assertEquals(7, doc.get("seed").asInt());
    assertEquals("supports", doc.get("verdict").asText());
    assertTrue(doc.get("metrics").has(doc.get("key_metric").asText()));
    assertEquals(3, doc.get("figures").size());
    for (JsonNode f : doc.get("figures")) {
      String svg = Files.readString(dir.resolve("gibbs").resolve(f.get("file").asText()));
      assertTrue(svg.startsWith("<svg") || svg.startsWith("<?xml"), f.toString());
    }
    assertEquals(doc, new ObjectMapper().readTree(dir.resolve("gibbs/result.json").toFile()));
    assertTrue(doc.get("modules").has("org.attention4j.theory"), doc.get("modules").toString());
  }

  @Test void attendMatchesTheFloat64ReferenceWithCausalMaskAndTemperature(BufferAllocator a) {
    Random rnd = new Random(1);
    int nq = 5, nk = 7, d = 4, dv = 3;
    float[] q = random(rnd, nq * d), k = random(rnd, nk * d), v = random(rnd, nk * dv);
    write(a, "q.npy", nq, d, q);
    write(a, "k.npy", nk, d, k);
    write(a, "v.arrow", nk, dv, v);
    Run r = run("attend", "--scorer", "scaled-dot", "--temperature", "0.5", "--causal", "--query", p("q.npy"), "--keys",
        p("k.npy"), "--values", p("v.arrow"), "--out", p("o.npy"), "--weights", p("w.csv"), "--json");
    assertEquals(0, r.code(), r.err());
    Float64Oracles.Forward ref = Float64Oracles.dotAttention(Float64Oracles.toDouble(q), Float64Oracles.toDouble(k),
        Float64Oracles.toDouble(v), nq, nk, d, dv, 1 / Math.sqrt(d), 0.5, Mask.causal());
    try (FixedSizeListVector o = MatrixFiles.readMatrix(dir.resolve("o.npy"), a);
         FixedSizeListVector w = MatrixFiles.readMatrix(dir.resolve("w.csv"), a)) {
      Tolerances.assertClose(o, ref.output(), 1e-5, 1e-5, "output");
      Tolerances.assertClose(w, ref.weights(), 1e-5, 1e-5, "weights");
    }
    assertTrue(r.out().contains("\"kernel\" : \"simd\""), r.out());
  }

  @Test void attendBatchedWithTorchKeyPadding(BufferAllocator a) throws Exception {
    Random rnd = new Random(2);
    int b = 2, n = 3, d = 2;
    float[] x = random(rnd, b * n * d);
    try (FixedSizeListVector t = DenseMatrices.allocateShaped(a, "x", b, n, d)) {
      DenseMatrices.segment(t).copyFrom(java.lang.foreign.MemorySegment.ofArray(x));
      MatrixFiles.writeMatrix(dir.resolve("x.npy"), t);
    }
    // torch polarity: true = padding; item 0 masks key 2, item 1 masks key 0
    MatrixFiles.writeIntegers(dir.resolve("pad.npy"), new long[] {0, 0, 1, 1, 0, 0}, 2, 3);
    Run r = run("attend", "--scorer", "dot", "--query", p("x.npy"), "--keys", p("x.npy"), "--values", p("x.npy"),
        "--key-padding", p("pad.npy"), "--mask-convention", "torch", "--out", p("o.npy"), "--weights", p("w.npy"));
    assertEquals(0, r.code(), r.err());
    try (FixedSizeListVector w = MatrixFiles.readMatrix(dir.resolve("w.npy"), a)) {
      assertEquals("[2, 3, 3]", java.util.Arrays.toString(DenseMatrices.shape(w)));
      float[] ws = DenseMatrices.toArray(w);
      for (int i = 0; i < n; i++) {
        assertEquals(0f, ws[i * n + 2], "item 0, query " + i + ", padded key 2");
        assertEquals(0f, ws[n * n + i * n], "item 1, query " + i + ", padded key 0");
      }
    }
  }

  @Test void inputErrorsExitTwoWithOneLineNamingTheProblem(BufferAllocator a) throws Exception {
    write(a, "q.npy", 2, 3, new float[6]);
    write(a, "k.npy", 2, 4, new float[8]);
    Run widths = run("attend", "--scorer", "dot", "--query", p("q.npy"), "--keys", p("k.npy"), "--values", p("k.npy"),
        "--out", p("o.npy"));
    assertEquals(2, widths.code());
    assertEquals(1, widths.err().strip().lines().count(), widths.err());
    assertTrue(widths.err().contains("expected") && widths.err().contains("got"), widths.err());

    byte[] full = Files.readAllBytes(dir.resolve("q.npy"));
    Files.write(dir.resolve("t.npy"), java.util.Arrays.copyOf(full, full.length - 5));
    Run truncated = run("attend", "--scorer", "dot", "--query", p("t.npy"), "--keys", p("q.npy"), "--values",
        p("q.npy"), "--out", p("o.npy"));
    assertEquals(2, truncated.code(), truncated.err());
    assertTrue(truncated.err().contains("t.npy"), truncated.err());

    Run unknown = run("attend", "--scorer", "bilnear", "--query", p("q.npy"), "--keys", p("q.npy"), "--values",
        p("q.npy"), "--out", p("o.npy"));
    assertEquals(2, unknown.code());
    assertTrue(unknown.err().contains("scorer 'bilnear' is not installed; installed: [") && unknown.err().contains("scaled-dot"), unknown.err());

    Run missing = run("attend", "--scorer", "dot", "--query", p("nope.npy"), "--keys", p("q.npy"), "--values",
        p("q.npy"), "--out", p("o.npy"));
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("nope.npy"), missing.err());

    Run badSet = run("attend", "--scorer", "dot", "--set", "h=3", "--query", p("q.npy"), "--keys", p("q.npy"),
        "--values", p("q.npy"), "--out", p("o.npy"));
    assertEquals(2, badSet.code());
    assertTrue(badSet.err().contains("--set: expected a key declared by") && badSet.err().contains("'h'"), badSet.err());

    Run badOption = run("attend", "--scorer", "dot", "--bogus");
    assertEquals(2, badOption.code());
    assertEquals(1, badOption.err().strip().lines().count(), badOption.err());

    write(a, "nan.npy", 2, 3, new float[] {0, 1, 2, 3, Float.NaN, 5});
    Run nonFinite = run("attend", "--scorer", "dot", "--query", p("nan.npy"), "--keys", p("q.npy"), "--values",
        p("q.npy"), "--out", p("o.npy"));
    assertEquals(2, nonFinite.code());
    assertTrue(nonFinite.err().contains("query: expected finite values, got NaN at (row 1, col 1)"), nonFinite.err());

    Run zeroT = run("attend", "--scorer", "dot", "--temperature", "0", "--query", p("q.npy"), "--keys", p("q.npy"),
        "--values", p("q.npy"), "--out", p("o.npy"));
    assertEquals(2, zeroT.code());
    assertEquals("attention4j attend: --temperature: expected a finite number > 0, got 0.0", zeroT.err().strip());

    Run kernels = run("attend", "--scorer", "dot", "--set", "kernels=nope", "--query", p("q.npy"), "--keys", p("q.npy"),
        "--values", p("q.npy"), "--out", p("o.npy"));
    assertEquals(2, kernels.code());
    assertTrue(kernels.err().contains("kernels: expected one of the usable kernel providers [scalar, simd], got 'nope'"),
        kernels.err());
    Run scalar = run("attend", "--scorer", "dot", "--set", "kernels=scalar", "--query", p("q.npy"), "--keys", p("q.npy"),
        "--values", p("q.npy"), "--out", p("o.npy"), "--json");
    assertEquals(0, scalar.code(), scalar.err());
    assertTrue(scalar.out().contains("\"kernel\" : \"scalar\""), scalar.out());
  }

  @Test void attendHelpDocumentsScorersParamsAndNormalizers() {
    Run h = run("attend", "--help");
    assertEquals(0, h.code(), h.err());
    String help = h.out().replaceAll("\\s+", " ");
    for (String s : new String[] {"--scorer=ID", "additive, bilinear, dot, scaled-dot", "--params=F",
        "additive: W_q [h, d_q], W_k [h, d_k], v [h], b [h] (optional", "bilinear: W [d_q, d_k]", "--normalizer=ID",
        "softmax (default), sparsemax or entmax15", "--temperature=T", "--mask=F", "--key-padding=F", "--causal"}) {
      assertTrue(help.contains(s), "attend --help must mention '" + s + "':\n" + h.out());
    }
  }

  @Test void helpAndVersion() {
    Run h = run("--help");
    assertEquals(0, h.code());
    assertTrue(h.out().contains("attend") && h.out().contains("align") && h.out().contains("retrieve") && h.out().contains("scenario")
        && h.out().contains("plugins"), h.out());
    Run v = run("--version");
    assertEquals(0, v.code());
    assertTrue(v.out().startsWith("attention4j 0.1.0"), v.out());
    Run none = run("scenario", "run", "no-such");
    assertEquals(2, none.code());
    assertTrue(none.err().contains("scenario 'no-such' is not installed; installed: [") && none.err().contains("gibbs-temperature"),
        none.err());
  }
}
