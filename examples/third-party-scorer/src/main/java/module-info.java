/**
 * An example third-party Attention4J plugin: the {@code cosine} scorer,
 * {@code s(q, k) = cos(q, k) / τ} with a learnable temperature τ = exp(log_tau). Built against
 * attention-api only; exports nothing and is found through {@code provides}, on the module path
 * or from a plugin folder.
 *
 * @provides org.attention4j.api.spi.ScorerProvider {@code cosine}
 * @provides org.attention4j.api.spi.ScenarioProvider {@code cosine-temperature} (claim "other")
 */
module org.example.cosine {
  requires org.attention4j.api;

  provides org.attention4j.api.spi.ScorerProvider with org.example.cosine.CosineScorerProvider;
  provides org.attention4j.api.spi.ScenarioProvider with org.example.cosine.CosineTemperatureScenario;
}
