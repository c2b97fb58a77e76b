package com.acme.ranking.domain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Ranks documents for a query through a {@link RelevanceModel}: the top {@code k}, best first, ties by id. */
public final class RankingService {
  private final RelevanceModel model;

  public RankingService(RelevanceModel model) { this.model = model; }

  public List<Ranked> top(Query query, List<Document> documents, int k) {
    if (k < 0) throw new IllegalArgumentException("k: expected a number >= 0, got " + k);
    double[] w = model.weights(query, documents);
    if (w.length != documents.size()) {
      throw new IllegalStateException("weights: expected " + documents.size() + " (= documents), got " + w.length);
    }
    List<Ranked> all = new ArrayList<>();
    for (int i = 0; i < w.length; i++) all.add(new Ranked(documents.get(i), w[i]));
    all.sort(Comparator.comparingDouble(Ranked::weight).reversed().thenComparing(r -> r.document().id()));
    return List.copyOf(all.subList(0, Math.min(k, all.size())));
  }
}
