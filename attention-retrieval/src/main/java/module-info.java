/**
 * Retrieval for Attention4J (SEED-DIGEST 2.3: attention is a differentiable soft lookup in a
 * key–value memory; trained, it concentrates on the nearest entry): a key–value memory over
 * memory-mapped {@code .npy} files or Arrow matrices, exact top-k by inner product, cosine or L2
 * through the active kernel provider's top-k scan with float64 rescoring, the soft attention read
 * with any installed scorer and temperature, and approximate indexes (IVF, learned routing).
 * Scorers and kernels are reached through the registry ({@code ProviderLookup}), never imported.
 *
 * <p>The user API is {@code org.attention4j.retrieval} ({@link org.attention4j.retrieval.KeyValueMemory}
 * and {@link org.attention4j.retrieval.ExactSearch} first). Internals live in
 * {@code org.attention4j.retrieval.internal}; the scenario in
 * {@code org.attention4j.retrieval.internal.scenario} (it uses only the user API).
 *
 * @provides org.attention4j.api.spi.ScenarioProvider {@code retrieval} (claim 2.3)
 */
module org.attention4j.retrieval {
  requires transitive org.attention4j.api;       // Arrow matrices, Kernels and ProviderConfig appear in the API
  requires org.attention4j.train;                // the learned index trains with Adam and softmax cross entropy
  requires com.fasterxml.jackson.databind;       // the manifest of a saved index
  requires static transitive org.apiguardian.api;

  exports org.attention4j.retrieval;

  provides org.attention4j.api.spi.ScenarioProvider
      with org.attention4j.retrieval.internal.scenario.RetrievalScenario;
}
