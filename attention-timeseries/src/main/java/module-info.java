/**
 * Time series for Attention4J (SEED-DIGEST 2.1: attention over time points or windows picks out
 * anomalies, change points and periodic patterns): window embeddings with positional features,
 * attention between time points with any installed scorer (reached through the registry), the
 * sensitivity dα/dε of the weights to an anomaly ε·u added to one key (closed forms for the additive
 * and bilinear scorers, the scorer's own backward pass for any scorer, finite differences), anomaly
 * and change-point scores from attention, a rolling z-score baseline, detection scored against an
 * injected truth, periodicity from attention by lag, and seeded benchmark series.
 *
 * <p>The user API is {@code org.attention4j.timeseries} ({@link org.attention4j.timeseries.SeriesAttention}
 * first). Helpers live in {@code org.attention4j.timeseries.internal}; the scenarios in
 * {@code org.attention4j.timeseries.internal.scenario}.
 *
 * @provides org.attention4j.api.spi.ScenarioProvider {@code timeseries-sensitivity} and
 *     {@code timeseries-anomaly} (claim 2.1)
 */
module org.attention4j.timeseries {
  requires transitive org.attention4j.api;       // Arrow matrices and ProviderConfig appear in the API
  requires org.attention4j.train;                 // Adam and the training loop for fitting a scorer to a series
  requires static transitive org.apiguardian.api;

  exports org.attention4j.timeseries;

  provides org.attention4j.api.spi.ScenarioProvider with
      org.attention4j.timeseries.internal.scenario.SensitivityScenario,
      org.attention4j.timeseries.internal.scenario.AnomalyScenario;
}
