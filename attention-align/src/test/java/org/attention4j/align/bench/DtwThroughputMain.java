package org.attention4j.align.bench;

import java.util.Locale;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.attention4j.align.Aligner;
import org.attention4j.api.DenseMatrices;

/**
 * Measures one distance-only DTW of n × m cells (squared Euclidean, d = 1) through
 * {@link Aligner#distance}, after a warm-up on smaller inputs, on one thread. Not a test (timings
 * belong in JMH, in attention-bench); the module README gives the command and the figures, beside
 * the C reference src/test/c/dtw_ref.c, which generates the same series and, built with
 * {@code -DREAL=double}, prints the same distance bit for bit.
 *
 * <p>Arguments: n [m [seed]] (default 40000 40000 1).
 */
public final class DtwThroughputMain {
  private DtwThroughputMain() {}

  private static long state;

  private static float nextFloat() {                     // dtw_ref.c's LCG: top 24 bits as a float in [-1, 1)
    state = state * 6364136223846793005L + 1442695040888963407L;
    return (float) (state >>> 40) * (1.0f / 16777216.0f) * 2.0f - 1.0f;
  }

  private static float[] series(int length) {
    float[] v = new float[length];
    for (int i = 0; i < length; i++) v[i] = nextFloat();
    return v;
  }

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 40_000;
    int m = args.length > 1 ? Integer.parseInt(args[1]) : n;
    long seed = args.length > 2 ? Long.parseLong(args[2]) : 1;
    try (BufferAllocator allocator = new RootAllocator(); Aligner aligner = Aligner.builder().build()) {
      state = 99;
      float[] wx = series(4096), wy = series(4096);
      try (FixedSizeListVector x = DenseMatrices.of(allocator, "x", 4096, 1, wx);
           FixedSizeListVector y = DenseMatrices.of(allocator, "y", 4096, 1, wy)) {
        for (int k = 0; k < 5; k++) aligner.distance(x, y);   // warm-up: let C2 compile the row loops
      }
      state = seed;
      float[] xs = series(n), ys = series(m);
      try (FixedSizeListVector x = DenseMatrices.of(allocator, "x", n, 1, xs);
           FixedSizeListVector y = DenseMatrices.of(allocator, "y", m, 1, ys)) {
        long t0 = System.nanoTime();
        double d = aligner.distance(x, y);
        double s = (System.nanoTime() - t0) * 1e-9;
        System.out.printf(Locale.ROOT, "Java %s: %d x %d, distance %s (bits %016x), %.3f s, %.1f Mcells/s%n",
            Runtime.version(), n, m, d, Double.doubleToRawLongBits(d), s, (double) n * m / s / 1e6);
      }
    }
  }
}
