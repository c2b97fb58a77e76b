package com.acme.ranking.domain;

/** A document with its relevance weight for one query (weights of one ranking sum to 1). */
public record Ranked(Document document, double weight) {}
