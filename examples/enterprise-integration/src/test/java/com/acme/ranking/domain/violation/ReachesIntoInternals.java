package com.acme.ranking.domain.violation;

import org.attention4j.api.internal.SoftmaxNormalizerProvider;

/** A seeded violation (test sources only): a non-exported Attention4J package, which the class path lets compile. */
public final class ReachesIntoInternals {
  private ReachesIntoInternals() {}

  public static String softmaxId() { return new SoftmaxNormalizerProvider().id(); }
}
