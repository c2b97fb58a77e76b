/**
 * Graph attention for Attention4J (SEED-DIGEST 2.2: each node attends to its neighbours and
 * aggregates their messages with learned weights, unlike GCN's fixed averaging): a CSR graph read
 * from an edge list, the GAT, GATv2, scorer-based ({@code dot}: any installed scorer's
 * {@code scorePairs}, reached through the registry) and GCN layers with multi-head concat or mean,
 * edge softmax per neighbourhood and dropout, node classification trained with attention-train,
 * per-edge attention weights, Zachary's karate club and a stochastic-block-model generator.
 *
 * <p>The user API is {@code org.attention4j.graph} ({@link org.attention4j.graph.NodeClassifier}
 * first). The layers live in {@code org.attention4j.graph.internal}; the scenario in
 * {@code org.attention4j.graph.internal.scenario} (it uses only the user API).
 *
 * @provides org.attention4j.api.spi.ScenarioProvider {@code graph-gat} (claim 2.2)
 */
module org.attention4j.graph {
  requires transitive org.attention4j.api;       // Arrow matrices and ProviderConfig appear in the API
  requires org.attention4j.train;
  requires static transitive org.apiguardian.api;

  exports org.attention4j.graph;

  provides org.attention4j.api.spi.ScenarioProvider
      with org.attention4j.graph.internal.scenario.GraphGatScenario;
}
