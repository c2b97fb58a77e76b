package com.badcorp.domain;

import org.attention4j.api.Mask;

/** Breaks PluginArchRules.noAttention4jTypesInDomainLayer: a domain type holding an attention mask. */
public record Invoice(String id, Mask mask) {}
