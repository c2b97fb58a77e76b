package org.attention4j.api.registry;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.attention4j.api.ApiVersion;
import org.attention4j.api.spi.KernelProvider;
import org.attention4j.api.spi.Kernels;
import org.attention4j.api.spi.Provider;
import org.attention4j.api.spi.ProviderLookup;
import org.apiguardian.api.API;

/**
 * Finds every provider (scorers, normalizers, layers, kernels, scenarios): through
 * {@link ServiceLoader} on the module path and the class path, and from plugin folders, each folder
 * loaded in its own {@link ModuleLayer} (or its own class loader when attention-api itself runs on
 * the class path; there a modular plugin jar's providers still come from its module descriptor's
 * {@code provides}). Nothing is hidden: a provider that failed to load, clashes with another over an
 * id, has a bad id or needs another SPI range is listed as rejected with the reason.
 *
 * <p>Exactly one kernel provider is active: the one forced by id, else the usable one with the
 * highest priority (ties broken by id); other usable ones are available.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Registry implements ProviderLookup {
  private static final System.Logger LOG = System.getLogger(Registry.class.getName());
  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]*");

  private record Entry(ProviderDescriptor descriptor, Provider provider) {
    Entry with(ProviderDescriptor.Status s, String why) { return new Entry(descriptor.with(s, why), provider); }
  }

  private final List<Entry> entries;
  private final Kernels kernels;
  private final List<URLClassLoader> loaders;

  private Registry(List<Entry> entries, Kernels kernels, List<URLClassLoader> loaders) {
    this.entries = List.copyOf(entries);
    this.kernels = kernels;
    this.loaders = loaders;
  }

  /** Loads from the module path, the class path and {@code pluginDirs}; the best usable kernels. */
  public static Registry load(List<Path> pluginDirs) { return load(pluginDirs, Optional.empty()); }

  /**
   * Loads as {@link #load(List)}; {@code forcedKernels}, when present, names the kernel provider to
   * use ({@code --set kernels=ID}).
   */
  public static Registry load(List<Path> pluginDirs, Optional<String> forcedKernels) {
    List<Entry> found = new ArrayList<>();
    List<URLClassLoader> loaders = new ArrayList<>();
    ClassLoader base = Registry.class.getClassLoader();
    for (ProviderKind kind : ProviderKind.values()) {
      if (kind == ProviderKind.PLUGIN) continue;
      collect(kind, ServiceLoader.load(kind.type(), base), p -> true, found, null);
    }
    for (Path dir : pluginDirs) loadPluginDir(dir, found, loaders);
    return settle(found, forcedKernels, loaders);
  }

  /** A registry of exactly these providers (origin {@code given}); for tests and embedding. */
  public static Registry of(List<? extends Provider> providers, Optional<String> forcedKernels) {
    List<Entry> found = new ArrayList<>();
    for (Provider p : providers) {
      ProviderKind kind = kindOf(p);
      found.add(describe(kind, p, "given"));
    }
    return settle(found, forcedKernels, List.of());
  }

  private static ProviderKind kindOf(Provider p) {
    for (ProviderKind k : ProviderKind.values()) {
      if (k != ProviderKind.PLUGIN && k.type().isInstance(p)) return k;
    }
    throw new IllegalArgumentException("provider: expected a scorer, normalizer, layer, kernel or scenario provider, got "
        + p.getClass().getName());
  }

  private static void collect(ProviderKind kind, ServiceLoader<? extends Provider> loader,
      Predicate<ServiceLoader.Provider<? extends Provider>> keep, List<Entry> out, String pluginOrigin) {
    Iterator<? extends ServiceLoader.Provider<? extends Provider>> it = loader.stream().iterator();
    while (true) {
      ServiceLoader.Provider<? extends Provider> sp;
      try {
        if (!it.hasNext()) break;
        sp = it.next();
      } catch (ServiceConfigurationError e) {
        out.add(rejected(kind, "unknown", pluginOrigin == null ? "class-path" : pluginOrigin, "failed to load: " + oneLine(e)));
        continue;
      }
      if (!keep.test(sp)) continue;
      String origin = pluginOrigin != null ? pluginOrigin : originOf(sp.type());
      Provider p;
      try {
        p = sp.get();
      } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
        out.add(new Entry(new ProviderDescriptor(kind, sp.type().getName(), "unknown", moduleName(sp.type()), origin,
            ProviderDescriptor.Status.REJECTED, "failed to instantiate: " + oneLine(e)), null));
        continue;
      }
      out.add(describe(kind, p, origin));
    }
  }

  private static Entry describe(ProviderKind kind, Provider p, String origin) {
    String id, version;
    try {
      id = p.id();
      version = p.version();
    } catch (RuntimeException | LinkageError e) {
      return rejected(kind, p.getClass().getName(), origin, "failed to describe itself: " + oneLine(e));
    }
    if (id == null) {                    // listed under its class name: a null id would break lookups and ordering
      return new Entry(new ProviderDescriptor(kind, p.getClass().getName(), String.valueOf(version), moduleName(p.getClass()),
          origin, ProviderDescriptor.Status.REJECTED, "bad id: expected lower-case ASCII letters, digits and '-', got null"), p);
    }
    return new Entry(new ProviderDescriptor(kind, id, version, moduleName(p.getClass()), origin,
        ProviderDescriptor.Status.ACTIVE, "ok"), p);
  }

  private static Entry rejected(ProviderKind kind, String id, String origin, String reason) {
    return new Entry(new ProviderDescriptor(kind, id, "unknown", "unknown", origin, ProviderDescriptor.Status.REJECTED,
        reason), null);
  }

  private static String originOf(Class<?> type) {
    Module m = type.getModule();
    return m.isNamed() ? "module-path" : "class-path";
  }

  private static String moduleName(Class<?> type) {
    Module m = type.getModule();
    return m.isNamed() ? m.getName() : "unnamed";
  }

  private static String oneLine(Throwable e) {
    StringBuilder sb = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (!sb.isEmpty()) sb.append(" <- ");
      sb.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
      if (t.getCause() == t) break;
    }
    return sb.toString().replaceAll("\\s+", " ");
  }

  private static void loadPluginDir(Path dir, List<Entry> out, List<URLClassLoader> loaders) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("--plugin-path: expected a folder of plugin jars, got " + dir
          + (Files.exists(dir) ? " (not a folder)" : " (does not exist)"));
    }
    String origin = "plugin:" + dir;
    List<Path> jars;
    try (Stream<Path> s = Files.list(dir)) {
      jars = s.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("--plugin-path: cannot list " + dir, e);
    }
    List<Path> good = new ArrayList<>();
    List<ModuleDescriptor> modular = new ArrayList<>();
    for (Path jar : jars) {
      try {                              // a broken jar is reported alone; the others still load
        Set<ModuleReference> refs = ModuleFinder.of(jar).findAll();
        if (refs.isEmpty()) throw new IllegalStateException("no module found in " + jar.getFileName());
        good.add(jar);
        for (ModuleReference r : refs) if (!r.descriptor().isAutomatic()) modular.add(r.descriptor());
      } catch (RuntimeException e) {
        out.add(rejected(ProviderKind.PLUGIN, jar.getFileName().toString(), origin, "cannot open plugin jar: " + oneLine(e)));
      }
    }
    if (good.isEmpty()) return;
    if (Registry.class.getModule().isNamed()) {
      loadAsLayer(good, origin, out);
    } else {
      loadOnClassLoader(good, modular, origin, out, loaders);
    }
  }

  private static void loadAsLayer(List<Path> jars, String origin, List<Entry> out) {
    ModuleLayer parent = ModuleLayer.boot();
    ModuleLayer layer;
    try {
      layer = defineLayer(parent, jars);
    } catch (RuntimeException | LinkageError first) {
      // one jar can spoil the folder (e.g. it requires a module that is not there): list it, load the rest
      ModuleFinder all = ModuleFinder.of(jars.toArray(Path[]::new));
      List<Path> fine = new ArrayList<>();
      for (Path jar : jars) {
        Set<String> own = moduleNames(ModuleFinder.of(jar));
        try {
          parent.configuration().resolve(all, ModuleFinder.of(), own);
          fine.add(jar);
        } catch (RuntimeException e) {
          out.add(rejected(ProviderKind.PLUGIN, jar.getFileName().toString(), origin,
              "cannot resolve plugin module " + String.join(",", own) + ": " + oneLine(e)));
        }
      }
      if (fine.isEmpty()) return;
      try {
        layer = defineLayer(parent, fine);
      } catch (RuntimeException | LinkageError e) {
        out.add(rejected(ProviderKind.PLUGIN, String.join(",", moduleNames(ModuleFinder.of(fine.toArray(Path[]::new)))),
            origin, "cannot resolve plugin modules: " + oneLine(e)));
        return;
      }
    }
    ModuleLayer pluginLayer = layer;
    for (ProviderKind kind : ProviderKind.values()) {
      if (kind == ProviderKind.PLUGIN) continue;
      collect(kind, ServiceLoader.load(pluginLayer, kind.type()), sp -> sp.type().getModule().getLayer() == pluginLayer, out,
          origin);
    }
  }

  private static ModuleLayer defineLayer(ModuleLayer parent, List<Path> jars) {
    ModuleFinder finder = ModuleFinder.of(jars.toArray(Path[]::new));
    Configuration cf = parent.configuration().resolveAndBind(finder, ModuleFinder.of(), moduleNames(finder));
    return parent.defineModulesWithOneLoader(cf, ClassLoader.getSystemClassLoader());
  }

  private static Set<String> moduleNames(ModuleFinder finder) {
    return finder.findAll().stream().map(r -> r.descriptor().name()).collect(Collectors.toCollection(TreeSet::new));
  }

  /**
   * The class-path fallback: one class loader per folder. As in a module layer, a modular jar's
   * providers are the {@code provides} of its descriptor (class-path {@link ServiceLoader} would
   * only read {@code META-INF/services} and silently miss them); other jars use
   * {@code META-INF/services}.
   */
  private static void loadOnClassLoader(List<Path> jars, List<ModuleDescriptor> modular, String origin, List<Entry> out,
      List<URLClassLoader> loaders) {
    URL[] urls = new URL[jars.size()];
    for (int i = 0; i < urls.length; i++) {
      try {
        urls[i] = jars.get(i).toUri().toURL();
      } catch (MalformedURLException e) {
        throw new IllegalArgumentException("--plugin-path: expected jar paths, got " + jars.get(i), e);
      }
    }
    URLClassLoader cl = new URLClassLoader("plugins:" + origin, urls, Registry.class.getClassLoader());
    loaders.add(cl);
    Set<String> declared = new HashSet<>();
    for (ModuleDescriptor d : modular) for (ModuleDescriptor.Provides p : d.provides()) declared.addAll(p.providers());
    for (ProviderKind kind : ProviderKind.values()) {
      if (kind == ProviderKind.PLUGIN) continue;
      collect(kind, ServiceLoader.load(kind.type(), cl),
          sp -> sp.type().getClassLoader() == cl && !declared.contains(sp.type().getName()), out, origin);
      for (ModuleDescriptor d : modular) {
        for (ModuleDescriptor.Provides p : d.provides()) {
          if (!p.service().equals(kind.type().getName())) continue;
          for (String impl : p.providers()) out.add(instantiate(kind, impl, cl, origin));
        }
      }
    }
  }

  /** Creates a provider named by a module descriptor as ServiceLoader would: {@code provider()} or the constructor. */
  private static Entry instantiate(ProviderKind kind, String className, ClassLoader cl, String origin) {
    try {
      Class<?> c = Class.forName(className, true, cl);
      Object o;
      Method factory = null;
      try {
        factory = c.getDeclaredMethod("provider");
      } catch (NoSuchMethodException e) {
        // none: the public no-argument constructor
      }
      if (factory != null && Modifier.isStatic(factory.getModifiers()) && Modifier.isPublic(factory.getModifiers())) {
        o = factory.invoke(null);
      } else {
        o = c.getConstructor().newInstance();
      }
      return describe(kind, kind.type().cast(o), origin);
    } catch (InvocationTargetException e) {
      return new Entry(new ProviderDescriptor(kind, className, "unknown", "unnamed", origin, ProviderDescriptor.Status.REJECTED,
          "failed to instantiate: " + oneLine(e.getCause())), null);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return new Entry(new ProviderDescriptor(kind, className, "unknown", "unnamed", origin, ProviderDescriptor.Status.REJECTED,
          "failed to instantiate: " + oneLine(e)), null);
    }
  }

  private static Registry settle(List<Entry> found, Optional<String> forcedKernels, List<URLClassLoader> loaders) {
    List<Entry> entries = new ArrayList<>(found);
    String spi = ApiVersion.spi();
    for (int i = 0; i < entries.size(); i++) {                 // ids and SPI ranges
      Entry e = entries.get(i);
      if (e.descriptor().status() == ProviderDescriptor.Status.REJECTED) continue;
      String id = e.descriptor().id();
      if (id == null || !ID.matcher(id).matches()) {
        entries.set(i, e.with(ProviderDescriptor.Status.REJECTED,
            "bad id: expected lower-case ASCII letters, digits and '-', got '" + id + "'"));
        continue;
      }
      String range;
      try {
        range = e.provider().spiRange();
        if (!VersionRange.parse(range).contains(spi)) {
          entries.set(i, e.with(ProviderDescriptor.Status.REJECTED,
              "needs attention-api " + range + ", this is " + spi + " (" + ApiVersion.full() + ")"));
        }
      } catch (RuntimeException ex) {
        entries.set(i, e.with(ProviderDescriptor.Status.REJECTED, "bad SPI range: " + oneLine(ex)));
      }
    }
    Map<String, List<Integer>> byKey = new LinkedHashMap<>();      // duplicate ids: all of them rejected
    for (int i = 0; i < entries.size(); i++) {
      ProviderDescriptor d = entries.get(i).descriptor();
      if (d.status() == ProviderDescriptor.Status.REJECTED) continue;
      byKey.computeIfAbsent(d.kind().json() + ":" + d.id(), k -> new ArrayList<>()).add(i);
    }
    for (List<Integer> group : byKey.values()) {
      if (group.size() < 2) continue;
      List<Entry> clash = group.stream().map(entries::get).toList();
      for (int idx : group) {
        Entry e = entries.get(idx);
        String others = clash.stream().filter(o -> o != e)
            .map(o -> o.descriptor().module() + " (" + o.descriptor().origin() + ")").collect(Collectors.joining(", "));
        entries.set(idx, e.with(ProviderDescriptor.Status.REJECTED, "duplicate " + e.descriptor().kind().json()
            + " id '" + e.descriptor().id() + "': also provided by " + others));
      }
    }
    Kernels kernels = chooseKernels(entries, forcedKernels);
    entries.sort(Comparator.comparing((Entry e) -> e.descriptor().kind()).thenComparing(e -> e.descriptor().id()));
    for (Entry e : entries) LOG.log(System.Logger.Level.DEBUG, e.descriptor().toString());
    return new Registry(entries, kernels, loaders);
  }

  private static Kernels chooseKernels(List<Entry> entries, Optional<String> forced) {
    List<Integer> usable = new ArrayList<>();
    Map<Integer, Integer> priority = new HashMap<>();
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      if (e.descriptor().kind() != ProviderKind.KERNEL || e.descriptor().status() == ProviderDescriptor.Status.REJECTED) {
        continue;
      }
      KernelProvider kp = (KernelProvider) e.provider();
      Optional<String> why;
      try {
        why = kp.usable();
        if (why == null) why = Optional.of("usable() returned null, expected empty or a reason");
        if (why.isEmpty()) priority.put(i, kp.priority());
      } catch (RuntimeException | LinkageError ex) {
        why = Optional.of("usability check failed: " + oneLine(ex));
      }
      if (why.isPresent()) {
        entries.set(i, e.with(ProviderDescriptor.Status.REJECTED, "not usable here: " + why.get()));
        continue;
      }
      usable.add(i);
    }
    List<Integer> candidates = new ArrayList<>(usable);          // best first; ties keep discovery order
    // highest priority first; equal priorities by id, so the choice never depends on discovery order
    candidates.sort(Comparator.comparing((Integer i) -> -priority.get(i))
        .thenComparing(i -> entries.get(i).descriptor().id()));
    forced.ifPresent(f -> candidates.removeIf(i -> !entries.get(i).descriptor().id().equals(f)));
    int best = -1;
    Kernels k = null;
    for (int i : candidates) {
      try {
        k = ((KernelProvider) entries.get(i).provider()).create();
        if (k == null) throw new IllegalStateException("create() returned null");
        best = i;
        break;
      } catch (RuntimeException | LinkageError ex) {           // the next best provider takes over
        entries.set(i, entries.get(i).with(ProviderDescriptor.Status.REJECTED, "failed to create its kernels: " + oneLine(ex)));
        usable.remove(Integer.valueOf(i));
      }
    }
    if (best < 0) {
      String rejections = entries.stream()
          .filter(e -> e.descriptor().kind() == ProviderKind.KERNEL && (forced.isEmpty() || e.descriptor().id().equals(forced.get())))
          .map(e -> "'" + e.descriptor().id() + "' (" + e.descriptor().origin() + "): " + e.descriptor().reason())
          .collect(Collectors.joining("; "));
      if (forced.isPresent()) {
        throw new IllegalArgumentException("kernels: expected one of the usable kernel providers "
            + usable.stream().map(i -> entries.get(i).descriptor().id()).sorted().toList() + ", got '" + forced.get() + "'"
            + (rejections.isEmpty() ? "" : " (rejected: " + rejections + ")"));
      }
      throw new IllegalStateException("kernels: expected at least one usable kernel provider (scalar is built in), got none"
          + (rejections.isEmpty() ? "" : ": " + rejections));
    }
    for (int i : usable) {
      entries.set(i, i == best
          ? entries.get(i).with(ProviderDescriptor.Status.ACTIVE, forced.isPresent() ? "forced with kernels="
              + forced.get() : "highest priority (" + priority.get(i) + ") of the usable kernel providers")
          : entries.get(i).with(ProviderDescriptor.Status.AVAILABLE, "usable, not chosen (priority "
              + priority.get(i) + "; force it with --set kernels=" + entries.get(i).descriptor().id() + ")"));
    }
    LOG.log(System.Logger.Level.DEBUG, "kernels: " + k.describe());
    return k;
  }

  /** Every provider found, active or not, ordered by kind and id. */
  public List<ProviderDescriptor> descriptors() {
    return entries.stream().map(Entry::descriptor).toList();
  }

  @Override
  public <P extends Provider> P require(Class<P> kind, String id) {
    ProviderKind k = ProviderKind.of(kind);
    for (Entry e : entries) {
      if (e.descriptor().kind() == k && e.descriptor().id().equals(id)
          && e.descriptor().status() == ProviderDescriptor.Status.ACTIVE) {
        return kind.cast(e.provider());
      }
    }
    List<String> rejectedReasons = entries.stream()
        .filter(e -> e.descriptor().kind() == k && e.descriptor().id().equals(id))
        .map(e -> e.descriptor().reason() + " [" + e.descriptor().origin() + "]").toList();
    if (!rejectedReasons.isEmpty()) {
      throw new IllegalArgumentException(k.json() + " '" + id + "' is not usable: " + String.join("; ", rejectedReasons));
    }
    throw new IllegalArgumentException(k.json() + " '" + id + "' is not installed; installed: " + ids(k)
        + ". Add the module that provides it to the module path, or load its jar with --plugin-path");
  }

  private List<String> ids(ProviderKind k) {
    return entries.stream().filter(e -> e.descriptor().kind() == k
        && e.descriptor().status() != ProviderDescriptor.Status.REJECTED).map(e -> e.descriptor().id()).sorted().toList();
  }

  @Override
  public <P extends Provider> List<P> active(Class<P> kind) {
    ProviderKind k = ProviderKind.of(kind);
    return entries.stream()
        .filter(e -> e.descriptor().kind() == k && e.descriptor().status() == ProviderDescriptor.Status.ACTIVE)
        .map(e -> kind.cast(e.provider())).toList();
  }

  /** The descriptor of an active provider instance. */
  public Optional<ProviderDescriptor> descriptorOf(Provider provider) {
    return entries.stream().filter(e -> e.provider() == provider).map(Entry::descriptor).findFirst();
  }

  @Override public Kernels kernels() { return kernels; }

  /** Closes the class loaders of class-path plugin folders (module layers need no closing). */
  public void closeLoaders() {
    for (URLClassLoader cl : loaders) {
      try {
        cl.close();
      } catch (IOException e) {
        LOG.log(System.Logger.Level.WARNING, "closing " + cl.getName() + ": " + e.getMessage());
      }
    }
  }
}
