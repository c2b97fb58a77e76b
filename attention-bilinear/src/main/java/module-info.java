/**
 * Multiplicative scorers for Attention4J: {@code dot}, {@code s(q, k) = qᵀk}, and {@code scaled-dot},
 * {@code s(q, k) = qᵀk / √d}. Both are parameter-free, need queries and keys of equal width, and
 * report their constant scale, so softmax attention over them takes the fused scaled-dot kernel.
 * The module exports nothing: applications find the scorers by id through the registry.
 *
 * @provides org.attention4j.api.spi.ScorerProvider {@code dot} and {@code scaled-dot}
 */
module org.attention4j.bilinear {
  requires org.attention4j.api;

  provides org.attention4j.api.spi.ScorerProvider with
      org.attention4j.bilinear.internal.DotScorerProvider,
      org.attention4j.bilinear.internal.ScaledDotScorerProvider;
}
