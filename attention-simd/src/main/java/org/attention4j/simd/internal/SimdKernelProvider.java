package org.attention4j.simd.internal;

import java.util.Optional;
import org.attention4j.api.spi.KernelProvider;
import org.attention4j.api.spi.Kernels;

/**
 * The {@code simd} kernel provider (priority 10, above the scalar reference's 0). Usable when
 * {@code jdk.incubator.vector} is in the module graph, HotSpot's C2 compiles (not {@code -Xint},
 * not {@code -XX:TieredStopAtLevel=1..3}, no JVMCI compiler) and the preferred vector width is at
 * least 128 bits; otherwise {@link #usable()} says which, in one line, and the registry keeps the
 * scalar kernels. This class links no Vector API class until that check has passed.
 *
 * <p>Two system properties tune {@link #create()}: {@value Parallel#THREADS_PROPERTY} (threads,
 * default: available processors) and {@value #BITS_PROPERTY} (vector width in bits, default: the
 * JVM's preferred width, at most 512).
 */
public final class SimdKernelProvider implements KernelProvider {
  /** The system property that forces a vector width (128, 256 or 512 bits; at most the preferred width). */
  public static final String BITS_PROPERTY = "attention4j.simd.bits";

  @Override public String id() { return "simd"; }

  @Override public String description() {
    return "Vector API (Panama) kernels: tiled matmul, fused flash-style attention, softmax, additive, top-k, DTW";
  }

  @Override public int priority() { return 10; }

  @Override public Optional<String> usable() {
    Optional<String> why = Platform.unusableReason();
    if (why.isPresent()) return why;
    int bits = PanamaKernels.preferredBits();
    if (bits < 128) {
      return Optional.of("the preferred vector width is " + bits + " bits here; the simd kernels need at least 128");
    }
    return Optional.empty();
  }

  @Override public Kernels create() {
    return new PanamaKernels(jdk.incubator.vector.VectorShape.forBitSize(bits()), Parallel.threadsFromProperty());
  }

  /** {@value #BITS_PROPERTY} if set, else the preferred width. */
  static int bits() {
    int preferred = PanamaKernels.defaultBits();
    String v = System.getProperty(BITS_PROPERTY);
    if (v == null || v.isBlank()) return preferred;
    int bits;
    try {
      bits = Integer.parseInt(v.strip());
    } catch (NumberFormatException e) {
      bits = -1;
    }
    if (bits != 128 && bits != 256 && bits != 512 || bits > preferred) {
      throw new IllegalArgumentException(BITS_PROPERTY + ": expected 128, 256 or 512 and at most the preferred " + preferred
          + ", got '" + v + "'");
    }
    return bits;
  }
}
