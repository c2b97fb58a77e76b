package org.attention4j.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.module.Configuration;
import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.module.ResolvedModule;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Boots the built Attention4J jars and their dependencies in a fresh {@link ModuleLayer} (as a user's
 * module path would) and finds the providers by service binding alone: the only root is
 * {@code org.attention4j.api}; {@code resolveAndBind} must pull in the modules that provide its
 * services (scalar kernels and softmax in the api, the simd kernels in simd, dot and scaled-dot in
 * bilinear, additive in additive, sparsemax and entmax15 in sparse, the gibbs-temperature scenario in
 * theory). Nothing here names a provider class.
 */
class ModularLayerIT {
  private static final String API = "org.attention4j.api";

  /** The module path: Attention4J's jars plus what they require, transitively (no JUnit launcher, no ArchUnit). */
  private static Map<String, Path> modulePath;

  @BeforeAll
  static void collectModulePath() {
    Map<String, Path> candidates = new LinkedHashMap<>();
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      Path p = Path.of(entry);
      if (!entry.endsWith(".jar")) continue;
      try {
        for (ModuleReference ref : ModuleFinder.of(p).findAll()) candidates.putIfAbsent(ref.descriptor().name(), p);
      } catch (FindException e) {
        // not usable as a module (e.g. a jar whose derived name is invalid): never needed by Attention4J
      }
    }
    Map<String, Path> ours = Artifacts.byModule();
    candidates.putAll(ours);
    modulePath = new LinkedHashMap<>();
    Deque<String> todo = new ArrayDeque<>(ours.keySet());
    while (!todo.isEmpty()) {
      String name = todo.pop();
      Path p = candidates.get(name);
      if (p == null || modulePath.containsKey(name)) continue;     // JDK modules come from the boot layer
      modulePath.put(name, p);
      for (ModuleDescriptor.Requires r : Artifacts.descriptor(p).requires()) {
        if (!r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC)) todo.push(r.name());
      }
    }
  }

  @Test
  void serviceBindingAloneFindsEveryBuiltInProvider() throws Exception {
    ModuleLayer layer = layer(Set.of(API));
    Set<String> resolved = layer.modules().stream().map(Module::getName).collect(Collectors.toCollection(TreeSet::new));
    Set<String> providing = Set.of(API, "org.attention4j.simd", "org.attention4j.bilinear", "org.attention4j.additive",
        "org.attention4j.sparse", "org.attention4j.theory", "org.attention4j.multihead");
    assertTrue(resolved.containsAll(providing),
        "modules bound from root " + API + ": expected " + providing + ", got " + resolved);

    ClassLoader loader = layer.findLoader(API);
    assertEquals(Set.of("scalar", "simd"), ids(layer, loader, "KernelProvider"));
    assertContains(ids(layer, loader, "NormalizerProvider"), "softmax", "sparsemax", "entmax15");
    assertContains(ids(layer, loader, "ScorerProvider"), "dot", "scaled-dot", "additive");
    assertContains(ids(layer, loader, "ScenarioProvider"), "gibbs-temperature", "multihead-specialisation");
    assertContains(ids(layer, loader, "AttentionLayerProvider"), "multihead");
  }

  private static void assertContains(Set<String> actual, String... expected) {
    assertTrue(actual.containsAll(Set.of(expected)), "provider ids: expected " + List.of(expected) + ", got " + actual);
  }

  @Test
  void theRegistryInsideTheLayerSeesTheSameProviders() throws Exception {
    ModuleLayer layer = layer(Set.of(API));
    ClassLoader loader = layer.findLoader(API);
    Class<?> registryType = loader.loadClass(API + ".registry.Registry");
    Object registry = registryType.getMethod("load", List.class).invoke(null, List.of());
    List<?> descriptors = (List<?>) registryType.getMethod("descriptors").invoke(registry);
    List<String> lines = new ArrayList<>();
    for (Object d : descriptors) lines.add(d.toString());
    for (String id : List.of("id=scalar", "id=simd", "id=softmax", "id=sparsemax", "id=entmax15", "id=dot", "id=scaled-dot",
        "id=additive", "id=gibbs-temperature", "id=multihead")) {
      assertTrue(lines.stream().anyMatch(l -> l.contains(id) && l.contains("module-path")),
          "registry in the layer: expected " + id + " from the module path, got " + lines);
    }
  }

  @Test
  void everyAttention4jModuleResolvesTogether() {
    Set<String> ours = Artifacts.byModule().keySet();
    ModuleLayer layer = layer(ours);
    Set<String> resolved = layer.modules().stream().map(Module::getName).collect(Collectors.toSet());
    assertTrue(resolved.containsAll(ours), "resolved: expected every Attention4J module " + ours + ", got " + resolved);
    for (Module m : layer.modules()) {
      if (m.getName().startsWith("org.attention4j.")) {
        assertTrue(m.getDescriptor().rawVersion().isPresent(), m.getName() + ": expected a module version, got none");
      }
    }
  }

  private static ModuleLayer layer(Set<String> roots) {
    ModuleFinder finder = ModuleFinder.of(modulePath.values().toArray(Path[]::new));
    Configuration cf = ModuleLayer.boot().configuration().resolveAndBind(finder, ModuleFinder.of(), roots);
    for (ResolvedModule m : cf.modules()) {
      assertTrue(modulePath.containsKey(m.name()), "resolved " + m.name() + " from outside the module path");
    }
    return ModuleLayer.boot().defineModulesWithOneLoader(cf, ClassLoader.getPlatformClassLoader());
  }

  /** Provider ids of one SPI type, loaded through the layer (service binding, no class names). */
  private static Set<String> ids(ModuleLayer layer, ClassLoader loader, String spi) throws Exception {
    Class<?> type = loader.loadClass(API + ".spi." + spi);
    Method id = type.getMethod("id");
    Set<String> ids = new TreeSet<>();
    for (Object provider : ServiceLoader.load(layer, type)) {
      assertTrue(provider.getClass().getModule().getLayer() == layer,
          spi + ": expected providers from the fresh layer, got one from " + provider.getClass().getModule());
      ids.add((String) id.invoke(provider));
    }
    return ids;
  }
}
