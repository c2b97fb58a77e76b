package org.attention4j.testkit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.arrow.memory.BufferAllocator;
import org.attention4j.api.ApiVersion;
import org.attention4j.api.Settings;
import org.attention4j.api.registry.ProviderDescriptor;
import org.attention4j.api.registry.ProviderKind;
import org.attention4j.api.registry.Registry;
import org.attention4j.api.registry.VersionRange;
import org.attention4j.api.spi.Provider;
import org.attention4j.api.spi.ProviderConfig;

/** The checks the scorer and normalizer suites share: descriptors, discovery, plugin folders, threads. */
final class Conformance {
  /** The id syntax the registry enforces. */
  static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]*");

  private static final Registry REGISTRY = Registry.load(List.of());

  private Conformance() {}

  /** The registry of the test's own module path / class path (kernels and lookup for created providers). */
  static Registry registry() { return REGISTRY; }

  static ProviderConfig config(Provider provider, Map<String, String> settings, long seed, BufferAllocator allocator) {
    return new ProviderConfig(Settings.resolve(provider.id(), provider.parameters(), settings, List.of()), seed, allocator,
        Optional.empty(), REGISTRY.kernels(), REGISTRY);
  }

  static String name(Provider p) { return "provider " + p.getClass().getName(); }

  /** Id syntax, non-blank version and description, an SPI range that parses and contains this api's version. */
  static void checkDescriptor(Provider p) {
    String id = p.id();
    if (id == null || !ID.matcher(id).matches()) {
      fail(name(p) + ": id: expected lower-case ASCII letters, digits and '-' (starting with a letter or digit), got "
          + (id == null ? "null" : "'" + id + "'"));
    }
    String version = p.version();
    if (version == null || version.isBlank()) {
      fail(name(p) + " '" + id + "': version: expected a non-blank version, got " + (version == null ? "null" : "'" + version + "'"));
    }
    String description = p.description();
    if (description == null || description.isBlank()) {
      fail(name(p) + " '" + id + "': description: expected one non-blank line, got "
          + (description == null ? "null" : "'" + description + "'"));
    }
    String range = p.spiRange();
    VersionRange parsed;
    try {
      parsed = VersionRange.parse(range);
    } catch (RuntimeException e) {
      fail(name(p) + " '" + id + "': spiRange: expected a Maven version range such as [0.1,0.2), got '" + range + "' ("
          + e.getMessage() + ")", e);
      return;
    }
    if (!parsed.contains(ApiVersion.spi())) {
      fail(name(p) + " '" + id + "': spiRange: expected a range containing this attention-api's " + ApiVersion.spi() + " ("
          + ApiVersion.full() + "), got " + range);
    }
  }

  /** The provider's class is listed by {@link ServiceLoader} in its own layer (module path) or class loader. */
  static <P extends Provider> void checkServiceLoader(Class<P> kind, P p) {
    Class<?> type = p.getClass();
    Module m = type.getModule();
    ServiceLoader<P> loader = m.isNamed() && m.getLayer() != null
        ? ServiceLoader.load(m.getLayer(), kind)
        : ServiceLoader.load(kind, type.getClassLoader());
    List<String> listed = loader.stream().map(sp -> sp.type().getName()).sorted().toList();
    if (!listed.contains(type.getName())) {
      fail(name(p) + " '" + p.id() + "': ServiceLoader: expected " + type.getName() + " among the " + kind.getSimpleName()
          + "s of " + (m.isNamed() ? "module " + m.getName() + "'s layer" : "its class loader")
          + " (add 'provides " + kind.getName() + " with " + type.getName() + "' to module-info.java and a line in META-INF/services/"
          + kind.getName() + "), got " + listed);
    }
  }

  /**
   * The jar, copied alone into a fresh folder, loads through {@link Registry#load(List)} as a plugin
   * folder (its own module layer) and lists a provider of this kind and id from that folder. When the
   * provider under test is itself on the module path, the registry rejects both as duplicates: that
   * reason is accepted, any other rejection is not.
   */
  static void checkPluginFolder(ProviderKind kind, Provider p, Path jar) {
    if (!Files.isRegularFile(jar)) fail(name(p) + " '" + p.id() + "': pluginJar: expected a jar file, got " + jar);
    Path dir;
    try {
      dir = Files.createTempDirectory("a4j-conformance-plugin");
      Files.copy(jar, dir.resolve(jar.getFileName()));
    } catch (IOException e) {
      throw new UncheckedIOException("pluginJar: cannot copy " + jar + " to a plugin folder", e);
    }
    try {
      Registry r = Registry.load(List.of(dir));
      List<ProviderDescriptor> fromDir = r.descriptors().stream()
          .filter(d -> d.origin().equals("plugin:" + dir)).toList();
      List<ProviderDescriptor> mine = fromDir.stream().filter(d -> d.kind() == kind && d.id().equals(p.id())).toList();
      if (mine.size() != 1) {
        fail(name(p) + " '" + p.id() + "': plugin folder: expected one " + kind.json() + " '" + p.id() + "' loaded from "
            + jar.getFileName() + " in its own module layer, got " + fromDir);
      }
      ProviderDescriptor d = mine.get(0);
      boolean duplicateOfTested = d.status() == ProviderDescriptor.Status.REJECTED && d.reason().startsWith("duplicate")
          && p.getClass().getModule().isNamed() && d.module().equals(p.getClass().getModule().getName());
      if (d.status() != ProviderDescriptor.Status.ACTIVE && !duplicateOfTested) {
        fail(name(p) + " '" + p.id() + "': plugin folder: expected " + jar.getFileName() + "'s " + kind.json()
            + " to be active, got " + d);
      }
      r.closeLoaders();
    } finally {
      try (var files = Files.list(dir)) {
        for (Path f : files.toList()) Files.deleteIfExists(f);
        Files.deleteIfExists(dir);
      } catch (IOException e) {
        // a temporary folder left behind is not a conformance failure
      }
    }
  }

  /** Gaussian float32 values from a seeded {@link Random}. */
  static float[] gaussian(int n, long seed, double scale) {
    Random r = new Random(seed);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) x[i] = (float) (scale * r.nextGaussian());
    return x;
  }

  /**
   * Runs {@code call(thread, repetition)} from {@code threads} threads {@code repetitions} times each,
   * all starting together, and returns every result; the first failure is rethrown as an
   * {@link AssertionError} naming the thread.
   */
  static <T> List<List<T>> concurrently(int threads, int repetitions, ThreadCall<T> call) {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CyclicBarrier start = new CyclicBarrier(threads);
    try {
      List<Future<List<T>>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        Callable<List<T>> task = () -> {
          start.await(30, TimeUnit.SECONDS);
          List<T> out = new ArrayList<>();
          for (int rep = 0; rep < repetitions; rep++) out.add(call.run(thread, rep));
          return out;
        };
        futures.add(pool.submit(task));
      }
      List<List<T>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        try {
          results.add(futures.get(t).get(120, TimeUnit.SECONDS));
        } catch (ExecutionException e) {
          throw new AssertionError("thread " + t + " of " + threads + ": expected every call to succeed, got "
              + e.getCause(), e.getCause());
        } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
          throw new AssertionError("thread " + t + ": expected it to finish within 120 s, got " + e, e);
        }
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  /** One call of {@link #concurrently}. */
  @FunctionalInterface
  interface ThreadCall<T> {
    T run(int thread, int repetition) throws Exception;
  }

  /** Asserts a thrown {@link IllegalArgumentException}'s message starts with one of the argument names. */
  static void assertNamesArgument(String what, Supplier<Throwable> thrown, String... names) {
    Throwable t = thrown.get();
    if (t == null) fail(what + ": expected IllegalArgumentException naming " + String.join(" or ", names) + ", got no exception");
    if (!(t instanceof IllegalArgumentException)) {
      fail(what + ": expected IllegalArgumentException naming " + String.join(" or ", names) + ", got " + t, t);
    }
    String m = String.valueOf(t.getMessage());
    boolean named = Arrays.stream(names).anyMatch(n -> m.startsWith(n + ":") || m.startsWith(n + " ") || m.contains(" " + n + ":"));
    assertTrue(named, what + ": expected the message to name " + String.join(" or ", names) + " ('<argument>: expected "
        + "<what>, got <actual>'), got '" + m + "'");
  }
}
