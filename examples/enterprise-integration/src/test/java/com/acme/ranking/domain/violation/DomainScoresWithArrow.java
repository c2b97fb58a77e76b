package com.acme.ranking.domain.violation;

import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;

/** A seeded violation (test sources only): domain code that builds an Attention4J matrix itself. */
public final class DomainScoresWithArrow {
  private DomainScoresWithArrow() {}

  public static float firstEntry(float[] embedding) {
    try (RootAllocator a = new RootAllocator();
         FixedSizeListVector m = DenseMatrices.of(a, "query", 1, embedding.length, embedding)) {
      return DenseMatrices.get(m, 0, 0);
    }
  }
}
