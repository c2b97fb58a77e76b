package com.acme.ranking.domain;

import java.util.Objects;

/** A document with its embedding (computed elsewhere, e.g. by a text encoder). */
public record Document(String id, String title, float[] embedding) {
  public Document {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(title, "title");
    embedding = embedding.clone();
  }

  @Override public float[] embedding() { return embedding.clone(); }
}
