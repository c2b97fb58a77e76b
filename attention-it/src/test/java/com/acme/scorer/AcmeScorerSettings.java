package com.acme.scorer;

import java.util.List;
import org.attention4j.api.ParameterSpec;
import org.attention4j.api.spi.ProviderConfig;

/** Part of an integrator's plugin that keeps the rules: only the api's data types and the SPI. */
public final class AcmeScorerSettings {
  private AcmeScorerSettings() {}

  public static List<ParameterSpec> parameters() { return List.of(); }

  public static long seed(ProviderConfig config) { return config.seed(); }
}
