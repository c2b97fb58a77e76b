package org.attention4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.io.LongTensor;
import org.attention4j.api.io.MatrixFiles;
import org.attention4j.graph.GraphData;
import org.attention4j.graph.KarateClub;
import org.attention4j.testkit.WithRootAllocator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code graph train} in-process (CLI.md): the JSON document, the prediction and weight files, input errors (exit 2). */
@WithRootAllocator
class GraphCommandTest {
  @TempDir Path dir;
  private GraphData karate;

  private String p(String name) { return dir.resolve(name).toString(); }

  @BeforeEach void files(BufferAllocator a) throws Exception {
    karate = KarateClub.load();
    StringBuilder csv = new StringBuilder("src,dst\n");
    for (int e = 0; e < karate.edgeCount(); e++) csv.append(karate.src()[e]).append(',').append(karate.dst()[e]).append('\n');
    Files.writeString(dir.resolve("edges.csv"), csv);
    try (FixedSizeListVector x = DenseMatrices.of(a, "x", 34, 34, karate.features())) {
      MatrixFiles.writeMatrix(dir.resolve("x.npy"), x);
    }
    long[] labels = new long[34];
    int[] hubs = KarateClub.hubs(karate, 2);
    for (int i = 0; i < 34; i++) labels[i] = hubs[i];
    MatrixFiles.writeIntegers(dir.resolve("y.npy"), labels, 34);
  }

  private static List<String> keys(JsonNode n) {
    List<String> out = new ArrayList<>();
    for (Iterator<String> it = n.fieldNames(); it.hasNext();) out.add(it.next());
    return out;
  }

  @Test void trainsKarateAndWritesTheContractFiles() throws Exception {
    CliTest.Run r = CliTest.run("graph", "train", "--edges", p("edges.csv"), "--features", p("x.npy"), "--labels",
        p("y.npy"), "--layer", "gat", "--heads", "4", "--epochs", "200", "--seed", "0", "--out", p("pred.npy"),
        "--edge-weights", p("w.csv"), "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode doc = new ObjectMapper().readTree(r.out());
    assertEquals(List.of("layer", "heads", "epochs", "final_loss", "loss", "train_accuracy", "holdout_accuracy"), keys(doc));
    assertEquals("gat", doc.get("layer").asText());
    assertEquals(4, doc.get("heads").asInt());
    assertEquals(200, doc.get("loss").size());
    assertTrue(doc.get("loss").get(199).asDouble() < doc.get("loss").get(0).asDouble());
    assertTrue(doc.get("train_accuracy").asDouble() >= 0.75);
    assertTrue(doc.get("holdout_accuracy").isNull());
    LongTensor pred = MatrixFiles.readIntegers(dir.resolve("pred.npy"));
    assertArrayEquals(new int[] {34, 1}, pred.shape());
    int correct = 0;
    for (int i = 0; i < 34; i++) if (pred.values()[i] == karate.labels()[i]) correct++;
    assertTrue(correct >= 27, correct + " of 34 correct");
    List<String> lines = Files.readAllLines(dir.resolve("w.csv"));
    assertEquals("src,dst,head,weight", lines.get(0));
    assertEquals(1 + (2 * 78 + 34) * 4, lines.size());
    long selfLoops = lines.stream().skip(1).map(l -> l.split(",")).filter(f -> f[0].equals(f[1])).count();
    assertEquals(34 * 4, selfLoops, "self-loops are the rows with src = dst, one per member and head");
  }

  @Test void dotLayerTakesAScorerAndItsSettings() throws Exception {
    CliTest.Run r = CliTest.run("graph", "train", "--edges", p("edges.csv"), "--features", p("x.npy"), "--labels",
        p("y.npy"), "--layer", "dot", "--scorer", "additive", "--set", "h=8", "--heads", "2", "--epochs", "20",
        "--holdout", "0.5", "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode doc = new ObjectMapper().readTree(r.out());
    assertTrue(doc.get("holdout_accuracy").isNumber());
  }

  @Test void badInputExitsTwoWithOneLine(BufferAllocator a) throws Exception {
    CliTest.Run r = CliTest.run("graph", "train", "--edges", p("edges.csv"), "--features", p("x.npy"), "--labels",
        p("y.npy"), "--layer", "gatv3");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--layer: expected one of gat, gatv2, dot, gcn, got 'gatv3'"), r.err());
    MatrixFiles.writeIntegers(dir.resolve("short.npy"), new long[] {0, 1}, 2);
    r = CliTest.run("graph", "train", "--edges", p("edges.csv"), "--features", p("x.npy"), "--labels", p("short.npy"),
        "--layer", "gcn");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("expected shape [34] (= feature rows), got [2, 1]"), r.err());
    Files.writeString(dir.resolve("bad.csv"), "0,1\n1,40\n");
    r = CliTest.run("graph", "train", "--edges", p("bad.csv"), "--features", p("x.npy"), "--labels", p("y.npy"),
        "--layer", "gat");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--edges") && r.err().contains("expected indices in [0, 34)"), r.err());
    r = CliTest.run("graph", "train", "--edges", p("edges.csv"), "--features", p("x.npy"), "--labels", p("y.npy"),
        "--layer", "gat", "--scorer", "dot");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--scorer: expected together with --layer dot"), r.err());
  }
}
