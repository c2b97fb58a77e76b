package org.attention4j.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.io.MatrixFiles;
import org.attention4j.testkit.WithRootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@WithRootAllocator
class GraphTest {
  @TempDir Path dir;

  @Test void csrByReceiverWithSortedMergedSources() {
    // 0-1 twice (merged), 2->1, a self-loop on 2, undirected, self-loops added.
    Graph g = Graph.fromEdges(3, new int[] {0, 1, 2, 2}, new int[] {1, 0, 1, 2}, false, true);
    assertArrayEquals(new int[] {0, 2, 5, 7}, g.offsets());
    assertArrayEquals(new int[] {0, 1, 0, 1, 2, 1, 2}, g.sources());
    assertArrayEquals(new int[] {0, 0, 1, 1, 1, 2, 2}, g.targets());
    assertEquals(3, g.selfLoops());
  }

  @Test void directedWithoutSelfLoopsKeepsTheList() {
    Graph g = Graph.fromEdges(3, new int[] {0, 1}, new int[] {1, 2}, true, false);
    assertArrayEquals(new int[] {0, 0, 1, 2}, g.offsets());
    assertArrayEquals(new int[] {0, 1}, g.sources());
    assertEquals(0, g.selfLoops());
  }

  @Test void readsCsvNpyAndArrowAlike(BufferAllocator allocator) throws Exception {
    Path csv = dir.resolve("e.csv"), npy = dir.resolve("e.npy"), arrow = dir.resolve("e.arrow");
    Files.writeString(csv, "src,dst\n0,1\n1,2\n3,0\n");
    MatrixFiles.writeIntegers(npy, new long[] {0, 1, 1, 2, 3, 0}, 3, 2);
    try (FixedSizeListVector m = DenseMatrices.of(allocator, "e", 3, 2, new float[] {0, 1, 1, 2, 3, 0})) {
      MatrixFiles.writeMatrix(arrow, m);
    }
    Graph a = Graph.read(csv, 4, false, true, allocator);
    for (Path p : List.of(npy, arrow)) {
      Graph b = Graph.read(p, 4, false, true, allocator);
      assertArrayEquals(a.offsets(), b.offsets(), p.toString());
      assertArrayEquals(a.sources(), b.sources(), p.toString());
    }
    assertEquals(3 * 2 + 4, a.edges());
  }

  @Test void badInputNamesTheArgument(BufferAllocator allocator) throws Exception {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Graph.fromEdges(3, new int[] {0}, new int[] {3}, false, true));
    assertTrue(e.getMessage().startsWith("dst: expected indices in [0, 3)"), e.getMessage());
    Path wide = dir.resolve("w.csv");
    Files.writeString(wide, "0,1,2\n");
    e = assertThrows(IllegalArgumentException.class, () -> Graph.read(wide, 3, false, true, allocator));
    assertTrue(e.getMessage().contains("expected an edge list [E, 2]"), e.getMessage());
    Path frac = dir.resolve("f.arrow");
    try (FixedSizeListVector m = DenseMatrices.of(allocator, "e", 1, 2, new float[] {0, 1.5f})) {
      MatrixFiles.writeMatrix(frac, m);
    }
    e = assertThrows(IllegalArgumentException.class, () -> Graph.read(frac, 3, false, true, allocator));
    assertTrue(e.getMessage().contains("expected whole node ids >= 0, got 1.5"), e.getMessage());
  }

  @Test void linearConstructionOnALargeGraph() {
    GraphData d = StochasticBlockModel.builder().nodes(20_000).averageDegree(10).seed(3).generate();
    Graph g = d.graph();
    int[] off = g.offsets(), src = g.sources();
    for (int i = 0; i < g.nodes(); i++) {
      for (int k = off[i] + 1; k < off[i + 1]; k++) assertTrue(src[k - 1] < src[k], "sorted, no duplicates");
    }
    assertEquals(20_000, g.selfLoops());
  }

  @Test void sbmHomophilyKnobIsTheEdgeHomophily() {
    for (double h : new double[] {0.9, 0.25, 0.05}) {
      GraphData d = StochasticBlockModel.builder().nodes(2000).classes(4).averageDegree(10).homophily(h).seed(1).generate();
      assertEquals(h, d.edgeHomophily(), 0.02, "h = " + h);
    }
    GraphData a = StochasticBlockModel.builder().seed(5).generate(), b = StochasticBlockModel.builder().seed(5).generate();
    assertArrayEquals(a.features(), b.features());
    assertArrayEquals(a.src(), b.src());
  }
}
