package org.attention4j.api.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.attention4j.api.ApiVersion;
import org.attention4j.api.internal.ScalarKernelProvider;
import org.attention4j.api.internal.ScalarKernels;
import org.attention4j.api.internal.SoftmaxNormalizerProvider;
import org.attention4j.api.registry.ProviderDescriptor.Status;
import org.attention4j.api.spi.KernelProvider;
import org.attention4j.api.spi.Kernels;
import org.attention4j.api.spi.NormalizerProvider;
import org.attention4j.api.spi.ProviderConfig;
import org.attention4j.api.spi.Scorer;
import org.attention4j.api.spi.ScorerProvider;
import org.junit.jupiter.api.Test;

/**
 * The registry's rules on the api's own providers (module path) and on providers given in-process
 * ({@link Registry#of}): ids, kinds, kernel choice. Surefire runs this test inside the module.
 */
class RegistryTest {
  // ---- test-local providers ---------------------------------------------------------------------

  /** A scorer provider with any id (possibly null or throwing). */
  record TestScorer(String theId, String range) implements ScorerProvider {
    TestScorer(String theId) { this(theId, "[0.1,0.2)"); }
    @Override public String id() {
      if ("<throw>".equals(theId)) throw new IllegalStateException("id exploded");
      return theId;
    }
    @Override public String description() { return "test scorer"; }
    @Override public String spiRange() { return range; }
    @Override public Scorer create(ProviderConfig c, int q, int k) { throw new UnsupportedOperationException(); }
  }

  /** A kernel provider; {@code usable} is returned as is (even null); {@code createFails} makes create() throw. */
  static final class TestKernels implements KernelProvider {
    final String theId;
    final int priority;
    final Optional<String> usable;
    final boolean createFails;
    Kernels created;

    TestKernels(String id, int priority, Optional<String> usable, boolean createFails) {
      this.theId = id;
      this.priority = priority;
      this.usable = usable;
      this.createFails = createFails;
    }

    @Override public String id() { return theId; }
    @Override public String description() { return "test kernels " + theId; }
    @Override public int priority() { return priority; }
    @Override public Optional<String> usable() { return usable; }
    @Override public Kernels create() {
      if (createFails) throw new UnsupportedOperationException("no vector unit after all");
      created = new ScalarKernels();
      return created;
    }
  }

  private static ProviderDescriptor find(Registry r, ProviderKind kind, String id) {
    List<ProviderDescriptor> all = r.descriptors().stream().filter(d -> d.kind() == kind && id.equals(d.id())).toList();
    assertEquals(1, all.size(), () -> "exactly one " + kind.json() + " '" + id + "' in " + r.descriptors());
    return all.get(0);
  }

  private static void assertContains(String haystack, String... needles) {
    for (String n : needles) assertTrue(haystack.contains(n), () -> "expected '" + n + "' in: " + haystack);
  }

  private static long activeKernels(Registry r) {
    return r.descriptors().stream().filter(d -> d.kind() == ProviderKind.KERNEL && d.status() == Status.ACTIVE).count();
  }

  // ---- the module path --------------------------------------------------------------------------

  @Test void findsBuiltInsOnTheModulePath() {
    Registry r = Registry.load(List.of());
    assertEquals("scalar", r.kernels().id());
    NormalizerProvider softmax = r.require(NormalizerProvider.class, "softmax");
    ProviderDescriptor d = r.descriptorOf(softmax).orElseThrow();
    assertEquals("org.attention4j.api", d.module());
    assertEquals("module-path", d.origin());
    assertEquals(Status.ACTIVE, d.status());
    assertEquals(ApiVersion.full(), d.version());
  }

  @Test void exactlyOneKernelProviderIsActive() {
    Registry r = Registry.load(List.of());
    assertEquals(1, activeKernels(r));
    ProviderDescriptor scalar = find(r, ProviderKind.KERNEL, "scalar");
    assertEquals(Status.ACTIVE, scalar.status());
    assertContains(scalar.reason(), "highest priority (0)");
    assertEquals(1, r.active(KernelProvider.class).size());
  }

  @Test void forcingScalarWorks() {
    Registry r = Registry.load(List.of(), Optional.of("scalar"));
    assertEquals("scalar", r.kernels().id());
    assertContains(find(r, ProviderKind.KERNEL, "scalar").reason(), "forced with kernels=scalar");
  }

  @Test void forcingAnUnknownKernelProviderNamesTheUsableOnes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Registry.load(List.of(), Optional.of("simd")));
    assertEquals("kernels: expected one of the usable kernel providers [scalar], got 'simd'", e.getMessage());
  }

  @Test void descriptorsAreOrderedByKindThenId() {
    Registry r = Registry.of(List.of(new TestScorer("b"), new ScalarKernelProvider(), new TestScorer("a"),
        new SoftmaxNormalizerProvider()), Optional.empty());
    assertEquals(List.of("scorer:a", "scorer:b", "normalizer:softmax", "kernel:scalar"),
        r.descriptors().stream().map(d -> d.kind().json() + ":" + d.id()).toList());
    assertTrue(r.descriptors().stream().allMatch(d -> d.origin().equals("given")));
  }

  // ---- ids --------------------------------------------------------------------------------------

  @Test void theSameIdInDifferentKindsIsNoClash() {
    Registry r = Registry.of(List.of(new TestScorer("softmax"), new SoftmaxNormalizerProvider(), new ScalarKernelProvider()),
        Optional.empty());
    assertEquals(Status.ACTIVE, find(r, ProviderKind.SCORER, "softmax").status());
    assertEquals(Status.ACTIVE, find(r, ProviderKind.NORMALIZER, "softmax").status());
  }

  @Test void badIdsAreRejected() {
    for (String bad : List.of("Bad_Id", "", "-lead", "with space", "ünïcode", "dot.ted")) {
      Registry r = Registry.of(List.of(new TestScorer(bad), new ScalarKernelProvider()), Optional.empty());
      ProviderDescriptor d = find(r, ProviderKind.SCORER, bad);
      assertEquals(Status.REJECTED, d.status(), bad);
      assertContains(d.reason(), "bad id", "'" + bad + "'");
    }
    for (String good : List.of("a", "scaled-dot", "entmax15", "0day")) {
      Registry r = Registry.of(List.of(new TestScorer(good), new ScalarKernelProvider()), Optional.empty());
      assertEquals(Status.ACTIVE, find(r, ProviderKind.SCORER, good).status(), good);
    }
  }

  @Test void aNullIdIsRejectedNotACrash() {
    Registry r = Registry.of(List.of(new TestScorer(null), new TestScorer("ok"), new ScalarKernelProvider()), Optional.empty());
    ProviderDescriptor d = r.descriptors().stream().filter(x -> x.kind() == ProviderKind.SCORER
        && x.status() == Status.REJECTED).findFirst().orElseThrow();
    assertContains(d.reason(), "bad id");
    assertEquals(Status.ACTIVE, find(r, ProviderKind.SCORER, "ok").status());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.require(ScorerProvider.class, "nope"));
    assertContains(e.getMessage(), "installed: [ok]");
  }

  @Test void anIdThatThrowsIsRejected() {
    Registry r = Registry.of(List.of(new TestScorer("<throw>"), new ScalarKernelProvider()), Optional.empty());
    ProviderDescriptor d = r.descriptors().stream().filter(x -> x.kind() == ProviderKind.SCORER).findFirst().orElseThrow();
    assertEquals(Status.REJECTED, d.status());
    assertContains(d.reason(), "failed to describe itself", "id exploded");
  }

  @Test void duplicatesRejectEveryCopy() {
    Registry r = Registry.of(List.of(new TestScorer("twin"), new TestScorer("twin"), new TestScorer("twin"),
        new ScalarKernelProvider()), Optional.empty());
    List<ProviderDescriptor> twins = r.descriptors().stream().filter(d -> "twin".equals(d.id())).toList();
    assertEquals(3, twins.size());
    for (ProviderDescriptor d : twins) {
      assertEquals(Status.REJECTED, d.status());
      assertContains(d.reason(), "duplicate scorer id 'twin': also provided by");
      assertEquals(2, d.reason().split("\\(given\\)", -1).length - 1, () -> "names the two others: " + d.reason());
    }
  }

  @Test void aRejectedRangeDoesNotClash() {
    Registry r = Registry.of(List.of(new TestScorer("twin"), new TestScorer("twin", "[0.2,0.3)"), new ScalarKernelProvider()),
        Optional.empty());
    List<ProviderDescriptor> twins = r.descriptors().stream().filter(d -> "twin".equals(d.id())).toList();
    assertEquals(List.of(Status.ACTIVE, Status.REJECTED), twins.stream().map(ProviderDescriptor::status).sorted().toList());
    assertTrue(twins.stream().anyMatch(d -> d.reason().equals("needs attention-api [0.2,0.3), this is "
        + ApiVersion.spi() + " (" + ApiVersion.full() + ")")), twins::toString);
  }

  @Test void aNullRangeIsABadRange() {
    Registry r = Registry.of(List.of(new TestScorer("x", null), new ScalarKernelProvider()), Optional.empty());
    ProviderDescriptor d = find(r, ProviderKind.SCORER, "x");
    assertEquals(Status.REJECTED, d.status());
    assertContains(d.reason(), "bad SPI range");
  }

  @Test void requireOfAnUnknownIdListsInstalledIds() {
    Registry r = Registry.load(List.of());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> r.require(NormalizerProvider.class, "sparsemax"));
    assertContains(e.getMessage(), "normalizer 'sparsemax' is not installed; installed: [softmax]", "--plugin-path");
  }

  @Test void requireOfARejectedIdGivesTheReason() {
    Registry r = Registry.of(List.of(new TestScorer("future", "[0.2,0.3)"), new ScalarKernelProvider()), Optional.empty());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.require(ScorerProvider.class, "future"));
    assertContains(e.getMessage(), "scorer 'future' is not usable", "needs attention-api [0.2,0.3)", "[given]");
  }

  @Test void requireOfANonProviderInterfaceIsRefused() {
    Registry r = Registry.load(List.of());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> r.require(org.attention4j.api.spi.Provider.class, "softmax"));
    assertContains(e.getMessage(), "kind: expected one of the provider interfaces");
  }

  // ---- kernels ----------------------------------------------------------------------------------

  @Test void theHighestPriorityUsableKernelsWin() {
    TestKernels fast = new TestKernels("fast", 10, Optional.empty(), false);
    Registry r = Registry.of(List.of(new ScalarKernelProvider(), fast), Optional.empty());
    assertSame(fast.created, r.kernels());
    assertEquals(Status.ACTIVE, find(r, ProviderKind.KERNEL, "fast").status());
    assertEquals(Status.AVAILABLE, find(r, ProviderKind.KERNEL, "scalar").status());
    assertEquals(1, activeKernels(r));
    assertEquals(List.of(fast), r.active(KernelProvider.class));
  }

  @Test void anUnusableKernelProviderIsRejectedWithItsReason() {
    TestKernels gpu = new TestKernels("gpu", 99, Optional.of("needs a GPU"), false);
    Registry r = Registry.of(List.of(new ScalarKernelProvider(), gpu), Optional.empty());
    assertEquals("scalar", r.kernels().id());
    ProviderDescriptor d = find(r, ProviderKind.KERNEL, "gpu");
    assertEquals(Status.REJECTED, d.status());
    assertEquals("not usable here: needs a GPU", d.reason());
    assertNull(gpu.created, "create() is only called on the chosen provider");
  }

  @Test void forcingARejectedKernelProviderSaysWhy() {
    TestKernels gpu = new TestKernels("gpu", 99, Optional.of("needs a GPU"), false);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Registry.of(List.of(new ScalarKernelProvider(), gpu), Optional.of("gpu")));
    assertContains(e.getMessage(), "kernels: expected one of the usable kernel providers [scalar], got 'gpu'",
        "needs a GPU");
  }

  @Test void aKernelProviderAnsweringNullToUsableIsRejectedNotACrash() {
    TestKernels odd = new TestKernels("odd", 5, null, false);
    Registry r = Registry.of(List.of(new ScalarKernelProvider(), odd), Optional.empty());
    assertEquals("scalar", r.kernels().id());
    ProviderDescriptor d = find(r, ProviderKind.KERNEL, "odd");
    assertEquals(Status.REJECTED, d.status());
    assertContains(d.reason(), "usable()");
  }

  @Test void aKernelProviderWhoseCreateFailsIsRejectedAndTheNextBestIsUsed() {
    TestKernels flaky = new TestKernels("flaky", 10, Optional.empty(), true);
    Registry r = Registry.of(List.of(new ScalarKernelProvider(), flaky), Optional.empty());
    assertEquals("scalar", r.kernels().id());
    ProviderDescriptor d = find(r, ProviderKind.KERNEL, "flaky");
    assertEquals(Status.REJECTED, d.status());
    assertContains(d.reason(), "no vector unit after all");
    assertEquals(Status.ACTIVE, find(r, ProviderKind.KERNEL, "scalar").status());
    assertEquals(1, activeKernels(r));
  }

  @Test void noUsableKernelProviderIsAnErrorThatSaysWhy() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Registry.of(
        List.of(new ScalarKernelProvider(), new TestKernels("scalar", 3, Optional.empty(), false)), Optional.empty()));
    assertContains(e.getMessage(), "kernels:", "duplicate kernel id 'scalar'");
  }
}
