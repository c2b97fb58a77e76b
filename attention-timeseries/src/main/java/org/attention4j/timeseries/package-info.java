/**
 * Time series attention, the user API of {@code org.attention4j.timeseries}:
 * {@link org.attention4j.timeseries.SeriesAttention} attends between the time points of a series
 * through window embeddings ({@link org.attention4j.timeseries.WindowEmbedding}) with any installed
 * scorer; {@link org.attention4j.timeseries.AttentionMap} holds the weights, the attention
 * reconstruction and the anomaly scores; {@link org.attention4j.timeseries.Sensitivity} gives dα/dε
 * for an anomaly ε·u on one key; {@link org.attention4j.timeseries.Detection} turns scores into
 * detections and scores them against {@link org.attention4j.timeseries.Anomaly} truth;
 * {@link org.attention4j.timeseries.RollingZScore} is the baseline; {@link org.attention4j.timeseries.Periodicity}
 * reads the period off the weights; {@link org.attention4j.timeseries.InjectedSeries} generates seeded
 * benchmark series.
 *
 * <p>Conventions: a series is n time steps of d channels, row-major {@code double[n·d]}
 * ({@link org.attention4j.timeseries.TimeSeries}); time step t is row t.
 *
 * @since 0.1
 */
package org.attention4j.timeseries;
