package org.attention4j.sparse.internal;

import org.attention4j.api.spi.Normalizer;
import org.attention4j.api.spi.NormalizerProvider;
import org.attention4j.api.spi.ProviderConfig;

/**
 * {@code sparsemax}: the Euclidean projection of S / T onto the probability simplex, row-wise over
 * the allowed keys (Martins &amp; Astudillo 2016). Low scores get exactly zero weight. Backward: on the
 * support, dS_j = (dA_j − mean_support dA) / T; zero elsewhere.
 */
public final class SparsemaxNormalizerProvider implements NormalizerProvider {
  /** Creates the provider (called by {@link java.util.ServiceLoader}). */
  public SparsemaxNormalizerProvider() {}

  @Override public String id() { return SparseNormalizer.Kind.SPARSEMAX.id; }

  @Override public String description() {
    return "sparsemax over allowed keys, with temperature (exact sort-based; sparse weights, empty rows give 0)";
  }

  @Override public Normalizer create(ProviderConfig config) { return new SparseNormalizer(SparseNormalizer.Kind.SPARSEMAX); }
}
