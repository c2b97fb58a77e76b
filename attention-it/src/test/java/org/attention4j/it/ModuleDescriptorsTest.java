package org.attention4j.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.attention4j.archunit.internal.Modules;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Golden module descriptors: each built Attention4J jar's requires, exports, opens, uses, provides
 * and packages, rendered as sorted text and diffed against {@code src/test/resources/modules/<module>.txt}.
 * After an intended change, regenerate them with {@code mvn verify -Dgolden.update=true} (or
 * {@code scripts/test -Dgolden.update=true}) and commit the diff. Also: no Attention4J jar is an
 * automatic module, {@code provides} matches {@code META-INF/services}, and no {@code internal} package
 * is exported or opened to everyone. Each check has a negative control on a deliberately bad descriptor.
 */
class ModuleDescriptorsTest {
  private static final String HEADER = "# Golden module descriptor, rendered from the built jar by attention-it's "
      + "ModuleDescriptorsTest.\n# Regenerate after an intended change: mvn verify -Dgolden.update=true\n";

  @Test
  void descriptorsMatchTheGoldenFiles() throws IOException {
    Path dir = Path.of(Artifacts.property("golden.dir"));
    boolean update = Boolean.parseBoolean(System.getProperty("golden.update", "false"));
    Map<String, Path> modules = Artifacts.byModule();
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, Path> e : modules.entrySet()) {
      String actual = HEADER + render(Artifacts.descriptor(e.getValue()));
      Path golden = dir.resolve(e.getKey() + ".txt");
      if (update) {
        Files.createDirectories(dir);
        Files.writeString(golden, actual, StandardCharsets.UTF_8);
        continue;
      }
      if (!Files.exists(golden)) {
        problems.add(e.getKey() + ": no golden file " + dir.getFileName() + "/" + golden.getFileName()
            + "; create it with mvn verify -Dgolden.update=true. Rendered:\n" + actual);
      } else if (!Files.readString(golden, StandardCharsets.UTF_8).equals(actual)) {
        problems.add(e.getKey() + ": descriptor differs from " + golden.getFileName() + "\n" + diff(
            Files.readString(golden, StandardCharsets.UTF_8), actual));
      }
    }
    try (Stream<Path> files = Files.list(dir)) {
      Set<String> stale = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".txt"))
          .map(n -> n.substring(0, n.length() - 4)).filter(n -> !modules.containsKey(n))
          .collect(Collectors.toCollection(TreeSet::new));
      if (!stale.isEmpty()) problems.add("golden files without a built module (delete them): " + stale);
    }
    if (!problems.isEmpty()) fail(String.join("\n\n", problems));
  }

  @Test
  void noAttention4jJarIsAnAutomaticModule() {
    for (Path jar : Artifacts.attention4j()) assertEquals(List.of(), automatic(jar), jar.toString());
  }

  @Test
  void providesMatchesMetaInfServices() throws IOException {
    for (Path jar : Artifacts.attention4j()) {
      assertEquals(List.of(), servicesMismatch(Artifacts.descriptor(jar), services(jar)), jar.toString());
    }
  }

  @Test
  void noInternalPackageIsExported() {
    for (Path jar : Artifacts.attention4j()) {
      assertEquals(List.of(), internalExports(Artifacts.descriptor(jar)), jar.toString());
    }
  }

  // ---- negative controls: each check fails on a bad descriptor, naming what is wrong ----

  @Test
  void aJarWithoutDescriptorIsCaughtAsAutomatic(@TempDir Path tmp) throws IOException {
    Path jar = tmp.resolve("attention-bad-0.1.0.jar");
    try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out)) {
      zip.putNextEntry(new JarEntry("org/attention4j/bad/Empty.txt"));
      zip.write("no module-info.class here".getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
    }
    List<String> problems = automatic(jar);
    assertEquals(1, problems.size(), problems.toString());
    assertTrue(problems.get(0).contains("automatic module attention.bad"), problems.get(0));
  }

  @Test
  void providesWithoutServicesFileIsCaught() {
    ModuleDescriptor d = ModuleDescriptor.newModule("org.attention4j.bad").requires("org.attention4j.api")
        .provides("org.attention4j.api.spi.ScorerProvider", List.of("org.attention4j.bad.internal.BadScorerProvider"))
        .packages(Set.of("org.attention4j.bad.internal")).build();
    List<String> problems = servicesMismatch(d, Map.of("org.attention4j.api.spi.NormalizerProvider",
        Set.of("org.attention4j.bad.internal.Stray")));
    assertEquals(2, problems.size(), problems.toString());
    assertTrue(problems.get(0).contains("org.attention4j.api.spi.NormalizerProvider"), problems.get(0));
    assertTrue(problems.get(1).contains("org.attention4j.bad.internal.BadScorerProvider"), problems.get(1));
  }

  @Test
  void anExportedInternalPackageIsCaught() {
    ModuleDescriptor d = ModuleDescriptor.newModule("org.attention4j.bad").exports("org.attention4j.bad.internal")
        .opens("org.attention4j.bad.internal.impl").build();
    List<String> problems = internalExports(d);
    assertEquals(2, problems.size(), problems.toString());
    assertTrue(problems.get(0).contains("exports org.attention4j.bad.internal"), problems.get(0));
    assertTrue(problems.get(1).contains("opens org.attention4j.bad.internal.impl"), problems.get(1));
  }

  @Test
  void aChangedDescriptorShowsInTheRendering() {
    ModuleDescriptor.Builder b = ModuleDescriptor.newModule("org.attention4j.x").requires("org.attention4j.api")
        .exports("org.attention4j.x");
    String before = render(b.build());
    String after = render(b.exports("org.attention4j.x.more").build());
    assertTrue(diff(before, after).contains("+ exports org.attention4j.x.more"), diff(before, after));
  }

  // ---- the checks ----

  /** The descriptor as sorted text: one line per directive, then the packages. */
  static String render(ModuleDescriptor d) {
    StringBuilder s = new StringBuilder();
    s.append("module ").append(d.name()).append('\n');
    d.rawVersion().ifPresent(v -> s.append("version ").append(v).append('\n'));
    if (d.isOpen()) s.append("open\n");
    if (d.isAutomatic()) s.append("automatic\n");
    lines(s, d.requires().stream().map(r -> "requires " + r.name() + modifiers(r.modifiers())));
    lines(s, d.exports().stream().map(e -> "exports " + e.source() + targets(e.targets())));
    lines(s, d.opens().stream().map(o -> "opens " + o.source() + targets(o.targets())));
    lines(s, d.uses().stream().map(u -> "uses " + u));
    lines(s, d.provides().stream().map(p -> "provides " + p.service() + " with " + String.join(", ",
        new TreeSet<>(p.providers()))));
    d.mainClass().ifPresent(m -> s.append("main-class ").append(m).append('\n'));
    lines(s, d.packages().stream().map(p -> "package " + p));
    return s.toString();
  }

  static List<String> automatic(Path jar) {
    ModuleDescriptor d = Artifacts.descriptor(jar);
    return d.isAutomatic() ? List.of(jar.getFileName() + ": automatic module " + d.name()
        + " (no module-info.class); every Attention4J jar must be a named module") : List.of();
  }

  /** Differences between the descriptor's {@code provides} and the {@code META-INF/services} files. */
  static List<String> servicesMismatch(ModuleDescriptor d, Map<String, Set<String>> services) {
    Map<String, Set<String>> provides = new TreeMap<>();
    d.provides().forEach(p -> provides.put(p.service(), new TreeSet<>(p.providers())));
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, Set<String>> e : new TreeMap<>(services).entrySet()) {
      if (!e.getValue().equals(provides.get(e.getKey()))) {
        problems.add(d.name() + ": META-INF/services/" + e.getKey() + " lists " + e.getValue() + " but module-info provides "
            + provides.getOrDefault(e.getKey(), Set.of()));
      }
    }
    for (Map.Entry<String, Set<String>> e : provides.entrySet()) {
      if (!services.containsKey(e.getKey())) {
        problems.add(d.name() + ": module-info provides " + e.getKey() + " with " + e.getValue()
            + " but there is no META-INF/services/" + e.getKey() + " (the class path would not find it)");
      }
    }
    return problems;
  }

  static List<String> internalExports(ModuleDescriptor d) {
    List<String> problems = new ArrayList<>();
    d.exports().stream().filter(e -> Modules.isInternal(e.source()))
        .forEach(e -> problems.add(d.name() + ": exports " + e.source() + targets(e.targets())
            + "; internal packages are never exported"));
    d.opens().stream().filter(o -> Modules.isInternal(o.source()) && !o.isQualified())
        .forEach(o -> problems.add(d.name() + ": opens " + o.source() + " to everyone; internal packages are never opened"
            + " unqualified"));
    return problems;
  }

  /** Service files of a jar or class folder: service name to provider class names. */
  static Map<String, Set<String>> services(Path artifact) throws IOException {
    Map<String, Set<String>> services = new TreeMap<>();
    if (Files.isDirectory(artifact)) {
      Path dir = artifact.resolve("META-INF/services");
      if (!Files.isDirectory(dir)) return services;
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.toList()) services.put(f.getFileName().toString(), providerNames(Files.readString(f)));
      }
      return services;
    }
    try (JarFile jar = new JarFile(artifact.toFile())) {
      for (Enumeration<JarEntry> it = jar.entries(); it.hasMoreElements();) {
        JarEntry e = it.nextElement();
        String name = e.getName();
        if (name.startsWith("META-INF/services/") && !e.isDirectory() && name.length() > "META-INF/services/".length()) {
          try (InputStream in = jar.getInputStream(e)) {
            services.put(name.substring("META-INF/services/".length()),
                providerNames(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
          }
        }
      }
    }
    return services;
  }

  private static Set<String> providerNames(String file) {
    return file.lines().map(l -> l.replaceAll("#.*", "").strip()).filter(l -> !l.isEmpty())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static void lines(StringBuilder s, Stream<String> lines) {
    lines.sorted().forEach(l -> s.append(l).append('\n'));
  }

  private static String modifiers(Set<ModuleDescriptor.Requires.Modifier> modifiers) {
    return modifiers.isEmpty() ? "" : " " + modifiers.stream().map(m -> m.name().toLowerCase(java.util.Locale.ROOT))
        .sorted().collect(Collectors.joining(" "));
  }

  private static String targets(Set<String> targets) {
    return targets.isEmpty() ? "" : " to " + String.join(", ", new TreeSet<>(targets));
  }

  /** A line diff good enough for sorted renderings: lines only in one side, marked - and +. */
  static String diff(String expected, String actual) {
    List<String> a = expected.lines().toList();
    List<String> b = actual.lines().toList();
    StringBuilder s = new StringBuilder();
    a.stream().filter(l -> !b.contains(l)).forEach(l -> s.append("- ").append(l).append('\n'));
    b.stream().filter(l -> !a.contains(l)).forEach(l -> s.append("+ ").append(l).append('\n'));
    return s.toString();
  }
}
