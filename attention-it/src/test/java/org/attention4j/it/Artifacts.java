package org.attention4j.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The built Attention4J artifacts this module was handed by Maven (its test-scope dependencies of
 * group {@code org.attention4j}: jars after {@code package}, {@code target/classes} before), listed by
 * maven-dependency-plugin in a file whose path is a system property.
 */
final class Artifacts {
  private Artifacts() {}

  /** Attention4J's own artifacts, pom-only ones (the BOM) excluded. */
  static List<Path> attention4j() { return read("attention4j.artifacts"); }

  /** The example plugin (org.example.cosine), built against attention-api only. */
  static List<Path> examplePlugins() { return read("attention4j.plugin.artifacts"); }

  /** Each Attention4J artifact by its module name. */
  static Map<String, Path> byModule() {
    Map<String, Path> modules = new TreeMap<>();
    for (Path p : attention4j()) modules.put(descriptor(p).name(), p);
    return modules;
  }

  /** ArchUnit locations of jars and class folders. */
  static java.util.Set<com.tngtech.archunit.core.importer.Location> locations(List<Path> artifacts) {
    java.util.Set<com.tngtech.archunit.core.importer.Location> locations = new java.util.LinkedHashSet<>();
    for (Path p : artifacts) {
      if (Files.isDirectory(p)) {
        locations.add(com.tngtech.archunit.core.importer.Location.of(p));
      } else {
        try (java.util.jar.JarFile jar = new java.util.jar.JarFile(p.toFile())) {
          locations.add(com.tngtech.archunit.core.importer.Location.of(jar));
        } catch (IOException e) {
          throw new UncheckedIOException("artifact " + p + ": expected a readable jar, got " + e.getMessage(), e);
        }
      }
    }
    return locations;
  }

  /** The descriptor of a jar or class folder as the module system sees it (automatic if it has none). */
  static ModuleDescriptor descriptor(Path artifact) {
    List<ModuleReference> refs = new ArrayList<>(ModuleFinder.of(artifact).findAll());
    if (refs.size() != 1) {
      throw new IllegalStateException("artifact " + artifact + ": expected one module, got " + refs.size());
    }
    return refs.get(0).descriptor();
  }

  /** The repository root (attention-it's parent folder). */
  static Path root() { return Path.of(property("attention4j.root")).toAbsolutePath().normalize(); }

  static String property(String name) {
    String v = System.getProperty(name);
    if (v == null || v.isBlank()) {
      throw new IllegalStateException("system property " + name + ": expected to be set by attention-it's pom, got none; "
          + "run these tests through Maven (mvn verify)");
    }
    return v;
  }

  private static List<Path> read(String property) {
    Path list = Path.of(property(property));
    try {
      String text = Files.readString(list).strip();
      if (text.isEmpty()) return List.of();
      return Arrays.stream(text.split(java.io.File.pathSeparator)).map(Path::of)
          .filter(p -> Files.isDirectory(p) || p.toString().endsWith(".jar")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("artifact list " + list + ": expected a file written by maven-dependency-plugin, got "
          + e.getMessage(), e);
    }
  }
}
