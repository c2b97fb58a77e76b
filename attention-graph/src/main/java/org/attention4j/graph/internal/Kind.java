package org.attention4j.graph.internal;

/** The layer kinds (the user API's {@code LayerKind}, by name). */
public enum Kind {
  GAT, GATV2, DOT, GCN;

  /** Whether α is an edge softmax of learned scores. */
  public boolean attends() { return this != GCN; }
}
