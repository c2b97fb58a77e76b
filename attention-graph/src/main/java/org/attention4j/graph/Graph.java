package org.attention4j.graph;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.nio.file.Path;
import java.util.Arrays;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.Edges;
import org.attention4j.api.io.FileFormat;
import org.attention4j.api.io.LongTensor;
import org.attention4j.api.io.MatrixFiles;
import org.apiguardian.api.API;

/**
 * A sparse graph in compressed sparse row form, indexed by the <em>receiving</em> node: the edges
 * {@code offsets()[i] … offsets()[i + 1] − 1} are those j → i along which node i receives a message
 * from its neighbour j, sorted by j. Duplicate edges are merged. Undirected input (the default)
 * stores both directions; with self-loops on, every node gets exactly one edge i → i.
 *
 * <p>Construction is O(n + E) (two counting sorts); the arrays are owned by the graph — accessors
 * return them without copying, so do not modify them.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Graph {
  private final int nodes;
  private final int[] offsets;
  private final int[] sources;
  private final int[] targets;
  private final int selfLoops;

  private Graph(int nodes, int[] offsets, int[] sources, int[] targets) {
    this.nodes = nodes;
    this.offsets = offsets;
    this.sources = sources;
    this.targets = targets;
    int loops = 0;
    for (int e = 0; e < sources.length; e++) if (sources[e] == targets[e]) loops++;
    this.selfLoops = loops;
  }

  /**
   * A graph on {@code nodes} nodes from the edge list {@code src[e] → dst[e]} (node ids in
   * [0, nodes)). {@code directed = false} adds the reverse of every edge; {@code addSelfLoops}
   * makes sure every node has exactly one edge to itself (existing ones are kept once); without it
   * self-loops in the list are kept as they are.
   */
  public static Graph fromEdges(int nodes, int[] src, int[] dst, boolean directed, boolean addSelfLoops) {
    if (nodes < 1) throw new IllegalArgumentException("nodes: expected at least 1 node, got " + nodes);
    Edges.require(src, dst, nodes, nodes);
    long total = (long) src.length * (directed ? 1 : 2) + (addSelfLoops ? nodes : 0);
    if (total > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("edges: expected at most " + (Integer.MAX_VALUE - 16) + " stored edges, got " + total);
    }
    int m = (int) total;
    int[] s = new int[m], t = new int[m];
    int k = 0;
    for (int e = 0; e < src.length; e++) {
      s[k] = src[e];
      t[k++] = dst[e];
      if (!directed && src[e] != dst[e]) {
        s[k] = dst[e];
        t[k++] = src[e];
      }
    }
    if (addSelfLoops) {
      for (int i = 0; i < nodes; i++) {
        s[k] = i;
        t[k++] = i;
      }
    }
    // Counting sort by source, then a stable counting sort by target: rows by target, sources sorted.
    int[] bySrcS = new int[k], bySrcT = new int[k];
    countingSort(s, t, k, nodes, s, bySrcS, bySrcT);
    int[] rowS = new int[k], rowT = new int[k];
    int[] offsets = countingSort(bySrcS, bySrcT, k, nodes, bySrcT, rowS, rowT);
    // Merge duplicates (adjacent now) and rebuild the offsets.
    int[] newOffsets = new int[nodes + 1];
    int w = 0;
    for (int i = 0; i < nodes; i++) {
      newOffsets[i] = w;
      int prev = -1;
      for (int e = offsets[i]; e < offsets[i + 1]; e++) {
        if (rowS[e] == prev) continue;
        prev = rowS[e];
        rowS[w] = rowS[e];
        rowT[w++] = i;
      }
    }
    newOffsets[nodes] = w;
    return new Graph(nodes, newOffsets, Arrays.copyOf(rowS, w), Arrays.copyOf(rowT, w));
  }

  /** Stable counting sort of the first k pairs (a, b) by {@code key}; returns the bucket offsets. */
  private static int[] countingSort(int[] a, int[] b, int k, int buckets, int[] key, int[] outA, int[] outB) {
    int[] offsets = new int[buckets + 1];
    for (int e = 0; e < k; e++) offsets[key[e] + 1]++;
    for (int i = 0; i < buckets; i++) offsets[i + 1] += offsets[i];
    int[] next = Arrays.copyOf(offsets, buckets);
    for (int e = 0; e < k; e++) {
      int pos = next[key[e]]++;
      outA[pos] = a[e];
      outB[pos] = b[e];
    }
    return offsets;
  }

  /**
   * Reads an edge list: CSV {@code src,dst} (a header is optional) or .npy int32/int64 [E, 2], or an
   * Arrow IPC file [E, 2] whose float values are whole numbers. Ids must lie in [0, nodes).
   */
  public static Graph read(Path file, int nodes, boolean directed, boolean addSelfLoops, BufferAllocator allocator) {
    int[][] pairs = readEdgeList(file, allocator);
    try {
      return fromEdges(nodes, pairs[0], pairs[1], directed, addSelfLoops);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /** The two columns (src, dst) of an edge-list file; see {@link #read}. */
  public static int[][] readEdgeList(Path file, BufferAllocator allocator) {
    if (FileFormat.of(file) == FileFormat.ARROW) {
      try (FixedSizeListVector v = MatrixFiles.readMatrix(file, allocator)) {
        int[] shape = DenseMatrices.shape(v);
        if (shape.length != 2 || shape[1] != 2) {
          throw new IllegalArgumentException(file + ": expected an edge list [E, 2], got shape " + Arrays.toString(shape));
        }
        float[] data = DenseMatrices.toArray(v);
        int e = shape[0];
        int[] src = new int[e], dst = new int[e];
        for (int r = 0; r < e; r++) {
          src[r] = wholeNumber(file, data[2 * r], r, 0);
          dst[r] = wholeNumber(file, data[2 * r + 1], r, 1);
        }
        return new int[][] {src, dst};
      }
    }
    LongTensor t = MatrixFiles.readIntegers(file);
    int[] shape = t.shape();
    if (shape.length != 2 || shape[1] != 2) {
      throw new IllegalArgumentException(file + ": expected an edge list [E, 2] (columns src, dst), got shape "
          + Arrays.toString(shape));
    }
    int e = shape[0];
    int[] src = new int[e], dst = new int[e];
    long[] v = t.values();
    for (int r = 0; r < e; r++) {
      src[r] = nodeId(file, v[2 * r], r, 0);
      dst[r] = nodeId(file, v[2 * r + 1], r, 1);
    }
    return new int[][] {src, dst};
  }

  private static int wholeNumber(Path file, float f, int row, int col) {
    if (!(f == Math.rint(f)) || f < 0 || f > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(file + ": expected whole node ids >= 0, got " + f + " at (row " + row + ", col "
          + col + ")");
    }
    return (int) f;
  }

  private static int nodeId(Path file, long v, int row, int col) {
    if (v < 0 || v > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(file + ": expected node ids >= 0, got " + v + " at (row " + row + ", col " + col + ")");
    }
    return (int) v;
  }

  /** The number of nodes. */
  public int nodes() { return nodes; }

  /** The number of stored (directed) edges, self-loops included. */
  public int edges() { return sources.length; }

  /** The number of self-loops among the stored edges. */
  public int selfLoops() { return selfLoops; }

  /** Row offsets [n + 1]: the edges received by node i are offsets[i] … offsets[i + 1] − 1. */
  public int[] offsets() { return offsets; }

  /** Sending node j of each stored edge [E]. */
  public int[] sources() { return sources; }

  /** Receiving node i of each stored edge [E] (non-decreasing). */
  public int[] targets() { return targets; }

  /** The number of edges node i receives (its in-degree, self-loop included). */
  public int inDegree(int i) { return offsets[i + 1] - offsets[i]; }

  @Override public String toString() {
    return "Graph[" + nodes + " nodes, " + sources.length + " edges, " + selfLoops + " self-loops]";
  }
}
