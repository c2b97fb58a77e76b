package org.attention4j.spark.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.attention4j.api.registry.Registry;

/**
 * One provider registry per JVM and configuration (plugin folders, forced kernels): the driver and
 * every executor find the installed scorers, normalizers and kernels the same way, once.
 */
public final class ExecutorRegistry {
  private static final Map<String, Registry> LOADED = new ConcurrentHashMap<>();

  private ExecutorRegistry() {}

  /** The registry for these plugin folders and kernel choice (loaded on first use in this JVM). */
  public static Registry get(List<String> pluginDirs, Optional<String> kernels) {
    String key = String.join("\u0000", pluginDirs) + "\u0001" + kernels.orElse("");
    return LOADED.computeIfAbsent(key, k -> Registry.load(pluginDirs.stream().map(Path::of).toList(), kernels));
  }
}
