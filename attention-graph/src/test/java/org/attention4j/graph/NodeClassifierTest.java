package org.attention4j.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.attention4j.testkit.WithRootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@WithRootAllocator
class NodeClassifierTest {
  @TempDir Path dir;

  @Test void weightsSumToOnePerNeighbourhoodAndExport(BufferAllocator allocator) throws Exception {
    GraphData k = KarateClub.load();
    Graph g = k.graph();
    NodeClassification r = NodeClassifier.builder().kind(LayerKind.GAT).heads(3).epochs(5).seed(2).build()
        .fit(g, k.features(), k.featureDim(), KarateClub.hubs(k, 2), Providers.config(allocator));
    EdgeWeights w = r.edgeWeights().get(0);
    assertEquals(3, w.heads());
    for (int i = 0; i < g.nodes(); i++) {
      for (int h = 0; h < 3; h++) {
        double s = 0;
        for (int e = g.offsets()[i]; e < g.offsets()[i + 1]; e++) s += w.weight(e, h);
        assertEquals(1.0, s, 1e-5);
      }
    }
    Path csv = dir.resolve("w.csv");
    w.writeCsv(csv);
    List<String> lines = Files.readAllLines(csv);
    assertEquals("src,dst,head,weight", lines.get(0));
    assertEquals(1 + g.edges() * 3, lines.size());
    long loops = lines.stream().skip(1).map(l -> l.split(",")).filter(f -> f[0].equals(f[1])).count();
    assertEquals(34 * 3, loops);
  }

  @Test void gcnWeightsAreTheSymmetricNormalisation(BufferAllocator allocator) {
    GraphData k = KarateClub.load();
    Graph g = k.graph();
    NodeClassification r = NodeClassifier.builder().kind(LayerKind.GCN).heads(1).epochs(2).build()
        .fit(g, k.features(), k.featureDim(), KarateClub.hubs(k, 1), Providers.config(allocator));
    EdgeWeights w = r.edgeWeights().get(0);
    for (int e = 0; e < g.edges(); e++) {
      double expected = 1 / Math.sqrt((double) g.inDegree(g.targets()[e]) * g.inDegree(g.sources()[e]));
      assertEquals(expected, w.weight(e, 0), 1e-6);
    }
    assertTrue(!w.learned());
  }

  @Test void sameSeedSameResultAndHoldout(BufferAllocator allocator) {
    GraphData d = StochasticBlockModel.builder().nodes(120).classes(3).homophily(0.9).seed(4).generate();
    NodeClassifier c = NodeClassifier.builder().kind(LayerKind.GATV2).epochs(100).holdout(0.25).seed(9).build();
    NodeClassification a = c.fit(d.graph(), d.features(), d.featureDim(), d.labels(), Providers.config(allocator));
    NodeClassification b = c.fit(d.graph(), d.features(), d.featureDim(), d.labels(), Providers.config(allocator));
    assertArrayEquals(a.predictions(), b.predictions());
    assertEquals(a.loss(), b.loss());
    assertEquals(30, a.holdoutNodes().length);
    assertTrue(a.holdoutAccuracy() > 0.5, "holdout accuracy " + a.holdoutAccuracy());
  }

  @Test void dotLayerUsesAnyScorer(BufferAllocator allocator) {
    GraphData k = KarateClub.load();
    for (String scorer : List.of("dot", "bilinear", "additive")) {
      NodeClassification r = NodeClassifier.builder().kind(LayerKind.DOT).scorer(scorer).heads(2).epochs(60).seed(1)
          .build().fit(k.graph(), k.features(), k.featureDim(), KarateClub.hubs(k, 2),
              Providers.config(allocator, java.util.Map.of("h", "8")));
      assertTrue(r.finalLoss() < r.loss().get(0), scorer);
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NodeClassifier.builder()
        .kind(LayerKind.DOT).scorer("no-such").build()
        .fit(k.graph(), k.features(), k.featureDim(), KarateClub.hubs(k, 2), Providers.config(allocator)));
    assertTrue(e.getMessage().contains("no-such"), e.getMessage());
  }

  @Test void badInputIsRefusedWithTheArgument(BufferAllocator allocator) {
    GraphData k = KarateClub.load();
    float[] x = k.features().clone();
    x[5] = Float.NaN;
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NodeClassifier.builder().build()
        .fit(k.graph(), x, k.featureDim(), k.labels(), Providers.config(allocator)));
    assertEquals("features: expected finite values, got NaN at (row 0, col 5)", e.getMessage());
    int[] labels = k.labels().clone();
    labels[3] = -2;
    e = assertThrows(IllegalArgumentException.class, () -> NodeClassifier.builder().build()
        .fit(k.graph(), k.features(), k.featureDim(), labels, Providers.config(allocator)));
    assertTrue(e.getMessage().startsWith("labels: expected a class >= 0 or -1"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> LayerKind.parse("gatv3", "--layer"));
  }
}
