package com.acme.ranking.domain;

import java.util.Objects;

/** A search query and its embedding, of the same width as the documents'. */
public record Query(String text, float[] embedding) {
  public Query {
    Objects.requireNonNull(text, "text");
    embedding = embedding.clone();
  }

  @Override public float[] embedding() { return embedding.clone(); }
}
