package org.attention4j.api.registry;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Builds real plugin jars at test time: compiles provider sources against attention-api's compiled
 * classes (found from the running JVM, never from a fixed path) and packs them with
 * {@link JarOutputStream}. Modular plugins get a {@code module-info}; automatic ones a
 * {@code META-INF/services} file.
 */
final class PluginJars {
  static {   // the api module does not require java.compiler; its tests, patched into it, read it here
    ModuleLayer.boot().findModule("java.compiler").ifPresent(PluginJars.class.getModule()::addReads);
  }

  private PluginJars() {}

  /** attention-api's classes and its dependencies (Arrow, apiguardian), as the test JVM sees them. */
  static List<Path> apiPath() {
    Set<Path> out = new LinkedHashSet<>();
    try {
      out.add(Path.of(Registry.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException("cannot locate attention-api's classes", e);
    }
    for (String prop : List.of("jdk.module.path", "java.class.path")) {
      String value = System.getProperty(prop, "");
      for (String entry : value.split(File.pathSeparator)) {
        if (entry.isBlank()) continue;
        Path p = Path.of(entry);
        String name = p.getFileName().toString();
        // the api's runtime dependencies only: no test engines on a plugin's compile path
        if (prop.equals("java.class.path") && !(name.startsWith("arrow-") || name.startsWith("apiguardian"))) continue;
        out.add(p);
      }
    }
    return List.copyOf(out);
  }

  static String join(List<Path> paths) {
    return String.join(File.pathSeparator, paths.stream().map(Path::toString).toList());
  }

  /** Compiles {@code sources} (relative file name → text) into {@code out}; fails with javac's output. */
  static void compile(Path out, List<String> options, Map<String, String> sources) {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    if (javac == null) throw new IllegalStateException("no system Java compiler: run the tests on a JDK");
    try {
      Path src = Files.createTempDirectory(out.getParent(), "src");
      List<String> args = new ArrayList<>(options);
      args.addAll(List.of("-d", out.toString(), "-proc:none", "-nowarn", "-Xlint:none"));
      for (Map.Entry<String, String> e : sources.entrySet()) {
        Path f = src.resolve(e.getKey());
        Files.createDirectories(f.getParent());
        Files.writeString(f, e.getValue());
        args.add(f.toString());
      }
      StringWriter log = new StringWriter();
      java.io.PrintWriter pw = new java.io.PrintWriter(log);
      int rc = javac.run(null, new OutputStreamToWriter(pw), new OutputStreamToWriter(pw), args.toArray(String[]::new));
      pw.flush();
      if (rc != 0) throw new IllegalStateException("javac failed (" + rc + "):\n" + log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Packs every file under {@code classes} plus {@code extra} (entry name → text) into {@code jar}. */
  static Path jar(Path jar, Path classes, Map<String, String> extra) {
    Manifest mf = new Manifest();
    mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), mf);
         Stream<Path> files = Files.walk(classes)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace(File.separatorChar, '/')));
        out.write(Files.readAllBytes(f));
        out.closeEntry();
      }
      for (Map.Entry<String, String> e : extra.entrySet()) {
        out.putNextEntry(new JarEntry(e.getKey()));
        out.write(e.getValue().getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return jar;
  }

  /** A plugin being described: its classes and the services it provides. */
  static final class Spec {
    private final String pkg;
    private final Map<String, String> sources = new LinkedHashMap<>();
    private final Map<String, List<String>> provides = new LinkedHashMap<>();
    private final List<String> requires = new ArrayList<>();
    private final List<Path> extraModulePath = new ArrayList<>();

    private Spec(String pkg) { this.pkg = pkg; }

    /** Adds {@code requires module}, compiling against {@code modulePath} (which the plugin folder will lack). */
    Spec requires(String module, Path modulePath) {
      requires.add(module);
      extraModulePath.add(modulePath);
      return this;
    }

    /** Adds class {@code simpleName} in this plugin's package providing {@code service}. */
    Spec provider(Class<?> service, String simpleName, String body) {
      sources.put(pkg.replace('.', '/') + "/" + simpleName + ".java", "package " + pkg + ";\n" + body);
      provides.computeIfAbsent(service.getName(), k -> new ArrayList<>()).add(pkg + "." + simpleName);
      return this;
    }

    /** A modular jar: {@code module-info} with {@code requires org.attention4j.api} and {@code provides}. */
    Path modular(Path dir, String jarName, String module, String version) {
      StringBuilder mi = new StringBuilder("module " + module + " {\n  requires org.attention4j.api;\n");
      requires.forEach(r -> mi.append("  requires ").append(r).append(";\n"));
      provides.forEach((service, impls) -> mi.append("  provides ").append(service).append(" with ")
          .append(String.join(", ", impls)).append(";\n"));
      mi.append("}\n");
      Map<String, String> all = new LinkedHashMap<>(sources);
      all.put("module-info.java", mi.toString());
      Path classes = classesDir(dir, jarName);
      List<Path> mp = new ArrayList<>(apiPath());
      mp.addAll(extraModulePath);
      compile(classes, List.of("--module-path", join(mp), "--module-version", version), all);
      return jar(dir.resolve(jarName), classes, Map.of());
    }

    /** A non-modular jar with {@code META-INF/services}: an automatic module in a layer. */
    Path automatic(Path dir, String jarName) {
      Path classes = classesDir(dir, jarName);
      compile(classes, List.of("--class-path", join(apiPath())), sources);
      return jar(dir.resolve(jarName), classes, services());
    }

    /** A modular jar that also ships {@code META-INF/services}, so it loads on the class path too. */
    Path modularWithServices(Path dir, String jarName, String module, String version) {
      Path jar = modular(dir, jarName, module, version);
      Path classes = dir.getParent().resolve("classes-" + jarName);
      return jar(jar, classes, services());
    }

    private Map<String, String> services() {
      Map<String, String> out = new LinkedHashMap<>();
      provides.forEach((service, impls) -> out.put("META-INF/services/" + service, String.join("\n", impls) + "\n"));
      return out;
    }

    private static Path classesDir(Path dir, String jarName) {
      try {   // beside the plugin folder, so the folder holds jars only
        return Files.createDirectories(dir.getParent().resolve("classes-" + jarName));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  static Spec plugin(String pkg) { return new Spec(pkg); }

  /** Compiles an empty module {@code name} into its own folder under {@code tmp}, to compile against. */
  static Path emptyModule(Path tmp, String name) {
    try {
      Path classes = Files.createDirectories(tmp.resolve("module-" + name));
      compile(classes, List.of(), Map.of("module-info.java", "module " + name + " {}\n"));
      return classes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---- provider sources -------------------------------------------------------------------------

  /** A scorer provider with the given id and SPI range; {@code ctor} runs in its constructor. */
  static String scorer(String cls, String id, String range, String ctor) {
    return """
        public final class %1$s implements org.attention4j.api.spi.ScorerProvider {
          public %1$s() { %4$s }
          @Override public String id() { return "%2$s"; }
          @Override public String description() { return "test scorer %2$s"; }
          @Override public String spiRange() { return "%3$s"; }
          @Override public org.attention4j.api.spi.Scorer create(org.attention4j.api.spi.ProviderConfig c, int q, int k) {
            throw new UnsupportedOperationException("test plugin");
          }
        }
        """.formatted(cls, id, range, ctor);
  }

  static String scorer(String cls, String id) { return scorer(cls, id, "[0.1,0.2)", ""); }

  /** A normalizer provider with the given id. */
  static String normalizer(String cls, String id) {
    return """
        public final class %1$s implements org.attention4j.api.spi.NormalizerProvider {
          @Override public String id() { return "%2$s"; }
          @Override public String description() { return "test normalizer %2$s"; }
          @Override public org.attention4j.api.spi.Normalizer create(org.attention4j.api.spi.ProviderConfig c) {
            throw new UnsupportedOperationException("test plugin");
          }
        }
        """.formatted(cls, id);
  }

  /**
   * A kernel provider; {@code unusableReason} null means usable. Its kernels are a proxy that
   * answers {@code id()} and {@code describe()} only.
   */
  static String kernels(String cls, String id, int priority, String unusableReason) {
    String usable = unusableReason == null ? "java.util.Optional.empty()" : "java.util.Optional.of(\"" + unusableReason + "\")";
    return """
        public final class %1$s implements org.attention4j.api.spi.KernelProvider {
          @Override public String id() { return "%2$s"; }
          @Override public String description() { return "test kernels %2$s"; }
          @Override public int priority() { return %3$d; }
          @Override public java.util.Optional<String> usable() { return %4$s; }
          @Override public org.attention4j.api.spi.Kernels create() {
            return (org.attention4j.api.spi.Kernels) java.lang.reflect.Proxy.newProxyInstance(%1$s.class.getClassLoader(),
                new Class<?>[] {org.attention4j.api.spi.Kernels.class}, (proxy, m, a) -> switch (m.getName()) {
                  case "id" -> "%2$s";
                  case "describe", "toString" -> "%2$s (test plugin)";
                  default -> throw new UnsupportedOperationException(m.getName());
                });
          }
        }
        """.formatted(cls, id, priority, usable);
  }

  /** Adapts javac's OutputStream arguments to a writer (javac's run takes streams). */
  private static final class OutputStreamToWriter extends OutputStream {
    private final java.io.PrintWriter w;

    OutputStreamToWriter(java.io.PrintWriter w) { this.w = w; }

    @Override public void write(int b) { w.write(b); }

    @Override public void write(byte[] b, int off, int len) { w.write(new String(b, off, len, StandardCharsets.UTF_8)); }
  }
}
