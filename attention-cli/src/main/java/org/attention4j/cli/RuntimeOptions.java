package org.attention4j.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the command line says about the run as a whole: plugin folders, the seed and the provider
 * settings ({@code --set}); {@code kernels} among them forces a kernel provider.
 */
record RuntimeOptions(List<Path> pluginPaths, long seed, Map<String, String> settings) {
  RuntimeOptions {
    pluginPaths = List.copyOf(pluginPaths);
    settings = Map.copyOf(settings);
  }

  Optional<String> forcedKernels() { return Optional.ofNullable(settings.get("kernels")); }
}
