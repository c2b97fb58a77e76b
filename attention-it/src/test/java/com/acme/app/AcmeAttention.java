package com.acme.app;

import java.util.List;
import org.attention4j.api.registry.Registry;
import org.attention4j.api.spi.ScorerProvider;

/** An integrator's adapter that keeps the rules: exported API only (registry, SPI). */
public final class AcmeAttention {
  private AcmeAttention() {}

  public static ScorerProvider scorer(String id) { return Registry.load(List.of()).require(ScorerProvider.class, id); }
}
