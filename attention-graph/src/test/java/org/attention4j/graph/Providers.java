package org.attention4j.graph;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.attention4j.api.Settings;
import org.attention4j.api.registry.Registry;
import org.attention4j.api.spi.ProviderConfig;

/** The registry (module path: the bilinear and additive scorers are test dependencies) and a config over it. */
public final class Providers {
  public static final Registry REGISTRY = Registry.load(List.of());

  private Providers() {}

  public static ProviderConfig config(BufferAllocator allocator) { return config(allocator, Map.of()); }

  public static ProviderConfig config(BufferAllocator allocator, Map<String, String> settings) {
    return new ProviderConfig(Settings.of("graph-test", settings), 0, allocator, Optional.empty(), REGISTRY.kernels(),
        REGISTRY);
  }
}
