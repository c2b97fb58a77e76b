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
 * The additive tanh-reduce ({@code Kernels.additiveScores}: S[i][j] = Σ_h w[h]·tanh(P[i][h] + R[j][h]))
 * of the scalar and simd kernels, at the ARCHITECTURE §6 row n = 2048 (queries and keys), h = 64.
 * Reported as tanh terms per second = ops/s · nq · nk · h.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED",
    "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-modules=jdk.incubator.vector", "-XX:+IgnoreUnrecognizedVMOptions"})
public class AdditiveScoresBenchmark {
  @Param({"2048x2048x64"})
  public String shape;

  /** {@code scalar}, or {@code simd:T} (T threads). */
  @Param({"scalar", "simd:1", "simd:2"})
  public String kernels;

  private Arena arena;
  private Kernels impl;
  private MemorySegment p, r, w, s;
  private int nq, nk, h;

  @Setup(Level.Trial)
  public void setUp() {
    int[] d = Shapes.dims(shape);
    nq = d[0]; nk = d[1]; h = d[2];
    impl = Shapes.kernels(kernels);
    arena = Arena.ofShared();
    p = Shapes.randomFloats(arena, (long) nq * h, 11);
    r = Shapes.randomFloats(arena, (long) nk * h, 12);
    w = Shapes.randomFloats(arena, h, 13);
    s = arena.allocate(4L * nq * nk);
  }

  @TearDown(Level.Trial)
  public void tearDown() { arena.close(); }

  @Benchmark
  public MemorySegment tanhReduce() {
    impl.additiveScores(p, r, w, s, nq, nk, h);
    return s;
  }
}
