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
 * Fused additive attention ({@code Kernels.additiveAttentionForward}: tanh-reduce scores, online
 * softmax and A·V in one pass, no n_q × n_k matrix) and its backward
 * ({@code additiveAttentionBackward}: weights recomputed, dS, dV, then the tanh-reduce backward),
 * projected inputs P, R [n × h], V [n × dv]. Reported as tanh terms per second = ops/s · nq · nk · h
 * (the backward evaluates each term three times: once for the weights, twice in its two passes).
 * The scalar kernels are left out of the defaults (~3 s per forward at this shape; see
 * AdditiveScoresBenchmark for the scalar tanh-reduce).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED",
    "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-modules=jdk.incubator.vector", "-XX:+IgnoreUnrecognizedVMOptions"})
public class AdditiveAttentionBenchmark {
  /** {@code nq x nk x h x dv}. */
  @Param({"2048x2048x64x64"})
  public String shape;

  /** {@code scalar}, or {@code simd:T} (T threads). */
  @Param({"simd:1", "simd:2"})
  public String kernels;

  private Arena arena;
  private Kernels impl;
  private MemorySegment p, r, w, v, o, dO, dP, dR, dw, dV;
  private int nq, nk, h, dv;

  @Setup(Level.Trial)
  public void setUp() {
    int[] d = Shapes.dims(shape);
    nq = d[0]; nk = d[1]; h = d[2]; dv = d[3];
    impl = Shapes.kernels(kernels);
    arena = Arena.ofShared();
    p = Shapes.randomFloats(arena, (long) nq * h, 41);
    r = Shapes.randomFloats(arena, (long) nk * h, 42);
    w = Shapes.randomFloats(arena, h, 43);
    v = Shapes.randomFloats(arena, (long) nk * dv, 44);
    dO = Shapes.randomFloats(arena, (long) nq * dv, 45);
    o = arena.allocate(4L * nq * dv);
    dP = arena.allocate(4L * nq * h);
    dR = arena.allocate(4L * nk * h);
    dw = arena.allocate(4L * h);
    dV = arena.allocate(4L * nk * dv);
  }

  @TearDown(Level.Trial)
  public void tearDown() { arena.close(); }

  @Benchmark
  public MemorySegment fusedForward() {
    impl.additiveAttentionForward(p, r, w, v, o, null, nq, nk, h, dv, 1f, null);
    return o;
  }

  @Benchmark
  public MemorySegment backward() {
    impl.additiveAttentionBackward(p, r, w, v, dO, dP, dR, dw, dV, nq, nk, h, dv, 1f, null);
    return dP;
  }
}
