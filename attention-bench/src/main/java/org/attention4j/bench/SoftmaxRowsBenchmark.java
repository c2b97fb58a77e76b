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
 * Masked row softmax ({@code Kernels.softmaxRows}) of the scalar and simd kernels over one head's score matrix
 * ({@code rows x cols}, L=512 and L=2048 of ARCHITECTURE §6), without a mask and with a causal mask.
 * Reported as elements per second = ops/s · rows · cols (softmax is exp-bound, not FLOP-bound).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED",
    "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-modules=jdk.incubator.vector", "-XX:+IgnoreUnrecognizedVMOptions"})
public class SoftmaxRowsBenchmark {
  @Param({"512x512", "2048x2048"})
  public String shape;

  @Param({"none", "causal"})
  public String mask;

  /** {@code scalar}, or {@code simd:T} (T threads). */
  @Param({"scalar", "simd:1", "simd:2"})
  public String kernels;

  private Arena arena;
  private Kernels impl;
  private MemorySegment scores, weights, allowed;
  private int rows, cols;
  private float scale;

  @Setup(Level.Trial)
  public void setUp() {
    int[] s = Shapes.dims(shape);
    rows = s[0]; cols = s[1];
    scale = 0.125f;
    impl = Shapes.kernels(kernels);
    arena = Arena.ofShared();
    scores = Shapes.randomFloats(arena, (long) rows * cols, 7);
    weights = arena.allocate(4L * rows * cols);
    allowed = mask.equals("causal") ? Shapes.causalMask(arena, rows, cols) : null;
  }

  @TearDown(Level.Trial)
  public void tearDown() { arena.close(); }

  @Benchmark
  public MemorySegment maskedRows() {
    impl.softmaxRows(scores, weights, rows, cols, scale, allowed);
    return weights;
  }
}
