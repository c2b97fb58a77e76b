package org.attention4j.simd.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import jdk.incubator.vector.VectorShape;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.api.DenseMatrices;
import org.attention4j.api.registry.Registry;
import org.attention4j.api.spi.Kernels;
import org.junit.jupiter.api.Named;

/** Shared pieces of the simd tests: the kernels of every width, the scalar reference, Arrow-backed data. */
final class SimdTestSupport {
  /** The awkward sizes: lanes ± 1 for 4, 8 and 16 floats, the 2·lanes cut-over, odd tails. */
  static final int[] SIZES = {1, 2, 3, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 207};
  static final int[] WIDTHS = {128, 256, 512};

  /** attention-api's scalar reference, through the registry (its class is not exported). */
  static final Kernels SCALAR = Registry.load(List.of(), Optional.of("scalar")).kernels();

  private static final List<PanamaKernels> KERNELS =
      IntStream.of(WIDTHS).mapToObj(bits -> new PanamaKernels(VectorShape.forBitSize(bits), 2)).toList();
  private static final Map<String, Object> MEMO = new ConcurrentHashMap<>();

  private SimdTestSupport() {}

  /** The simd kernels at 128, 256 and 512 bits (2 threads), named by width. */
  static Stream<Named<PanamaKernels>> widths() {
    return KERNELS.stream().map(k -> Named.of(k.vectorBits() + "-bit", k));
  }

  /** A value computed once per test JVM (expensive references shared by the three widths). */
  @SuppressWarnings("unchecked")
  static <T> T memo(String key, Supplier<T> compute) {
    Object v = MEMO.get(key);
    if (v == null) {
      v = compute.get();
      MEMO.put(key, v);
    }
    return (T) v;
  }

  static float[] gaussian(Random r, int n, double sigma) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) out[i] = (float) (r.nextGaussian() * sigma);
    return out;
  }

  static double[] abs(double[] x) {
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) out[i] = Math.abs(x[i]);
    return out;
  }

  /** A few distinct coordinates of a tensor of n entries (all of them when n ≤ max). */
  static int[] coords(Random r, int n, int max) {
    if (n <= max) return IntStream.range(0, n).toArray();
    return r.ints(0, n).distinct().limit(max).toArray();
  }

  static float[] read(MemorySegment s) { return s.toArray(ValueLayout.JAVA_FLOAT_UNALIGNED); }

  static int[] readInts(MemorySegment s) { return s.toArray(ValueLayout.JAVA_INT_UNALIGNED); }

  static double[] readDoubles(MemorySegment s) { return s.toArray(ValueLayout.JAVA_DOUBLE_UNALIGNED); }

  /**
   * Data in Arrow buffers, read by the kernels zero-copy as in production; every vector is closed
   * by {@link #close()} (before the test's leak-checking allocator closes).
   */
  static final class ArrowSegments implements AutoCloseable {
    private final BufferAllocator allocator;
    private final List<FixedSizeListVector> open = new ArrayList<>();

    ArrowSegments(BufferAllocator allocator) { this.allocator = allocator; }

    /** A float32 segment holding a copy of {@code data}. */
    MemorySegment floats(float[] data) {
      FixedSizeListVector v = DenseMatrices.of(allocator, "data", 1, Math.max(data.length, 1),
          data.length == 0 ? new float[1] : data);
      open.add(v);
      return DenseMatrices.segment(v).asSlice(0, 4L * data.length);
    }

    /** n float32 slots full of NaN: outputs must overwrite every entry. */
    MemorySegment garbage(int n) {
      float[] nan = new float[n];
      Arrays.fill(nan, Float.NaN);
      return floats(nan);
    }

    /** A float64 segment holding a copy of {@code data}. */
    MemorySegment doubles(double[] data) {
      MemorySegment s = floats(new float[2 * data.length]);
      MemorySegment.copy(data, 0, s, ValueLayout.JAVA_DOUBLE_UNALIGNED, 0, data.length);
      return s;
    }

    /** A byte segment (a mask) in an Arrow buffer, holding a copy of {@code data}. */
    MemorySegment bytes(byte[] data) {
      MemorySegment s = floats(new float[(data.length + 3) / 4]);
      MemorySegment.copy(data, 0, s, ValueLayout.JAVA_BYTE, 0, data.length);
      return s.asSlice(0, data.length);
    }

    @Override public void close() {
      open.forEach(FixedSizeListVector::close);
      open.clear();
    }
  }
}
