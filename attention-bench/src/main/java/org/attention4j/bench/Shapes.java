package org.attention4j.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.attention4j.api.registry.Registry;
import org.attention4j.api.spi.Kernels;

/** Shared set-up of the benchmarks: kernels by id (through the registry) and random float32 data. */
final class Shapes {
  private Shapes() {}

  /** The {@code scalar} kernels, forced by id through the registry (as {@code --set kernels=scalar} does). */
  static Kernels scalarKernels() { return kernels("scalar"); }

  /**
   * Kernels forced by id through the registry: {@code scalar}, or {@code simd:T} for the Vector API
   * kernels on T threads (the {@code attention4j.simd.threads} property, read when they are created).
   * A {@code simd} that is not usable here fails the set-up with the registry's reason.
   */
  static Kernels kernels(String spec) {
    String[] parts = spec.split(":");
    if (parts.length == 2) System.setProperty("attention4j.simd.threads", parts[1]);
    Kernels kernels = Registry.load(List.of(), Optional.of(parts[0])).kernels();
    if (!kernels.id().equals(parts[0])) {
      throw new IllegalStateException("kernels: expected " + parts[0] + ", got " + kernels.id());
    }
    System.err.println("kernels: " + kernels.describe());
    return kernels;
  }

  /** {@code count} floats uniform in [-1, 1), little-endian, from a fixed seed. */
  static MemorySegment randomFloats(Arena arena, long count, long seed) {
    MemorySegment s = arena.allocate(ValueLayout.JAVA_FLOAT_UNALIGNED, count);
    SplittableRandom random = new SplittableRandom(seed);
    for (long i = 0; i < count; i++) s.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, (float) (2 * random.nextDouble() - 1));
    return s;
  }

  /** A causal mask [rows × cols] of bytes, 1 = may attend (key j ≤ query i). */
  static MemorySegment causalMask(Arena arena, int rows, int cols) {
    MemorySegment m = arena.allocate(ValueLayout.JAVA_BYTE, (long) rows * cols);
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) m.set(ValueLayout.JAVA_BYTE, (long) i * cols + j, (byte) (j <= i ? 1 : 0));
    }
    return m;
  }

  /** Parses "a x b x c ..." into ints. */
  static int[] dims(String shape) {
    String[] parts = shape.split("x");
    int[] d = new int[parts.length];
    for (int i = 0; i < parts.length; i++) d[i] = Integer.parseInt(parts[i]);
    return d;
  }
}
