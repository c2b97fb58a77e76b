/**
 * Multiplicative scorers for Attention4J: {@code dot}, {@code s(q, k) = qᵀk}, {@code scaled-dot},
 * {@code s(q, k) = qᵀk / √d}, and {@code bilinear}, {@code s(q, k) = qᵀ W k} with a learned
 * {@code W} [d_q, d_k]. The first two are parameter-free, need queries and keys of equal width, and
 * report their constant scale, so softmax attention over them takes the fused scaled-dot kernel;
 * {@code bilinear} allows d_q ≠ d_k and owns its parameter. The module exports nothing:
 * applications find the scorers by id through the registry.
 *
 * @provides org.attention4j.api.spi.ScorerProvider {@code dot}, {@code scaled-dot} and {@code bilinear}
 */
module org.attention4j.bilinear {
  requires org.attention4j.api;

  provides org.attention4j.api.spi.ScorerProvider with
      org.attention4j.bilinear.internal.DotScorerProvider,
      org.attention4j.bilinear.internal.ScaledDotScorerProvider,
      org.attention4j.bilinear.internal.BilinearScorerProvider;
}
