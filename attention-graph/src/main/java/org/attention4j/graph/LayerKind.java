package org.attention4j.graph;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Locale;
import org.apiguardian.api.API;

/**
 * The graph layers. Each layer maps node features h [n, F] to [n, H·F'] (heads concatenated) or
 * [n, F'] (heads averaged) by aggregating messages over each node's incoming edges with weights
 * α_ij that sum to 1 over the neighbourhood (GCN: fixed weights).
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public enum LayerKind {
  /** GAT (Veličković et al. 2018): e_ij = LeakyReLU(aᵀ[W h_i ‖ W h_j]), messages W h_j. */
  GAT("gat"),
  /** GATv2 (Brody et al. 2022): e_ij = aᵀ LeakyReLU(W_r h_i + W_l h_j), messages W_l h_j. */
  GATV2("gatv2"),
  /** e_ij = s(W h_i, W h_j) of an installed scorer ({@code dot} by default) through its {@code scorePairs}. */
  DOT("dot"),
  /** GCN (Kipf and Welling 2017): fixed α_ij = 1/√(d_i d_j) with in-degrees d, messages W h_j. */
  GCN("gcn");

  private final String id;

  LayerKind(String id) { this.id = id; }

  /** The id used on the command line and in results: {@code gat}, {@code gatv2}, {@code dot}, {@code gcn}. */
  public String id() { return id; }

  /** Whether the weights are learned (an edge softmax over scores) rather than fixed. */
  public boolean attends() { return this != GCN; }

  /** The kind with this id; an error names {@code argument} and lists the ids. */
  public static LayerKind parse(String id, String argument) {
    for (LayerKind k : values()) if (k.id.equals(id == null ? null : id.toLowerCase(Locale.ROOT))) return k;
    throw new IllegalArgumentException(argument + ": expected one of gat, gatv2, dot, gcn, got '" + id + "'");
  }
}
