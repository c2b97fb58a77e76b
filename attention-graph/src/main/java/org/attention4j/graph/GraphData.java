package org.attention4j.graph;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * A node-classification data set: an edge list on {@code nodes} nodes, features [n, featureDim]
 * row-major, and one class per node in [0, classes).
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record GraphData(String name, int nodes, int[] src, int[] dst, float[] features, int featureDim, int[] labels,
    int classes) {
  public GraphData {
    if ((long) nodes * featureDim != features.length) {
      throw new IllegalArgumentException("features: expected " + ((long) nodes * featureDim) + " values (= " + nodes + " x "
          + featureDim + "), got " + features.length);
    }
    if (labels.length != nodes) throw new IllegalArgumentException("labels: expected " + nodes + ", got " + labels.length);
  }

  /** The undirected graph with one self-loop per node, as the layers use it. */
  public Graph graph() { return Graph.fromEdges(nodes, src, dst, false, true); }

  /** The number of edges of the list (each undirected edge once). */
  public int edgeCount() { return src.length; }

  /**
   * The edge homophily: the fraction of listed edges (self-loops excluded) whose two ends share a
   * class.
   */
  public double edgeHomophily() {
    int same = 0, total = 0;
    for (int e = 0; e < src.length; e++) {
      if (src[e] == dst[e]) continue;
      total++;
      if (labels[src[e]] == labels[dst[e]]) same++;
    }
    return total == 0 ? Double.NaN : (double) same / total;
  }
}
