package com.acme.domain;

/** A clean domain type: knows nothing of Attention4J. */
public record Order(String id, double amount) {}
