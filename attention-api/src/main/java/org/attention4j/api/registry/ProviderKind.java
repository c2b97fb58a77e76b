package org.attention4j.api.registry;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.attention4j.api.spi.AttentionLayerProvider;
import org.attention4j.api.spi.KernelProvider;
import org.attention4j.api.spi.NormalizerProvider;
import org.attention4j.api.spi.Provider;
import org.attention4j.api.spi.ScenarioProvider;
import org.attention4j.api.spi.ScorerProvider;
import org.apiguardian.api.API;

/**
 * The kinds of provider, with the name used in listings ({@code plugins --json}). {@link #PLUGIN}
 * stands for a plugin jar that could not be opened at all, so its providers are unknown.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public enum ProviderKind {
  SCORER("scorer", ScorerProvider.class),
  NORMALIZER("normalizer", NormalizerProvider.class),
  LAYER("layer", AttentionLayerProvider.class),
  KERNEL("kernel", KernelProvider.class),
  SCENARIO("scenario", ScenarioProvider.class),
  PLUGIN("plugin", Provider.class);

  private final String json;
  private final Class<? extends Provider> type;

  ProviderKind(String json, Class<? extends Provider> type) {
    this.json = json;
    this.type = type;
  }

  public String json() { return json; }

  public Class<? extends Provider> type() { return type; }

  /** The kind whose service type is {@code type}. */
  public static ProviderKind of(Class<?> type) {
    for (ProviderKind k : values()) if (k != PLUGIN && k.type == type) return k;
    throw new IllegalArgumentException("kind: expected one of the provider interfaces, got " + type.getName());
  }
}
