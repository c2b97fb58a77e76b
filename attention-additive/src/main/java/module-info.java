/**
 * The additive (Bahdanau) scorer {@code s(q, k) = vᵀ tanh(W_q q + W_k k + b)}: a one-hidden-layer
 * MLP over the query–key pair whose score is bounded by {@code ‖v‖₁} whatever the inputs. It exports
 * nothing; applications reach it through the registry by its id {@code additive}.
 *
 * @provides org.attention4j.api.spi.ScorerProvider {@code additive}
 */
module org.attention4j.additive {
  requires org.attention4j.api;

  provides org.attention4j.api.spi.ScorerProvider with org.attention4j.additive.internal.AdditiveScorerProvider;
}
