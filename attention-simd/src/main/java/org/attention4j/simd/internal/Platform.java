package org.attention4j.simd.internal;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the JVM offers the Vector API: is the incubator module there, does C2 compile (without it
 * the Vector API runs as plain Java objects, far slower than the scalar loops), is FMA on. Nothing
 * here links a {@code jdk.incubator.vector} class, so the provider can ask on any JVM; the width
 * probe lives in {@link PanamaKernels}, reached only once the module is known to be present.
 */
final class Platform {
  static final String INCUBATOR = "jdk.incubator.vector";
  /** The HotSpot flags read here; absent keys mean "unknown". */
  static final String[] FLAGS = {"UseCompiler", "TieredCompilation", "TieredStopAtLevel", "UseJVMCICompiler", "UseFMA"};

  /** Whether C2 uses FMA instructions: {@code -XX:-UseFMA} (or a CPU without FMA) turns them off. */
  static final boolean FMA = !"false".equals(hotSpotFlags().get("UseFMA"));

  private Platform() {}

  /** Empty when the Vector API kernels can run well here, else why not (one line, with the fix). */
  static Optional<String> unusableReason() {
    Optional<String> module = moduleReason(incubatorPresent());
    if (module.isPresent()) return module;
    return jitReason(hotSpotFlags(), System.getProperty("java.vm.name", "unknown"));
  }

  /** Is {@code jdk.incubator.vector} in this module's layer (the boot layer on the class path)? */
  static boolean incubatorPresent() {
    ModuleLayer layer = Platform.class.getModule().getLayer();
    return (layer == null ? ModuleLayer.boot() : layer).findModule(INCUBATOR).isPresent();
  }

  static Optional<String> moduleReason(boolean present) {
    return present ? Optional.empty() : Optional.of(INCUBATOR + " is not in the module graph; on the class path add "
        + "--add-modules " + INCUBATOR);
  }

  /**
   * The JIT check, from HotSpot's flags ({@link #FLAGS}; empty when this is not HotSpot): C2 must
   * compile, which {@code -Xint}, {@code -XX:TieredStopAtLevel=1..3} and a JVMCI compiler (Graal)
   * rule out.
   */
  static Optional<String> jitReason(Map<String, String> flags, String vmName) {
    if (flags.isEmpty()) {
      return Optional.of("not a HotSpot JVM (" + vmName + "): cannot check that C2 compiles the Vector API");
    }
    if ("false".equals(flags.get("UseCompiler"))) {
      return Optional.of("the JIT is off (-Xint): the Vector API would run interpreted, slower than the scalar kernels");
    }
    String level = flags.getOrDefault("TieredStopAtLevel", "4");
    if ("true".equals(flags.get("TieredCompilation")) && !level.equals("4")) {
      return Optional.of("C2 is off (-XX:TieredStopAtLevel=" + level + "): the Vector API needs C2; remove the flag");
    }
    if ("true".equals(flags.get("UseJVMCICompiler"))) {
      return Optional.of("a JVMCI compiler replaces C2 (-XX:+UseJVMCICompiler): the Vector API needs C2");
    }
    return Optional.empty();
  }

  /** HotSpot's current values of {@link #FLAGS}, or an empty map when there is no HotSpot diagnostic bean. */
  static Map<String, String> hotSpotFlags() {
    HotSpotDiagnosticMXBean bean;
    try {
      bean = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    } catch (IllegalArgumentException e) {        // not a platform interface here: not HotSpot
      return Map.of();
    }
    if (bean == null) return Map.of();
    Map<String, String> out = new HashMap<>();
    for (String name : FLAGS) {
      try {
        out.put(name, bean.getVMOption(name).getValue());
      } catch (IllegalArgumentException e) {      // e.g. UseJVMCICompiler on a JDK built without JVMCI
        // leave it out: unknown
      }
    }
    return out;
  }
}
