/**
 * Graph attention, the user API of {@code org.attention4j.graph}: {@link org.attention4j.graph.Graph}
 * (CSR by receiving node, from an edge list or a file), {@link org.attention4j.graph.NodeClassifier}
 * (GAT, GATv2, scorer-based and GCN layers trained for node classification),
 * {@link org.attention4j.graph.NodeClassification} and {@link org.attention4j.graph.EdgeWeights}
 * (per-edge, per-head weights), and the data: {@link org.attention4j.graph.KarateClub} and
 * {@link org.attention4j.graph.StochasticBlockModel}.
 *
 * <p>Conventions: an edge j → i carries the message of node j to node i; node i's weights α_ij
 * over its received edges (its own self-loop included) sum to 1 per head. Undirected input stores
 * both directions.
 *
 * @since 0.1
 */
package org.attention4j.graph;
