package org.attention4j.graph.bench;

import java.util.Locale;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.attention4j.graph.Graph;
import org.attention4j.graph.GraphData;
import org.attention4j.graph.LayerKind;
import org.attention4j.graph.NodeClassification;
import org.attention4j.graph.NodeClassifier;
import org.attention4j.graph.Providers;
import org.attention4j.graph.StochasticBlockModel;

/**
 * Time per training epoch (forward, backward, Adam step; one full-batch step) on SBM graphs of
 * growing size at a fixed average degree, so edges grow with nodes; run with
 * {@code -Dlayers=gat,gatv2,gcn -Dsizes=50000,100000 -Ddegree=20 -Depochs=2 -Dreps=1} (see the README).
 * Prints nodes, listed edges, stored edges, layer, and the thread CPU time and wall time per epoch:
 * the median over {@code reps} of (time of 1 + k epochs − time of 1 epoch) / k, k = {@code epochs}.
 */
public final class EpochTimeMain {
  private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

  private EpochTimeMain() {}

  private static void run(LayerKind kind, int epochs, Graph g, GraphData d, int[] labels, BufferAllocator allocator) {
    NodeClassification r = NodeClassifier.builder().kind(kind).epochs(epochs).seed(1).build()
        .fit(g, d.features(), d.featureDim(), labels, Providers.config(allocator));
    if (!Double.isFinite(r.finalLoss())) throw new IllegalStateException("non-finite loss");
  }

  public static void main(String[] args) {
    String[] layers = System.getProperty("layers", "gat,gatv2,gcn").split(",");
    String[] sizes = System.getProperty("sizes", "50000,100000").split(",");
    double degree = Double.parseDouble(System.getProperty("degree", "20"));
    int epochs = Integer.parseInt(System.getProperty("epochs", "4"));
    int features = Integer.parseInt(System.getProperty("features", "16"));
    int reps = Integer.parseInt(System.getProperty("reps", "3"));
    System.out.println("nodes,listed_edges,stored_edges,layer,cpu_ms_per_epoch,wall_ms_per_epoch");
    try (BufferAllocator allocator = new RootAllocator()) {
      for (String size : sizes) {
        int n = Integer.parseInt(size.trim());
        GraphData d = StochasticBlockModel.builder().nodes(n).classes(4).averageDegree(degree).featureDim(features)
            .seed(1).generate();
        Graph g = d.graph();
        int[] labels = d.labels().clone();
        for (int i = 0; i < n; i++) if (i % 10 != 0) labels[i] = NodeClassifier.UNLABELLED;   // 10% labelled
        for (String layer : layers) {
          LayerKind kind = LayerKind.parse(layer.trim(), "layers");
          // fit(1 + epochs) − fit(1): the epochs alone, without set-up and the final evaluation pass. Training
          // runs on this thread only, so its CPU time is what an epoch costs, whatever else loads the machine.
          long[] cpu = new long[reps], wall = new long[reps];
          for (int rep = 0; rep < reps; rep++) {
            long c0 = THREADS.getCurrentThreadCpuTime(), t0 = System.nanoTime();
            run(kind, 1, g, d, labels, allocator);
            long c1 = THREADS.getCurrentThreadCpuTime(), t1 = System.nanoTime();
            run(kind, 1 + epochs, g, d, labels, allocator);
            cpu[rep] = (THREADS.getCurrentThreadCpuTime() - c1) - (c1 - c0);
            wall[rep] = (System.nanoTime() - t1) - (t1 - t0);
          }
          java.util.Arrays.sort(cpu);
          java.util.Arrays.sort(wall);
          System.out.printf(Locale.ROOT, "%d,%d,%d,%s,%.1f,%.1f%n", n, d.edgeCount(), g.edges(), kind.id(),
              cpu[reps / 2] / 1e6 / epochs, wall[reps / 2] / 1e6 / epochs);
        }
      }
    }
  }
}
