package org.attention4j.api.registry;

import static org.attention4j.api.registry.PluginJars.kernels;
import static org.attention4j.api.registry.PluginJars.normalizer;
import static org.attention4j.api.registry.PluginJars.plugin;
import static org.attention4j.api.registry.PluginJars.scorer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.attention4j.api.registry.ProviderDescriptor.Status;
import org.attention4j.api.spi.KernelProvider;
import org.attention4j.api.spi.NormalizerProvider;
import org.attention4j.api.spi.ScorerProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Discovery from plugin folders, with plugin jars built at test time: each folder in its own module
 * layer, modular and automatic plugins, and every way a plugin can be rejected (never hidden).
 * Runs inside the named module, so the registry takes its module-layer path.
 */
class RegistryPluginFolderTest {
  @TempDir static Path tmp;

  /** Plugin folders, each built once for the class (compiling is the slow part). */
  static Path good, twinA, twinB, softmaxClash, misfits, broken, fastKernels, unusableKernels;

  @BeforeAll static void buildPlugins() throws IOException {
    good = dir("good");
    plugin("com.example.toy").provider(ScorerProvider.class, "ToyDotProvider", scorer("ToyDotProvider", "toy-dot"))
        .modular(good, "toy-scorer.jar", "com.example.toy", "2.3.4");
    plugin("com.example.legacy").provider(NormalizerProvider.class, "LegacyNormalizer", normalizer("LegacyNormalizer", "legacy-norm"))
        .automatic(good, "legacy-normalizer-1.7.jar");
    Files.writeString(good.resolve("README.txt"), "not a jar: ignored");

    twinA = dir("twin-a");
    plugin("com.example.twina").provider(ScorerProvider.class, "Twin", scorer("Twin", "twin"))
        .modular(twinA, "twin-a.jar", "com.example.twina", "1.0");
    twinB = dir("twin-b");
    plugin("com.example.twinb").provider(ScorerProvider.class, "Twin", scorer("Twin", "twin"))
        .modular(twinB, "twin-b.jar", "com.example.twinb", "1.0");

    softmaxClash = dir("softmax-clash");
    plugin("com.example.mysoftmax").provider(NormalizerProvider.class, "MySoftmax", normalizer("MySoftmax", "softmax"))
        .modular(softmaxClash, "my-softmax.jar", "com.example.mysoftmax", "0.9");

    misfits = dir("misfits");
    plugin("com.example.misfits")
        .provider(ScorerProvider.class, "FutureSpi", scorer("FutureSpi", "future", "[0.2,0.3)", ""))
        .provider(ScorerProvider.class, "BadRange", scorer("BadRange", "bad-range", "[0.1", ""))
        .provider(ScorerProvider.class, "BadId", scorer("BadId", "Bad_Id"))
        .provider(ScorerProvider.class, "Fine", scorer("Fine", "fine"))
        .modular(misfits, "misfits.jar", "com.example.misfits", "1.0");

    broken = dir("broken");
    Files.write(broken.resolve("x.jar"), new byte[] {'n', 'o', 't', ' ', 'a', ' ', 'z', 'i', 'p', 0, 1, 2, 3});
    plugin("com.example.throwing")
        .provider(ScorerProvider.class, "Throwing", scorer("Throwing", "throwing", "[0.1,0.2)",
            "throw new IllegalStateException(\"boom in constructor\");"))
        .modular(broken, "throwing.jar", "com.example.throwing", "1.0");
    plugin("com.example.survivor").provider(ScorerProvider.class, "Survivor", scorer("Survivor", "survivor"))
        .modular(broken, "survivor.jar", "com.example.survivor", "1.0");
    plugin("com.example.needy").provider(ScorerProvider.class, "Needy", scorer("Needy", "needy"))
        .requires("com.example.missing", PluginJars.emptyModule(tmp, "com.example.missing"))
        .modular(broken, "needy.jar", "com.example.needy", "1.0");

    fastKernels = dir("fast-kernels");
    plugin("com.example.fast").provider(KernelProvider.class, "FastKernels", kernels("FastKernels", "fast", 10, null))
        .modular(fastKernels, "fast.jar", "com.example.fast", "1.0");
    unusableKernels = dir("unusable-kernels");
    plugin("com.example.gpu").provider(KernelProvider.class, "GpuKernels", kernels("GpuKernels", "gpu", 100, "no GPU in this JVM"))
        .modular(unusableKernels, "gpu.jar", "com.example.gpu", "1.0");
  }

  private static Path dir(String name) throws IOException { return Files.createDirectories(tmp.resolve("plugins").resolve(name)); }

  private static ProviderDescriptor find(Registry r, ProviderKind kind, String id, String origin) {
    return r.descriptors().stream().filter(d -> d.kind() == kind && d.id().equals(id) && d.origin().equals(origin))
        .findFirst().orElseThrow(() -> new AssertionError("no " + kind.json() + " '" + id + "' from " + origin + " in "
            + r.descriptors()));
  }

  private static ProviderDescriptor find(Registry r, ProviderKind kind, String id) {
    List<ProviderDescriptor> all = r.descriptors().stream().filter(d -> d.kind() == kind && d.id().equals(id)).toList();
    assertEquals(1, all.size(), () -> "exactly one " + kind.json() + " '" + id + "' expected in " + r.descriptors());
    return all.get(0);
  }

  private static String origin(Path dir) { return "plugin:" + dir; }

  private static void assertContains(String haystack, String... needles) {
    for (String n : needles) assertTrue(haystack.contains(n), () -> "expected '" + n + "' in: " + haystack);
  }

  @Test void loadsModularAndAutomaticPluginsFromAFolderInItsOwnLayer() {
    Registry r = Registry.load(List.of(good));
    ProviderDescriptor toy = find(r, ProviderKind.SCORER, "toy-dot");
    assertEquals(new ProviderDescriptor(ProviderKind.SCORER, "toy-dot", "2.3.4", "com.example.toy", origin(good),
        Status.ACTIVE, "ok"), toy);
    ProviderDescriptor legacy = find(r, ProviderKind.NORMALIZER, "legacy-norm");
    assertEquals("legacy.normalizer", legacy.module(), "automatic module name from the jar's file name");
    assertEquals("1.7", legacy.version(), "automatic module version from the jar's file name");
    assertEquals(origin(good), legacy.origin());
    assertEquals(Status.ACTIVE, legacy.status());
    assertEquals("module-path", find(r, ProviderKind.NORMALIZER, "softmax").origin(), "built-ins still found");

    ScorerProvider toyP = r.require(ScorerProvider.class, "toy-dot");
    NormalizerProvider legacyP = r.require(NormalizerProvider.class, "legacy-norm");
    ModuleLayer layer = toyP.getClass().getModule().getLayer();
    assertNotSame(ModuleLayer.boot(), layer, "a plugin folder is not in the boot layer");
    assertSame(layer, legacyP.getClass().getModule().getLayer(), "one folder, one layer");
    assertTrue(toyP.getClass().getModule().isNamed());
    assertTrue(legacyP.getClass().getModule().getDescriptor().isAutomatic());
    assertSame(r.descriptorOf(toyP).orElseThrow(), toy);
    assertTrue(r.active(ScorerProvider.class).contains(toyP));
  }

  @Test void eachFolderGetsItsOwnLayer() {
    Registry r = Registry.load(List.of(good, fastKernels));
    ModuleLayer a = r.require(ScorerProvider.class, "toy-dot").getClass().getModule().getLayer();
    ModuleLayer b = r.require(KernelProvider.class, "fast").getClass().getModule().getLayer();
    assertNotSame(a, b);
    assertNotSame(ModuleLayer.boot(), b);
  }

  @Test void duplicateIdsRejectBothAndNameEachOther() {
    Registry r = Registry.load(List.of(twinA, twinB));
    ProviderDescriptor a = find(r, ProviderKind.SCORER, "twin", origin(twinA));
    ProviderDescriptor b = find(r, ProviderKind.SCORER, "twin", origin(twinB));
    assertEquals(Status.REJECTED, a.status());
    assertEquals(Status.REJECTED, b.status());
    assertContains(a.reason(), "duplicate scorer id 'twin'", "com.example.twinb", origin(twinB));
    assertContains(b.reason(), "duplicate scorer id 'twin'", "com.example.twina", origin(twinA));
    assertFalse(a.reason().contains(origin(twinA) + ")"), () -> "names only the other: " + a.reason());
    assertTrue(r.active(ScorerProvider.class).isEmpty());

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.require(ScorerProvider.class, "twin"));
    assertContains(e.getMessage(), "scorer 'twin' is not usable", "duplicate scorer id 'twin'", origin(twinA), origin(twinB));
  }

  @Test void pluginDuplicatingBuiltInSoftmaxRejectsBoth() {
    Registry r = Registry.load(List.of(softmaxClash));
    ProviderDescriptor builtIn = find(r, ProviderKind.NORMALIZER, "softmax", "module-path");
    ProviderDescriptor plugin = find(r, ProviderKind.NORMALIZER, "softmax", origin(softmaxClash));
    assertEquals(Status.REJECTED, builtIn.status());
    assertEquals(Status.REJECTED, plugin.status());
    assertContains(builtIn.reason(), "duplicate normalizer id 'softmax'", "com.example.mysoftmax", origin(softmaxClash));
    assertContains(plugin.reason(), "duplicate normalizer id 'softmax'", "org.attention4j.api (module-path)");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> r.require(NormalizerProvider.class, "softmax"));
    assertContains(e.getMessage(), "normalizer 'softmax' is not usable", "duplicate");
  }

  @Test void incompatibleMalformedAndBadIdsAreRejectedWithReasons() {
    Registry r = Registry.load(List.of(misfits));
    ProviderDescriptor future = find(r, ProviderKind.SCORER, "future");
    assertEquals(Status.REJECTED, future.status());
    assertContains(future.reason(), "[0.2,0.3)", "this is 0.1", "needs attention-api");

    ProviderDescriptor badRange = find(r, ProviderKind.SCORER, "bad-range");
    assertEquals(Status.REJECTED, badRange.status());
    assertContains(badRange.reason(), "bad SPI range", "[0.1");

    ProviderDescriptor badId = find(r, ProviderKind.SCORER, "Bad_Id");
    assertEquals(Status.REJECTED, badId.status());
    assertContains(badId.reason(), "bad id", "'Bad_Id'");

    assertEquals(Status.ACTIVE, find(r, ProviderKind.SCORER, "fine").status(), "the module's good provider still loads");
    for (ProviderDescriptor d : r.descriptors()) {
      assertTrue(!d.reason().contains("\n") && !d.reason().isBlank(), () -> "one-line reason: " + d);
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.require(ScorerProvider.class, "future"));
    assertContains(e.getMessage(), "scorer 'future' is not usable", "[0.2,0.3)", origin(misfits));
  }

  @Test void brokenJarsAreListedWhileTheOthersLoad() {
    Registry r = Registry.load(List.of(broken));

    ProviderDescriptor garbage = find(r, ProviderKind.PLUGIN, "x.jar");
    assertEquals(Status.REJECTED, garbage.status());
    assertEquals(origin(broken), garbage.origin());
    assertContains(garbage.reason(), "cannot open plugin jar");

    ProviderDescriptor throwing = r.descriptors().stream()
        .filter(d -> d.kind() == ProviderKind.SCORER && d.status() == Status.REJECTED).findFirst().orElseThrow();
    assertEquals("com.example.throwing", throwing.module());
    assertEquals(origin(broken), throwing.origin());
    assertContains(throwing.reason(), "failed to instantiate", "boom in constructor");

    ProviderDescriptor needy = find(r, ProviderKind.PLUGIN, "needy.jar");
    assertEquals(Status.REJECTED, needy.status());
    assertContains(needy.reason(), "com.example.needy", "com.example.missing");

    assertEquals(Status.ACTIVE, find(r, ProviderKind.SCORER, "survivor").status());
    assertEquals(List.of(r.require(ScorerProvider.class, "survivor")), r.active(ScorerProvider.class));
    assertEquals("scalar", r.kernels().id());
  }

  @Test void requireOfAnUnknownIdListsTheInstalledOnes() {
    Registry r = Registry.load(List.of(good));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.require(ScorerProvider.class, "tyo-dot"));
    assertContains(e.getMessage(), "scorer 'tyo-dot' is not installed", "installed: [toy-dot]");
    IllegalArgumentException n = assertThrows(IllegalArgumentException.class,
        () -> r.require(NormalizerProvider.class, "sparsemax"));
    assertContains(n.getMessage(), "installed: [legacy-norm, softmax]");
  }

  @Test void higherPriorityKernelPluginBecomesActiveAndScalarAvailable() {
    Registry r = Registry.load(List.of(fastKernels));
    assertEquals("fast", r.kernels().id());
    ProviderDescriptor fast = find(r, ProviderKind.KERNEL, "fast");
    ProviderDescriptor scalar = find(r, ProviderKind.KERNEL, "scalar");
    assertEquals(Status.ACTIVE, fast.status());
    assertContains(fast.reason(), "highest priority (10)");
    assertEquals(Status.AVAILABLE, scalar.status());
    assertContains(scalar.reason(), "priority 0", "kernels=scalar");
    assertEquals(1, r.descriptors().stream().filter(d -> d.kind() == ProviderKind.KERNEL && d.status() == Status.ACTIVE).count());
    assertEquals(List.of(r.require(KernelProvider.class, "fast")), r.active(KernelProvider.class));

    Registry forced = Registry.load(List.of(fastKernels), Optional.of("scalar"));
    assertEquals("scalar", forced.kernels().id());
    assertEquals(Status.ACTIVE, find(forced, ProviderKind.KERNEL, "scalar").status());
    assertContains(find(forced, ProviderKind.KERNEL, "scalar").reason(), "forced with kernels=scalar");
    assertEquals(Status.AVAILABLE, find(forced, ProviderKind.KERNEL, "fast").status());

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Registry.load(List.of(fastKernels), Optional.of("simd")));
    assertContains(e.getMessage(), "kernels: expected one of the usable kernel providers [fast, scalar], got 'simd'");
  }

  @Test void unusableKernelProviderIsRejectedWithItsReason() {
    Registry r = Registry.load(List.of(unusableKernels));
    ProviderDescriptor gpu = find(r, ProviderKind.KERNEL, "gpu");
    assertEquals(Status.REJECTED, gpu.status());
    assertContains(gpu.reason(), "not usable here", "no GPU in this JVM");
    assertEquals("scalar", r.kernels().id(), "a higher priority does not help an unusable provider");
    assertEquals(Status.ACTIVE, find(r, ProviderKind.KERNEL, "scalar").status());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Registry.load(List.of(unusableKernels), Optional.of("gpu")));
    assertContains(e.getMessage(), "[scalar]", "got 'gpu'");
  }

  @Test void aMissingPluginFolderIsAUsageError() {
    Path missing = tmp.resolve("no-such-folder");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Registry.load(List.of(missing)));
    assertContains(e.getMessage(), "--plugin-path: expected a folder of plugin jars", "does not exist");
  }
}
