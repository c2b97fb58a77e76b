package org.example.cosine;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.attention4j.api.spi.ScorerProvider;
import org.attention4j.testkit.BaseScorerConformanceTest;

/**
 * {@code cosine} passes the plugin conformance suite, including loading its jar from a plugin folder.
 * Tests run before {@code package} writes {@code target/plugin/}, so the jar is built here from the
 * same compiled classes (module-info and {@code META-INF/services} included).
 */
class CosineConformanceTest extends BaseScorerConformanceTest {
  private static final Path JAR = jarOfMainClasses();

  @Override protected ScorerProvider provider() { return new CosineScorerProvider(); }

  @Override protected boolean requiresEqualWidths() { return true; }

  @Override protected Optional<Path> pluginJar() { return Optional.of(JAR); }

  private static Path jarOfMainClasses() {
    try {
      Path classes = Path.of(CosineScorerProvider.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path jar = Files.createTempDirectory("cosine-plugin").resolve("third-party-scorer.jar");
      jar.toFile().deleteOnExit();
      jar.getParent().toFile().deleteOnExit();
      List<Path> files;
      try (Stream<Path> s = Files.walk(classes)) {
        files = s.filter(Files::isRegularFile).sorted().toList();
      }
      try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out)) {
        for (Path f : files) {
          j.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
          Files.copy(f, j);
          j.closeEntry();
        }
      }
      return jar;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot build the plugin jar from the compiled classes", e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot locate the compiled classes", e);
    }
  }
}
