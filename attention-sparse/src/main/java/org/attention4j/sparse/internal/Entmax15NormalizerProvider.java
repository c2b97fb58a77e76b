package org.attention4j.sparse.internal;

import org.attention4j.api.spi.Normalizer;
import org.attention4j.api.spi.NormalizerProvider;
import org.attention4j.api.spi.ProviderConfig;

/**
 * {@code entmax15}: 1.5-entmax of S / T, row-wise over the allowed keys, A = [S/(2T) − τ]₊² with τ
 * such that each row sums to 1 — the exact sort-based algorithm of Peters, Niculae &amp; Martins
 * (2019), "Sparse Sequence-to-Sequence Models", Algorithm 2. Between softmax (dense) and sparsemax
 * (sparsest). Backward: with g = √A on the support (0 elsewhere),
 * dS = (g ⊙ dA − (Σ g⊙dA / Σ g) g) / T.
 */
public final class Entmax15NormalizerProvider implements NormalizerProvider {
  /** Creates the provider (called by {@link java.util.ServiceLoader}). */
  public Entmax15NormalizerProvider() {}

  @Override public String id() { return SparseNormalizer.Kind.ENTMAX15.id; }

  @Override public String description() {
    return "1.5-entmax over allowed keys, with temperature (exact sort-based; sparse weights, empty rows give 0)";
  }

  @Override public Normalizer create(ProviderConfig config) { return new SparseNormalizer(SparseNormalizer.Kind.ENTMAX15); }
}
