package org.attention4j.simd.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.attention4j.api.registry.ProviderDescriptor;
import org.attention4j.api.registry.ProviderKind;
import org.attention4j.api.registry.Registry;
import org.junit.jupiter.api.Test;

/**
 * The provider and the registry's choice: {@code simd} is found on the module path, usable here
 * (the tests run with C2) and chosen over {@code scalar}; forcing {@code scalar} works; the
 * {@code plugins} reason lines of both providers; the reasons {@code usable()} gives where the
 * simd kernels cannot run well; the thread and width properties.
 */
class SimdKernelProviderTest {
  private static ProviderDescriptor kernel(Registry registry, String id) {
    return registry.descriptors().stream().filter(d -> d.kind() == ProviderKind.KERNEL && d.id().equals(id)).findFirst()
        .orElseThrow(() -> new AssertionError("kernel provider '" + id + "' not found in " + registry.descriptors()));
  }

  @Test void registryPicksSimdWhenUsableAndListsBothWithTheirReasons() {
    Registry registry = Registry.load(List.of());
    assertEquals("simd", registry.kernels().id());
    assertInstanceOf(PanamaKernels.class, registry.kernels());
    ProviderDescriptor simd = kernel(registry, "simd"), scalar = kernel(registry, "scalar");
    assertEquals(ProviderDescriptor.Status.ACTIVE, simd.status(), simd.toString());
    assertEquals("highest priority (10) of the usable kernel providers", simd.reason());
    assertEquals("org.attention4j.simd", simd.module());
    assertEquals("module-path", simd.origin());
    assertTrue(simd.version().startsWith("0.1"), simd.toString());
    assertEquals(ProviderDescriptor.Status.AVAILABLE, scalar.status(), scalar.toString());
    assertEquals("usable, not chosen (priority 0; force it with --set kernels=scalar)", scalar.reason());
  }

  @Test void forcingScalarWorks() {
    Registry registry = Registry.load(List.of(), Optional.of("scalar"));
    assertEquals("scalar", registry.kernels().id());
    assertEquals(ProviderDescriptor.Status.ACTIVE, kernel(registry, "scalar").status());
    assertEquals("forced with kernels=scalar", kernel(registry, "scalar").reason());
    ProviderDescriptor simd = kernel(registry, "simd");
    assertEquals(ProviderDescriptor.Status.AVAILABLE, simd.status());
    assertEquals("usable, not chosen (priority 10; force it with --set kernels=simd)", simd.reason());
    assertEquals("simd", Registry.load(List.of(), Optional.of("simd")).kernels().id());
  }

  @Test void providerDescribesItself() {
    SimdKernelProvider p = new SimdKernelProvider();
    assertEquals("simd", p.id());
    assertEquals(10, p.priority());
    assertEquals(Optional.empty(), p.usable(), "this test JVM has the incubator module and C2");
    String d = p.create().describe();
    assertTrue(d.matches("simd \\(panama, (128|256|512)-bit, FMA (on|off), \\d+ threads?\\)"), d);
  }

  @Test void reasonsWhereTheSimdKernelsCannotRunWell() {
    assertEquals(Optional.of("jdk.incubator.vector is not in the module graph; on the class path add --add-modules "
        + "jdk.incubator.vector"), Platform.moduleReason(false));
    assertEquals(Optional.empty(), Platform.moduleReason(true));
    Map<String, String> c2 = Map.of("UseCompiler", "true", "TieredCompilation", "true", "TieredStopAtLevel", "4");
    assertEquals(Optional.empty(), Platform.jitReason(c2, "OpenJDK 64-Bit Server VM"));
    assertEquals(Optional.of("C2 is off (-XX:TieredStopAtLevel=1): the Vector API needs C2; remove the flag"),
        Platform.jitReason(Map.of("UseCompiler", "true", "TieredCompilation", "true", "TieredStopAtLevel", "1"), "vm"));
    assertEquals(Optional.of("the JIT is off (-Xint): the Vector API would run interpreted, slower than the scalar kernels"),
        Platform.jitReason(Map.of("UseCompiler", "false", "TieredCompilation", "false", "TieredStopAtLevel", "4"), "vm"));
    assertEquals(Optional.empty(), Platform.jitReason(Map.of("UseCompiler", "true", "TieredCompilation", "false",
        "TieredStopAtLevel", "1"), "vm"), "without tiers C2 compiles everything; the stop level does not apply");
    assertEquals(Optional.of("a JVMCI compiler replaces C2 (-XX:+UseJVMCICompiler): the Vector API needs C2"),
        Platform.jitReason(Map.of("UseCompiler", "true", "UseJVMCICompiler", "true"), "vm"));
    assertEquals(Optional.of("not a HotSpot JVM (Eclipse OpenJ9 VM): cannot check that C2 compiles the Vector API"),
        Platform.jitReason(Map.of(), "Eclipse OpenJ9 VM"));
    Map<String, String> here = Platform.hotSpotFlags();
    assertEquals("true", here.get("UseCompiler"), here.toString());
    assertTrue(Platform.incubatorPresent());
  }

  private static <T> T withProperty(String key, String value, Supplier<T> body) {
    String old = System.getProperty(key);
    System.setProperty(key, value);
    try {
      return body.get();
    } finally {
      if (old == null) System.clearProperty(key);
      else System.setProperty(key, old);
    }
  }

  @Test void threadAndWidthProperties() {
    assertEquals(3, (int) withProperty(Parallel.THREADS_PROPERTY, "3", Parallel::threadsFromProperty));
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> withProperty(Parallel.THREADS_PROPERTY, "zero", Parallel::threadsFromProperty));
    assertEquals("attention4j.simd.threads: expected a positive integer, got 'zero'", bad.getMessage());
    assertThrows(IllegalArgumentException.class, () -> withProperty(Parallel.THREADS_PROPERTY, "0", Parallel::threadsFromProperty));
    assertEquals(128, (int) withProperty(SimdKernelProvider.BITS_PROPERTY, "128", SimdKernelProvider::bits));
    PanamaKernels forced = withProperty(SimdKernelProvider.BITS_PROPERTY, "128",
        () -> withProperty(Parallel.THREADS_PROPERTY, "1", () -> (PanamaKernels) new SimdKernelProvider().create()));
    assertEquals("simd (panama, 128-bit, FMA " + (Platform.FMA ? "on" : "off") + ", 1 thread)", forced.describe());
    IllegalArgumentException width = assertThrows(IllegalArgumentException.class,
        () -> withProperty(SimdKernelProvider.BITS_PROPERTY, "100", SimdKernelProvider::bits));
    assertTrue(width.getMessage().startsWith("attention4j.simd.bits: expected 128, 256 or 512 and at most the preferred "),
        width.getMessage());
    assertFalse(width.getMessage().contains("\n"));
  }

  @Test void aFailingTaskFailsTheCallAndTheOthersStop() {
    Parallel parallel = new Parallel(2);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> parallel.run(100, true, () -> null, (s, t) -> {
      if (t == 37) throw new IllegalStateException("task 37");
    }));
    assertEquals("task 37", e.getMessage());
    int[] hits = new int[50];
    parallel.run(50, true, () -> null, (s, t) -> hits[t]++);
    for (int h : hits) assertEquals(1, h, "each task runs exactly once");
  }
}
