/**
 * Attention4J's training toolkit, shared by every scenario that learns: named parameter sets with
 * seeded initialisers, gradient accumulation and clipping, the SGD (momentum, Nesterov) and Adam
 * (AdamW) optimisers, learning-rate schedules, losses with analytic gradients (MSE, softmax cross
 * entropy, binary cross entropy with logits, InfoNCE) and a deterministic minibatch loop with early
 * stopping, progress callbacks and cancellation.
 *
 * <p>It depends on the api only and reaches scorers through their {@code Scorer} interface; it
 * never imports a mechanism module. The user API is {@code org.attention4j.train}.
 */
module org.attention4j.train {
  requires transitive org.attention4j.api;
  requires static transitive org.apiguardian.api;

  exports org.attention4j.train;
}
