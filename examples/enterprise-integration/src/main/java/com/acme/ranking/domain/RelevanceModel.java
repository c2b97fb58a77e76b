package com.acme.ranking.domain;

import java.util.List;

/**
 * The domain's port: how relevant each document is to a query. The domain does not know how it is
 * computed; an adapter implements it (with Attention4J, see {@code com.acme.ranking.adapter}).
 */
public interface RelevanceModel {
  /** One weight per document, in the documents' order, summing to 1 (all zero when {@code documents} is empty). */
  double[] weights(Query query, List<Document> documents);
}
