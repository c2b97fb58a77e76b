package org.attention4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options every command takes (CLI.md, general rules). */
final class CommonOptions {
  @Option(names = "--plugin-path", paramLabel = "DIR", description = "Load plugin jars from this folder (repeatable).")
  List<Path> pluginPaths = new ArrayList<>();

  @Option(names = "--seed", paramLabel = "N", defaultValue = "0", description = "Seed for anything random (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Set a provider's declared parameter, e.g. h=64 or kernels=scalar (repeatable).")
  Map<String, String> settings = new LinkedHashMap<>();

  RuntimeOptions toRuntime() { return new RuntimeOptions(pluginPaths, seed, settings); }

  AppComponent component() { return AppComponent.of(toRuntime()); }

  static List<String> ignoredKeys() { return List.of("kernels"); }

  static Map<String, String> copy(Map<String, String> m) { return new LinkedHashMap<>(m); }
}
