package org.attention4j.graph.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.io.LongTensor;
import org.attention4j.api.io.MatrixFiles;
import org.attention4j.graph.Graph;
import org.attention4j.testkit.WithRootAllocator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * One GAT (concat and mean), GATv2 and GCN layer against the float64 numpy reference of
 * {@code src/test/python/make_fixtures.py}: outputs and per-edge weights within 1e-5 (float32
 * arithmetic with float64 sums against float64).
 */
@WithRootAllocator
class FixturesTest {
  private static final Path DIR = Path.of("src/test/resources/fixtures");

  private static float[] read(String name, BufferAllocator a) {
    try (FixedSizeListVector v = MatrixFiles.readMatrix(DIR.resolve(name + ".npy"), a)) {
      return DenseMatrices.toArray(v);
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"gat,gat,true", "gatmean,gat,false", "gatv2,gatv2,true", "gcn,gcn,true"})
  void layerMatchesTheNumpyReference(String fixture, String kind, boolean concat, BufferAllocator a) {
    LongTensor e = MatrixFiles.readIntegers(DIR.resolve("edges.npy"));
    int m = e.shape()[0];
    int[] src = new int[m], dst = new int[m];
    for (int k = 0; k < m; k++) {
      src[k] = (int) e.values()[2 * k];
      dst[k] = (int) e.values()[2 * k + 1];
    }
    Graph g = Graph.fromEdges(6, src, dst, true, false);
    assertEquals(m, g.edges());
    for (int k = 0; k < m; k++) {
      assertEquals(src[k], g.sources()[k], "CSR order as in the reference");
      assertEquals(dst[k], g.targets()[k]);
    }
    float[] x = read("x", a);
    GraphLayer layer = switch (kind) {
      case "gat" -> new GatLayer("", 4, 2, 3, concat);
      case "gatv2" -> new GatV2Layer("", 4, 2, 3, concat);
      default -> new GcnLayer("", 4, 2, 3, concat);
    };
    Map<String, float[]> p = new HashMap<>();
    for (var spec : layer.specs()) {
      String name = spec.name().equals("bias") ? fixture + "_bias" : kind + "_" + spec.name();
      p.put(spec.name(), read(name, a));
    }
    GraphLayer.State s = layer.forward(new Csr(g.nodes(), g.offsets(), g.sources(), g.targets()), x, p, null);
    float[] out = read(fixture + "_out", a), alpha = read(kind + "_alpha", a);
    for (int k = 0; k < out.length; k++) assertEquals(out[k], s.out()[k], 1e-5, fixture + " out[" + k + "]");
    for (int k = 0; k < alpha.length; k++) assertEquals(alpha[k], s.alpha()[k], 1e-6, fixture + " alpha[" + k + "]");
  }
}
