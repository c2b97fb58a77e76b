package org.attention4j.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.attention4j.api.spi.Kernels;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * DTW: {@code rows} runs {@code Kernels.dtwRow} over a whole n × m table of float32 costs (one
 * pair, the row recurrence with float64 accumulation; {@code band} −1 = none, else the cells
 * |i·m − j·n| ≤ band·m), {@code manyPairs} runs {@code Kernels.dtwDistances} on a batch of pairs
 * (squared Euclidean costs of 1-D series, float64). Reported as cells per second = ops/s · cells.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED",
    "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-modules=jdk.incubator.vector", "-XX:+IgnoreUnrecognizedVMOptions"})
public class DtwBenchmark {
  /** {@code n x m} of the single table. */
  @Param({"4096x4096"})
  public String table;

  /** {@code pairs x n x m x dim} of the batch. */
  @Param({"256x256x256x1"})
  public String batch;

  @Param({"-1"})
  public int band;

  /** {@code scalar}, or {@code simd:T} (T threads). */
  @Param({"scalar", "simd:1", "simd:2"})
  public String kernels;

  private Arena arena;
  private Kernels impl;
  private MemorySegment costs, rowA, rowB, x, y, out;
  private int n, m, pairs, bn, bm, dim;

  @Setup(Level.Trial)
  public void setUp() {
    int[] t = Shapes.dims(table), b = Shapes.dims(batch);
    n = t[0]; m = t[1];
    pairs = b[0]; bn = b[1]; bm = b[2]; dim = b[3];
    impl = Shapes.kernels(kernels);
    arena = Arena.ofShared();
    costs = Shapes.randomFloats(arena, (long) n * m, 31);
    rowA = arena.allocate(8L * m);
    rowB = arena.allocate(8L * m);
    x = Shapes.randomFloats(arena, (long) pairs * bn * dim, 32);
    y = Shapes.randomFloats(arena, (long) pairs * bm * dim, 33);
    out = arena.allocate(8L * pairs);
  }

  @TearDown(Level.Trial)
  public void tearDown() { arena.close(); }

  @Benchmark
  public MemorySegment rows() {
    MemorySegment prev = rowA, cur = rowB;
    for (int i = 0; i < n; i++) {
      int lo = 0, hi = m;
      if (band >= 0) {
        long c = (long) i * m, w = (long) band * m;
        lo = (int) Math.max(0, Math.ceilDiv(c - w, (long) n));
        hi = (int) Math.min(m, Math.floorDiv(c + w, (long) n) + 1);
      }
      impl.dtwRow(prev, costs.asSlice(4L * i * m, 4L * m), cur, m, lo, hi, i == 0);
      MemorySegment swap = prev;
      prev = cur;
      cur = swap;
    }
    return prev;
  }

  @Benchmark
  public MemorySegment manyPairs() {
    impl.dtwDistances(x, y, pairs, bn, bm, dim, band, out);
    return out;
  }
}
