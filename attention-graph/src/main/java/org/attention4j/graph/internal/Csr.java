package org.attention4j.graph.internal;

/**
 * The arrays of a CSR graph by receiving node, as the layers read them (the user API's
 * {@code Graph} hands them over without copying, so this package does not depend on it).
 *
 * @param nodes n
 * @param offsets [n + 1]: node i receives the edges offsets[i] … offsets[i + 1] − 1
 * @param sources sending node of each edge [E]
 * @param targets receiving node of each edge [E]
 */
public record Csr(int nodes, int[] offsets, int[] sources, int[] targets) {
  public int edges() { return sources.length; }

  public int inDegree(int i) { return offsets[i + 1] - offsets[i]; }
}
