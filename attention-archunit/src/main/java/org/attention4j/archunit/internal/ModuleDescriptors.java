package org.attention4j.archunit.internal;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.Source;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

/**
 * Finds the module descriptor of the jar or class folder an imported class came from, so that rules
 * can ask "is this package exported?" the way the module system answers it.
 */
public final class ModuleDescriptors {
  private static final Map<Path, Optional<ModuleDescriptor>> CACHE = new ConcurrentHashMap<>();

  private ModuleDescriptors() {}

  /**
   * The descriptor ({@code module-info.class}) of the jar or folder holding {@code javaClass}, or
   * empty when the class has no known source or its root has no descriptor (class-path code).
   */
  public static Optional<ModuleDescriptor> of(JavaClass javaClass) {
    Optional<Source> source = javaClass.getSource();
    if (source.isEmpty()) return Optional.empty();
    URI uri = source.get().getUri();
    if ("jar".equals(uri.getScheme())) {
      String spec = uri.getRawSchemeSpecificPart();
      int bang = spec.indexOf("!/");
      if (bang < 0) return Optional.empty();
      Path jar = Path.of(URI.create(spec.substring(0, bang)));
      return CACHE.computeIfAbsent(jar, ModuleDescriptors::readJar);
    }
    if ("file".equals(uri.getScheme())) {
      Path root = Path.of(uri).getParent();
      String pkg = javaClass.getPackageName();
      if (!pkg.isEmpty()) {
        for (int i = pkg.split("\\.").length; i > 0 && root != null; i--) root = root.getParent();
      }
      return root == null ? Optional.empty() : CACHE.computeIfAbsent(root, ModuleDescriptors::readFolder);
    }
    return Optional.empty();
  }

  /**
   * Whether {@code javaClass}'s package is exported to everyone: by its module descriptor when it
   * has one, else (class-path code) when the package is not an {@code internal} one.
   */
  public static boolean isExported(JavaClass javaClass) {
    String pkg = javaClass.getPackageName();
    return of(javaClass)
        .map(d -> d.exports().stream().anyMatch(e -> !e.isQualified() && e.source().equals(pkg)))
        .orElse(!Modules.isInternal(pkg));
  }

  private static Optional<ModuleDescriptor> readJar(Path jar) {
    try (JarFile file = new JarFile(jar.toFile())) {
      ZipEntry entry = file.getEntry("module-info.class");
      if (entry == null) return Optional.empty();
      try (InputStream in = file.getInputStream(entry)) {
        return Optional.of(ModuleDescriptor.read(in));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("jar " + jar + ": expected a readable jar, got " + e.getMessage(), e);
    }
  }

  private static Optional<ModuleDescriptor> readFolder(Path root) {
    Path info = root.resolve("module-info.class");
    if (!Files.isRegularFile(info)) return Optional.empty();
    try (InputStream in = Files.newInputStream(info)) {
      return Optional.of(ModuleDescriptor.read(in));
    } catch (IOException e) {
      throw new UncheckedIOException("module-info " + info + ": expected a readable class file, got " + e.getMessage(), e);
    }
  }
}
