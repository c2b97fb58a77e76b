package org.attention4j.api.registry;

import static org.attention4j.api.registry.PluginJars.normalizer;
import static org.attention4j.api.registry.PluginJars.plugin;
import static org.attention4j.api.registry.PluginJars.scorer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.attention4j.api.ApiVersion;
import org.attention4j.api.spi.NormalizerProvider;
import org.attention4j.api.spi.ScorerProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * attention-api on the class path: a fresh JVM runs a tiny main (compiled here) that loads a
 * registry and prints every descriptor. Built-ins must say {@code class-path}; a plugin folder must
 * load through the class-loader fallback.
 */
class RegistryClassPathTest {
  @TempDir static Path tmp;
  static Path plugins;
  /** kind|id|version|module|origin|status|reason, one line per descriptor, then kernels=ID. */
  static List<String> lines;

  private static final String MAIN = """
      package probe;

      import java.nio.file.Path;
      import java.util.Arrays;
      import org.attention4j.api.registry.ProviderDescriptor;
      import org.attention4j.api.registry.Registry;

      public final class ListPlugins {
        public static void main(String[] args) {
          Registry r = Registry.load(Arrays.stream(args).map(Path::of).toList());
          System.out.println("api-named=" + Registry.class.getModule().isNamed());
          for (ProviderDescriptor d : r.descriptors()) {
            System.out.println(String.join("|", d.kind().json(), d.id(), d.version(), d.module(), d.origin(),
                d.status().json(), d.reason()));
          }
          System.out.println("kernels=" + r.kernels().id());
          r.closeLoaders();
        }
      }
      """;

  @BeforeAll static void runOnTheClassPath() throws IOException, InterruptedException {
    plugins = Files.createDirectories(tmp.resolve("plugins"));
    plugin("com.example.cplegacy").provider(ScorerProvider.class, "LegacyScorer", scorer("LegacyScorer", "cp-legacy"))
        .automatic(plugins, "cp-legacy.jar");
    plugin("com.example.cpboth").provider(NormalizerProvider.class, "BothNormalizer", normalizer("BothNormalizer", "cp-both"))
        .modularWithServices(plugins, "cp-both.jar", "com.example.cpboth", "3.0");
    plugin("com.example.cpmodular").provider(ScorerProvider.class, "ModularScorer", scorer("ModularScorer", "cp-modular"))
        .modular(plugins, "cp-modular.jar", "com.example.cpmodular", "3.1");
    plugin("com.example.cpthrowing").provider(ScorerProvider.class, "Throwing", scorer("Throwing", "cp-throwing",
        "[0.1,0.2)", "throw new IllegalStateException(\"boom on the class path\");"))
        .modular(plugins, "cp-throwing.jar", "com.example.cpthrowing", "1.0");
    Files.write(plugins.resolve("x.jar"), new byte[] {1, 2, 3});

    Path probe = Files.createDirectories(tmp.resolve("probe-classes"));
    List<Path> cp = new ArrayList<>(PluginJars.apiPath());
    PluginJars.compile(probe, List.of("--class-path", PluginJars.join(cp)), Map.of("probe/ListPlugins.java", MAIN));
    cp.add(probe);

    String java = ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> cmd = List.of(java, "--sun-misc-unsafe-memory-access=allow", "-XX:+IgnoreUnrecognizedVMOptions",
        "-cp", PluginJars.join(cp), "probe.ListPlugins", plugins.toString());
    Path out = tmp.resolve("stdout.txt"), err = tmp.resolve("stderr.txt");
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("class-path JVM did not finish in 20 s: " + cmd);
    }
    String stdout = Files.readString(out, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), () -> "class-path JVM failed:\n" + stdout + "\n" + readQuietly(err));
    lines = stdout.lines().toList();
  }

  private static String readQuietly(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      return "(no stderr: " + e + ")";
    }
  }

  private static String[] row(String kind, String id) {
    List<String[]> rows = lines.stream().map(l -> l.split("\\|", -1)).filter(f -> f.length == 7)
        .filter(f -> f[0].equals(kind) && f[1].equals(id)).toList();
    assertEquals(1, rows.size(), () -> "exactly one " + kind + " '" + id + "' in:\n" + String.join("\n", lines));
    return rows.get(0);
  }

  @Test void theApiReallyRanOnTheClassPath() {
    assertTrue(lines.contains("api-named=false"), () -> String.join("\n", lines));
  }

  @Test void builtInsComeFromTheClassPath() {
    String[] softmax = row("normalizer", "softmax");
    assertEquals(ApiVersion.full(), softmax[2], "the api knows its version on the class path too");
    assertEquals("unnamed", softmax[3]);
    assertEquals("class-path", softmax[4]);
    assertEquals("active", softmax[5]);
    String[] scalar = row("kernel", "scalar");
    assertEquals(ApiVersion.full(), scalar[2]);
    assertEquals("class-path", scalar[4]);
    assertEquals("active", scalar[5]);
    assertTrue(lines.contains("kernels=scalar"));
  }

  @Test void aPluginFolderLoadsThroughTheClassLoaderFallback() {
    String origin = "plugin:" + plugins;
    for (String[] r : List.of(row("scorer", "cp-legacy"), row("normalizer", "cp-both"))) {
      assertEquals(origin, r[4], () -> String.join("|", r));
      assertEquals("unnamed", r[3], "no module layer on the class path");
      assertEquals("active", r[5], () -> String.join("|", r));
    }
  }

  @Test void brokenPluginsAreListedOnTheClassPathToo() {
    String[] throwing = row("scorer", "com.example.cpthrowing.Throwing");
    assertEquals("rejected", throwing[5]);
    assertTrue(throwing[6].contains("failed to instantiate") && throwing[6].contains("boom on the class path"), throwing[6]);
    String[] garbage = row("plugin", "x.jar");
    assertEquals("rejected", garbage[5]);
    assertTrue(garbage[6].startsWith("cannot open plugin jar"), garbage[6]);
  }

  @Test void aModularOnlyPluginIsNotHiddenOnTheClassPath() {
    String[] r = row("scorer", "cp-modular");
    assertEquals("plugin:" + plugins, r[4]);
    assertEquals("active", r[5], () -> String.join("|", r));
  }
}
