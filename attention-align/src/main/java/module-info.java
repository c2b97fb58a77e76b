/**
 * Sequence alignment for Attention4J (SEED-DIGEST 2.4: the score matrix is an alignment matrix):
 * dynamic time warping with its optimal path and a Sakoe–Chiba band, soft-DTW with its gradient
 * (the expected alignment matrix) and divergence, and the alignment energy landscape over global
 * shifts with a posterior over shifts. Local costs are squared Euclidean, absolute (L1), or the
 * negated score of any installed scorer ({@code scorer:ID}), reached through the registry.
 *
 * <p>The user API is {@code org.attention4j.align} ({@link org.attention4j.align.Aligner} first).
 * The recursions live in {@code org.attention4j.align.internal}; the scenario in
 * {@code org.attention4j.align.internal.scenario} (it uses only the user API).
 *
 * @provides org.attention4j.api.spi.ScenarioProvider {@code alignment-landscape} (claim 2.4)
 */
module org.attention4j.align {
  requires transitive org.attention4j.api;       // Arrow matrices and ProviderConfig appear in the API
  requires static transitive org.apiguardian.api;

  exports org.attention4j.align;

  provides org.attention4j.api.spi.ScenarioProvider
      with org.attention4j.align.internal.scenario.AlignmentLandscapeScenario;
}
